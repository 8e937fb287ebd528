import pinoPretty from 'pino-pretty';
import type { Config } from '../config.js';

/**
 * Where the server's log lines go. Log collectors want one JSON object a line; a person who
 * ran `npm start` in a terminal wants to read them under the start banner. `LOG_FORMAT=json`
 * forces JSON on a terminal, `pretty` forces readable lines into a pipe.
 */
export function wantsPrettyLogs(format: Config['logFormat'], isTTY: boolean | undefined): boolean {
  return format === 'pretty' || (format === 'auto' && isTTY === true);
}

type Line = Record<string, unknown>;

/** One request is two lines (in, out): each says what it is about, with a short request id. */
function messageFormat(log: Line, messageKey: string): string {
  const id = typeof log.reqId === 'string' ? ` [${log.reqId.slice(0, 8)}]` : '';
  const req = log.req as { method?: string; url?: string; remoteAddress?: string } | undefined;
  if (req?.method)
    return `→ ${req.method} ${req.url}${req.remoteAddress ? ` de ${req.remoteAddress}` : ''}${id}`;
  const res = log.res as { statusCode?: number } | undefined;
  if (res?.statusCode !== undefined && typeof log.responseTime === 'number')
    return `← ${res.statusCode} en ${Math.round(log.responseTime)} ms${id}${log[messageKey] === 'request completed' ? '' : ` ${String(log[messageKey])}`}`;
  return `${String(log[messageKey] ?? '')}${id}`;
}

export const PRETTY_OPTIONS: pinoPretty.PrettyOptions = {
  translateTime: 'SYS:HH:MM:ss',
  ignore: 'pid,hostname,reqId,req,res,responseTime',
  singleLine: true,
  messageFormat,
};

/** A stream for Fastify's logger that prints readable lines on standard output. */
export function prettyLogStream(): pinoPretty.PrettyStream {
  return pinoPretty({ ...PRETTY_OPTIONS, colorize: pinoPretty.isColorSupported, destination: 1 });
}
