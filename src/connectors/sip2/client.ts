import net from 'node:net';
import tls from 'node:tls';
import {
  field,
  formatMessage,
  isoDayOfSip,
  PATRON_STATUS,
  parseMessage,
  SipParseError,
  sipDateTime,
} from './codec.js';

/**
 * Asks a library's own system (ILS) over SIP2 about a card: optional 93 login, then 63 patron
 * information. Every failure (no answer within the timeout, refused connection or login,
 * garbage) comes back as a value, never as an exception: the caller shows it and goes on.
 */
export interface IlsAddress {
  host: string;
  port: number;
  tls: boolean;
  login: string;
  password: string;
  /** Location code (CP) of the login and institution id (AO) of the request. */
  location: string;
}

export type IlsAnswer =
  | {
      status: 'found';
      /** Personal name as the ILS sends it (AE). */
      name: string;
      firstName: string | null;
      lastName: string | null;
      /** AAAA-MM-JJ when the ILS sends one (PB). */
      birthDate: string | null;
      /** E-mail address when the ILS sends one that looks like one (BE). */
      email: string | null;
      /** Membership end date, AAAA-MM-JJ, when the ILS sends one (BW, PE or PA). */
      expires: string | null;
      /** Charge privileges denied, or a known end date already past. */
      blocked: boolean;
      /** BL Y, not blocked. */
      active: boolean;
    }
  | { status: 'unknown' }
  | { status: 'error'; reason: 'timeout' | 'unreachable' | 'login' | 'garbage' };

export const ILS_TIMEOUT_MS = 3_000;

/** "NOM, Prénom" or "Prénom Nom", as ILSes write names. */
export function splitName(name: string): { firstName: string | null; lastName: string | null } {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (!clean) return { firstName: null, lastName: null };
  if (clean.includes(',')) {
    const [last, ...first] = clean.split(',');
    return { lastName: last!.trim() || null, firstName: first.join(',').trim() || null };
  }
  const parts = clean.split(' ');
  if (parts.length === 1) return { firstName: null, lastName: parts[0]! };
  return { firstName: parts[0]!, lastName: parts.slice(1).join(' ') };
}

/** BE as an address: one, without spaces, with an "@" and a dot after it; else none. */
function emailOf(value: string | undefined): string | null {
  const v = value?.trim() ?? '';
  return v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? v : null;
}

/** Reads a 64 answer into what Sésame uses; `today` is AAAA-MM-JJ (Paris). */
export function readPatronInformation(answer: string, today: string): IlsAnswer {
  let m: ReturnType<typeof parseMessage>;
  try {
    m = parseMessage(answer);
  } catch {
    return { status: 'error', reason: 'garbage' };
  }
  if (m.code !== '64' || m.fixed.length !== 59) return { status: 'error', reason: 'garbage' };
  const valid = field(m, 'BL');
  if (valid !== 'Y') return { status: 'unknown' };
  const name = field(m, 'AE') ?? '';
  const expires = isoDayOfSip(field(m, 'BW')) ?? isoDayOfSip(field(m, 'PE')) ?? isoDayOfSip(field(m, 'PA'));
  const blocked = m.fixed[PATRON_STATUS.chargeDenied] === 'Y' || (expires !== null && expires < today);
  return {
    status: 'found',
    name,
    ...splitName(name),
    birthDate: isoDayOfSip(field(m, 'PB')),
    email: emailOf(field(m, 'BE')),
    expires,
    blocked,
    active: !blocked,
  };
}

/** One conversation with the ILS; resolves with its answer or the reason it has none. */
export function askIls(
  address: IlsAddress,
  cardNumber: string,
  options: { now: Date; today: string; timeoutMs?: number },
): Promise<IlsAnswer> {
  const timeoutMs = options.timeoutMs ?? ILS_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    let buffer = '';
    let step: 'login' | 'info' = address.login ? 'login' : 'info';
    const finish = (answer: IlsAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ status: 'error', reason: 'timeout' }), timeoutMs);
    const d = options.now;
    const date = sipDateTime({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    }).replace('    ', '   Z');
    const login = formatMessage(
      '93',
      '00',
      [
        ['CN', address.login],
        ['CO', address.password],
        ['CP', address.location || null],
      ],
      0,
    );
    const info = formatMessage(
      '63',
      `002${date}${' '.repeat(10)}`,
      [
        ['AO', address.location],
        ['AA', cardNumber],
      ],
      1,
    );
    const onConnect = () => socket.write(`${step === 'login' ? login : info}\r`);
    const socket: net.Socket = address.tls
      ? tls.connect({ host: address.host, port: address.port, servername: address.host }, onConnect)
      : net.connect({ host: address.host, port: address.port }, onConnect);
    socket.setEncoding('utf8');
    socket.on('error', () => finish({ status: 'error', reason: 'unreachable' }));
    socket.on('close', () => finish({ status: 'error', reason: settled ? 'unreachable' : 'garbage' }));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 16_384) return finish({ status: 'error', reason: 'garbage' });
      const end = buffer.search(/[\r\n]/);
      if (end < 0) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1).replace(/^\n/, '');
      if (step === 'login') {
        let ok = false;
        try {
          const m = parseMessage(line);
          ok = m.code === '94' && m.fixed === '1';
        } catch (error) {
          if (!(error instanceof SipParseError)) throw error;
        }
        if (!ok) return finish({ status: 'error', reason: /^94/.test(line) ? 'login' : 'garbage' });
        step = 'info';
        socket.write(`${info}\r`);
        return;
      }
      finish(readPatronInformation(line, options.today));
    });
  });
}
