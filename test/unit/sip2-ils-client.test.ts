import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { askIls, type IlsAddress, splitName } from '../../src/connectors/sip2/client.js';
import { sipChecksum } from '../helpers/sip2-raw-client.js';

/**
 * Sésame's ILS client against a scripted ILS double: a tiny TCP server that answers with raw
 * strings written by hand for each case, the way Koha's SIP server lays them out.
 */
const servers: net.Server[] = [];
const received: string[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  received.length = 0;
});

function ed(message: string, sequence: string): string {
  const packet = `${message}AY${sequence}AZ`;
  return packet + sipChecksum(packet);
}

/** An ILS answering each request with `reply(request)`; undefined: stay silent. */
async function ils(reply: (request: string) => string | undefined): Promise<IlsAddress> {
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf('\r');
      while (end >= 0) {
        const request = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        received.push(request);
        const answer = reply(request);
        if (answer !== undefined) socket.write(`${answer}\r`);
        end = buffer.indexOf('\r');
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    tls: false,
    login: 'sesame',
    password: 'motdepasse-ils',
    location: 'BIB01',
  };
}

const NOW = new Date('2026-11-23T09:00:00Z');
const TODAY = '2026-11-23';
const seqOf = (request: string) => /AY(\d)AZ/.exec(request)?.[1] ?? '0';

function kohaLike(request: string, patron: string): string | undefined {
  if (request.startsWith('93')) return ed('941', seqOf(request));
  if (request.startsWith('63')) return ed(patron, seqOf(request));
  return undefined;
}

describe('askIls', () => {
  it('reads an active member: name, birth date, end date; logs in first, and asks by card number', async () => {
    const address = await ils((r) =>
      kohaLike(
        r,
        `64              00220261123    090000000000000000000000000000AOBIB01|AA0123456789|AEDURAND, Élodie|BLY|BW20271015    000000|PB19850304|BEelodie.durand@exemple.fr|CC5|`,
      ),
    );
    const answer = await askIls(address, '0123456789', { now: NOW, today: TODAY });
    expect(answer).toEqual({
      status: 'found',
      name: 'DURAND, Élodie',
      firstName: 'Élodie',
      lastName: 'DURAND',
      birthDate: '1985-03-04',
      email: 'elodie.durand@exemple.fr',
      expires: '2027-10-15',
      blocked: false,
      active: true,
    });
    expect(received[0]).toMatch(/^9300CNsesame\|COmotdepasse-ils\|CPBIB01\|AY0AZ[0-9A-F]{4}$/);
    expect(received[1]).toMatch(/^63002\d{8} {3}Z\d{6} {10}AOBIB01\|AA0123456789\|AY1AZ[0-9A-F]{4}$/);
  });

  it('says blocked when charge privileges are denied or the end date has passed', async () => {
    const denied = await ils((r) =>
      kohaLike(r, `64Y             00220261123    090000000000000000000000000000AOB|AA1|AEA B|BLY|`),
    );
    expect(await askIls(denied, '1', { now: NOW, today: TODAY })).toMatchObject({
      status: 'found',
      active: false,
    });
    const past = await ils((r) =>
      kohaLike(
        r,
        `64              00220261123    090000000000000000000000000000AOB|AA1|AEA B|BLY|PE20251231|`,
      ),
    );
    expect(await askIls(past, '1', { now: NOW, today: TODAY })).toMatchObject({
      status: 'found',
      expires: '2025-12-31',
      active: false,
    });
  });

  it('says unknown for a card the ILS does not know (BL N)', async () => {
    const address = await ils((r) =>
      kohaLike(
        r,
        `64YYYY          00220261123    090000000000000000000000000000AOBIB01|AA999|AE|BLN|AFInvalid cardnumber|`,
      ),
    );
    expect(await askIls(address, '999', { now: NOW, today: TODAY })).toEqual({ status: 'unknown' });
  });

  it('gives up after the timeout when the ILS says nothing', async () => {
    const address = await ils(() => undefined);
    const started = Date.now();
    expect(await askIls(address, '1', { now: NOW, today: TODAY, timeoutMs: 200 })).toEqual({
      status: 'error',
      reason: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it.each([
    ['noise', 'HELLO THERE'],
    ['a 64 too short', '64   '],
    [
      'a wrong checksum',
      '64              00220261123    090000000000000000000000000000AOB|AA1|BLY|AY1AZ0000',
    ],
    ['another message', '98YYYYNN'],
  ])('says garbage for %s', async (_, patron) => {
    const address = await ils((r) => (r.startsWith('93') ? ed('941', '0') : patron));
    expect(await askIls(address, '1', { now: NOW, today: TODAY })).toEqual({
      status: 'error',
      reason: 'garbage',
    });
  });

  it('says login when the ILS refuses Sésame’s account', async () => {
    const address = await ils((r) => (r.startsWith('93') ? ed('940', '0') : undefined));
    expect(await askIls(address, '1', { now: NOW, today: TODAY })).toEqual({
      status: 'error',
      reason: 'login',
    });
  });

  it('skips the login when none is configured', async () => {
    const address = await ils((r) =>
      r.startsWith('63')
        ? `64              00220261123    090000000000000000000000000000AOB|AA1|AEX|BLY|`
        : ed('940', '0'),
    );
    const answer = await askIls({ ...address, login: '' }, '1', { now: NOW, today: TODAY });
    expect(answer).toMatchObject({ status: 'found', active: true, expires: null });
    expect(received.every((r) => r.startsWith('63'))).toBe(true);
  });

  it('says unreachable when nothing listens', async () => {
    const address = await ils(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    expect(await askIls(address, '1', { now: NOW, today: TODAY })).toEqual({
      status: 'error',
      reason: 'unreachable',
    });
  });
});

describe('splitName', () => {
  it.each([
    ['DURAND, Élodie', { lastName: 'DURAND', firstName: 'Élodie' }],
    ['Élodie Durand-Moreau', { firstName: 'Élodie', lastName: 'Durand-Moreau' }],
    ['Durand', { firstName: null, lastName: 'Durand' }],
    ['  ', { firstName: null, lastName: null }],
  ])('%s', (name, parts) => {
    expect(splitName(name)).toEqual(parts);
  });
});
