import net from 'node:net';
import tls from 'node:tls';

/**
 * A scripted SIP2 client that speaks raw strings, written apart from Sésame's codec on
 * purpose (npm holds no SIP2 client library): the tests spell each message out by hand.
 */
export class RawSipClient {
  private buffer = '';
  private waiting: Array<(line: string | null) => void> = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\r');
      while (end >= 0 && this.waiting.length) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        this.waiting.shift()!(line);
        end = this.buffer.indexOf('\r');
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
    socket.on('error', () => {});
  }

  static connect(port: number, options: { tls?: boolean } = {}): Promise<RawSipClient> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () =>
            resolve(new RawSipClient(socket)),
          )
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(new RawSipClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one message (a carriage return is added) and waits for one answer; null if closed. */
  ask(message: string, timeoutMs = 10_000): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${message.slice(0, 2)}`)), timeoutMs);
      const done = (line: string | null) => {
        clearTimeout(timer);
        resolve(line);
      };
      const end = this.buffer.indexOf('\r');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        done(line);
      } else if (this.closed) done(null);
      else this.waiting.push(done);
      this.socket.write(`${message}\r`);
    });
  }

  /** Waits for the server to close the connection. */
  waitClosed(timeoutMs = 5_000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The checksum the SIP2 specification describes: two's complement of the 16-bit byte sum, 4 hex digits. */
export function sipChecksum(packet: string): string {
  let sum = 0;
  for (const b of Buffer.from(packet, 'utf8')) sum = (sum + b) & 0xffff;
  return ((0x10000 - sum) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/** Appends AY<seq>AZ and the checksum to a message. */
export function withChecksum(message: string, sequence: number): string {
  const packet = `${message}AY${sequence}AZ`;
  return packet + sipChecksum(packet);
}

/** The variable fields of an answer, by id (first value). */
export function fieldsOf(answer: string, fixedLength: number): Record<string, string> {
  const out: Record<string, string> = {};
  const body = answer.replace(/AY\dAZ[0-9A-F]{4}$/, '').slice(2 + fixedLength);
  for (const part of body.split('|'))
    if (part.length >= 2 && !(part.slice(0, 2) in out)) out[part.slice(0, 2)] = part.slice(2);
  return out;
}
