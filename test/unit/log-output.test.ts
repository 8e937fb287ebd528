import pinoPretty from 'pino-pretty';
import { describe, expect, it } from 'vitest';
import { PRETTY_OPTIONS, wantsPrettyLogs } from '../../src/web/log-output.js';

describe('log output', () => {
  it('is readable on a terminal, JSON in a pipe or when LOG_FORMAT=json', () => {
    expect(wantsPrettyLogs('auto', true)).toBe(true);
    expect(wantsPrettyLogs('auto', false)).toBe(false);
    expect(wantsPrettyLogs('auto', undefined)).toBe(false);
    expect(wantsPrettyLogs('json', true)).toBe(false);
    expect(wantsPrettyLogs('pretty', false)).toBe(true);
  });

  it('prints a request as two short lines, with no JSON', () => {
    const pretty = pinoPretty.prettyFactory({ ...PRETTY_OPTIONS, colorize: false });
    const time = Date.parse('2026-12-06T21:15:04Z');
    const base = {
      level: 30,
      time,
      pid: 4242,
      hostname: 'portable',
      reqId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
    };
    const incoming = pretty({
      ...base,
      req: { method: 'GET', url: '/bibliotheques', hostname: '127.0.0.1:3000', remoteAddress: '127.0.0.1' },
      msg: 'incoming request',
    });
    const completed = pretty({
      ...base,
      res: { statusCode: 200 },
      responseTime: 12.4,
      msg: 'request completed',
    });
    expect(incoming).toMatch(/INFO.*→ GET \/bibliotheques de 127\.0\.0\.1 \[1b9d6bcd\]\n$/);
    expect(completed).toMatch(/INFO.*← 200 en 12 ms \[1b9d6bcd\]\n$/);
    for (const line of [incoming, completed]) {
      expect(line).not.toContain('{');
      expect(line).not.toContain('4242');
    }
    const other = pretty({ level: 40, time, pid: 1, hostname: 'h', sweep: 'outbox', msg: 'sweep failed' });
    expect(other).toMatch(/WARN.*sweep failed.*sweep.*outbox/);
  });
});
