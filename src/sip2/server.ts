import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import {
  field,
  formatMessage,
  parseMessage,
  patronStatus,
  REQUEST_SC_RESEND,
  type SipMessage,
  SipParseError,
  sipDateOfIso,
  sipDateTime,
} from '../connectors/sip2/codec.js';
import { parisDay } from '../domain/paris.js';
import type { Deps } from '../usecases/deps.js';
import { patronInformation, type Sip2PatronAnswer } from '../usecases/sip2/patron-information.js';
import { providerLogIn, type Sip2Session } from '../usecases/sip2/provider-login.js';

/**
 * Sésame's SIP2 server for providers that check a patron's card and password the way they do
 * against a library's ILS: 93 login (one account per provider), 99 ACS status, 63 patron
 * information, 23 patron status, 97 resend. Nothing but 93 is answered before a login
 * succeeds. Passwords (CO, AD) are never logged.
 */
export interface Sip2ServerOptions {
  port: number;
  host: string;
  /** PEM certificate and key; without them the listener is plain TCP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  maxConnections?: number;
  idleTimeoutMs?: number;
  /** Longest message accepted; a longer one closes the connection. */
  maxMessageBytes?: number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

export const SIP2_DEFAULTS = {
  maxConnections: 64,
  idleTimeoutMs: 5 * 60_000,
  maxMessageBytes: 4096,
} as const;

/** Failed logins after which a connection is closed. */
const MAX_BAD_LOGINS = 3;

export interface Sip2Server {
  port: number;
  close(): Promise<void>;
}

function timestamp(now: Date): string {
  const d = parisDay(now);
  const t = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .formatToParts(now)
    .reduce<Record<string, number>>((acc, p) => {
      if (p.type !== 'literal') acc[p.type] = Number(p.value);
      return acc;
    }, {});
  return sipDateTime({ ...d, hour: t.hour ?? 0, minute: t.minute ?? 0, second: t.second ?? 0 });
}

function yn(v: boolean): string {
  return v ? 'Y' : 'N';
}

/** The patron status flags for an answer: privileges denied when the resource is not for them. */
function statusFlags(a: Sip2PatronAnswer): string {
  if (!a.validPatron || !a.allowed)
    return patronStatus(['chargeDenied', 'renewalDenied', 'recallDenied', 'holdDenied']);
  return patronStatus([]);
}

/** The answer to one request of a connection, and whether to close it afterwards. */
export async function answerSip2(
  deps: Deps,
  state: { session: Sip2Session | null; badLogins: number; ip: string },
  message: SipMessage,
): Promise<{ reply: string; close?: boolean }> {
  const seq = message.sequence ?? (message.checksummed ? 0 : null);
  const now = deps.clock.now();
  switch (message.code) {
    case '93': {
      const uidAlgorithm = message.fixed[0];
      const pwdAlgorithm = message.fixed[1];
      const result =
        uidAlgorithm === '0' && pwdAlgorithm === '0'
          ? await providerLogIn(deps, {
              login: field(message, 'CN') ?? '',
              password: field(message, 'CO') ?? '',
              ip: state.ip,
            })
          : ({ ok: false, reason: 'unknown' } as const);
      if (result.ok) {
        state.session = result.session;
        state.badLogins = 0;
        return { reply: formatMessage('94', '1', [], seq) };
      }
      state.session = null;
      state.badLogins++;
      return { reply: formatMessage('94', '0', [], seq), close: state.badLogins >= MAX_BAD_LOGINS };
    }
    case '99':
    case '63':
    case '23':
      break;
    default:
      // A command Sésame does not serve: "resend" after a login, the door closed before one.
      return { reply: REQUEST_SC_RESEND, close: !state.session };
  }
  const session = state.session;
  // Before a successful login nothing is answered: the connection is closed.
  if (!session) return { reply: REQUEST_SC_RESEND, close: true };
  const ao = session.institution;
  if (message.code === '99') {
    // online, checkin no, checkout no, renewal no, status update no, offline no
    const fixed = `YNNNNN${'030'}${'003'}${timestamp(now)}2.00`;
    return {
      reply: formatMessage(
        '98',
        fixed,
        [
          ['AO', ao],
          ['AM', 'Sésame'],
          // In the specification's order: 23 patron status, checkout, checkin, block patron,
          // 99 status, 97 resend, 93 login, 63 patron information, then eight others.
          ['BX', 'YNNNYYYYNNNNNNNN'],
        ],
        seq,
      ),
    };
  }
  const patronId = field(message, 'AA') ?? '';
  const password = message.fields.some(([f]) => f === 'AD') ? (field(message, 'AD') ?? '') : undefined;
  const answer = await patronInformation(deps, session, { patronId, password });
  const language = /^\d{3}$/.test(message.fixed.slice(0, 3)) ? message.fixed.slice(0, 3) : '000';
  const common: Array<[string, string | null]> = [
    ['AO', ao],
    ['AA', patronId],
    ['AE', answer.name],
    ['BL', yn(answer.validPatron)],
    ['CQ', answer.validPassword === null ? null : yn(answer.validPassword)],
  ];
  const sesame: Array<[string, string | null]> = answer.validPatron
    ? [
        ['PA', answer.state],
        ['PC', answer.ageCategory],
        ['BW', answer.activeUntil ? sipDateOfIso(answer.activeUntil) : null],
      ]
    : [];
  if (message.code === '63') {
    const fixed = `${statusFlags(answer)}${language}${timestamp(now)}${'0000'.repeat(6)}`;
    return { reply: formatMessage('64', fixed, [...common, ...sesame, ['AF', answer.message]], seq) };
  }
  const fixed = `${statusFlags(answer)}${language}${timestamp(now)}`;
  return { reply: formatMessage('24', fixed, [...common, ...sesame, ['AF', answer.message]], seq) };
}

/** Starts the listener; resolves once it accepts connections. */
export async function startSip2Server(deps: Deps, options: Sip2ServerOptions): Promise<Sip2Server> {
  const maxConnections = options.maxConnections ?? SIP2_DEFAULTS.maxConnections;
  const idleTimeoutMs = options.idleTimeoutMs ?? SIP2_DEFAULTS.idleTimeoutMs;
  const maxBytes = options.maxMessageBytes ?? SIP2_DEFAULTS.maxMessageBytes;
  const sockets = new Set<net.Socket>();

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', () => socket.destroy());
    socket.setEncoding('utf8');
    const state = { session: null as Sip2Session | null, badLogins: 0, ip: socket.remoteAddress ?? '' };
    let buffer = '';
    let lastReply: string | null = null;
    let queue = Promise.resolve();

    const handle = async (raw: string) => {
      if (socket.destroyed) return;
      // The idle clock stops while Sésame works on a request (an argon2 check on a busy machine).
      socket.setTimeout(0);
      let reply: string;
      let close = false;
      try {
        const message = parseMessage(raw);
        if (message.code === '97') reply = lastReply ?? REQUEST_SC_RESEND;
        else ({ reply, close = false } = await answerSip2(deps, state, message));
      } catch (error) {
        if (error instanceof SipParseError) reply = REQUEST_SC_RESEND;
        else {
          // The database is down or similar: say nothing more than "ask again".
          options.log?.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'sip2 request failed',
          );
          reply = REQUEST_SC_RESEND;
        }
      }
      if (socket.destroyed) return;
      socket.setTimeout(idleTimeoutMs);
      if (!reply.startsWith('96')) lastReply = reply;
      socket.write(`${reply}\r`);
      if (close) socket.end();
    };

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (Buffer.byteLength(buffer) > maxBytes && !/[\r\n]/.test(buffer)) {
        socket.destroy();
        return;
      }
      let end = buffer.search(/[\r\n]/);
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.length > 0) {
          if (Buffer.byteLength(line) > maxBytes) {
            socket.destroy();
            return;
          }
          queue = queue.then(() => handle(line));
        }
        end = buffer.search(/[\r\n]/);
      }
    });
  };

  const server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, onConnection)
    : net.createServer(onConnection);
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log?.info({ port, tls: Boolean(options.tls) }, 'sip2 server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
