import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  /** One entry per e-mail accepted: its recipients, joined. */
  readonly recipients: string[];
  /** One entry per e-mail accepted: the message as the relay received it. */
  readonly messages: Buffer[];
  /** How many SMTP sessions clients opened so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free port that accepts every e-mail, each after `delayMs` (a slow
 * relay), remembers who it was for and what it said, and counts the sessions opened.
 */
export async function startSmtpSink(options: { delayMs?: number; idleMs?: number } = {}): Promise<SmtpSink> {
  const recipients: string[] = [];
  const messages: Buffer[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    // A relay that hangs up on a client silent for this long, as real ones do.
    ...(options.idleMs ? { socketTimeout: options.idleMs } : {}),
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        setTimeout(() => {
          recipients.push(session.envelope.rcptTo.map((r) => r.address).join(','));
          messages.push(Buffer.concat(chunks));
          callback();
        }, options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    recipients,
    messages,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
