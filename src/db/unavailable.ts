/**
 * Errors that mean "the database cannot serve us right now" rather than "this request is
 * wrong": the server restarted or failed over, our connection was cut, it is starting up, a
 * statement waited longer than the statement timeout, or too much work is already queued.
 * The web layer answers them with 503 and Retry-After; sweeps give up their run until the next tick.
 */

/** Raised instead of queueing more work than a bounded queue accepts. */
export class DatabaseBusyError extends Error {
  readonly code = 'SESAME_DATABASE_BUSY';
  constructor(what: string) {
    super(`${what}: queue full`);
    this.name = 'DatabaseBusyError';
  }
}

/** SQLSTATEs of a lost or refused connection, and of a statement cancelled by statement_timeout. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);
/** Socket errors of node and the messages node-postgres gives a dead or unreachable server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
]);
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  // 55000, a generic SQLSTATE: only with this message (ALTER DATABASE … ALLOW_CONNECTIONS false).
  'is not currently accepting connections',
];

/** True when the error, or one of its causes (drizzle wraps driver errors), is a database outage. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof DatabaseBusyError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('08') || SQLSTATES.has(code) || SOCKET_CODES.has(code)))
      return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

/**
 * Runs a short write that matters after a failure (recording how something ended), trying
 * again a few times while the database is unavailable: the first connection taken after an
 * outage may be one the server already closed. Throws the last error if none succeeded.
 */
export async function retryWhileUnavailable<T>(
  fn: () => Promise<T>,
  delaysMs: readonly number[] = [0, 250, 1000, 2000],
): Promise<T> {
  let last: unknown;
  for (const delay of delaysMs) {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      return await fn();
    } catch (error) {
      last = error;
      if (!isDatabaseUnavailable(error)) break;
    }
  }
  throw last;
}
