import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setResourceLibraries } from '../../src/db/repositories/resources.js';
import { loginThrottles, patronResourceRights } from '../../src/db/schema.js';
import { accountThrottleKey } from '../../src/domain/login-throttle.js';
import { type Sip2Server, startSip2Server } from '../../src/sip2/server.js';
import { createSip2Account } from '../../src/usecases/sip2/create-account.js';
import { addLibrary, createTestApp, type TestContext } from '../helpers/app.js';
import { staffActor } from '../helpers/decision-fixtures.js';
import { addMember, PATRON_PASSWORD } from '../helpers/lifecycle-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';
import { fieldsOf, RawSipClient, sipChecksum, withChecksum } from '../helpers/sip2-raw-client.js';

/**
 * Sésame's SIP2 server, driven by a scripted client that sends raw strings (no SIP2 client
 * library exists on npm): login, status, patron information and status, checksums, lockout.
 */
let ctx: TestContext;
let server: Sip2Server;
let provider: { login: string; password: string };
let fenced: { login: string; password: string };
const DATE = '20261123    100000';
let member: { identifier: string; card: string };
let expired: { identifier: string };
let otherLibrary: { identifier: string };
let withdrawn: { identifier: string };
let locked: { identifier: string; id: string };

beforeAll(async () => {
  ctx = await createTestApp();
  const library = await addLibrary(ctx);
  const elsewhere = await addLibrary(ctx);
  const resource = await addResource(ctx, { allLibraries: false });
  await setResourceLibraries(ctx.database.db, resource.id, [library.id]);
  const admin = staffActor({
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Admin réseau',
    identifier: 'admin',
    role: 'network_admin',
  });
  provider = await createSip2Account(ctx.deps, admin, {
    login: 'fournisseur-films',
    resourceId: resource.id,
    allowedIps: '',
    institution: 'SESAME',
  });
  fenced = await createSip2Account(ctx.deps, admin, {
    login: 'fournisseur-clos',
    resourceId: resource.id,
    allowedIps: '203.0.113.9',
    institution: 'SESAME',
  });
  const m = await addMember(ctx, library.id, { cardNumber: '0123456789', activeUntil: '2027-06-30' });
  member = { identifier: m.identifier!, card: '0123456789' };
  const e = await addMember(ctx, library.id, { activeUntil: '2026-11-01' });
  expired = { identifier: e.identifier! };
  const o = await addMember(ctx, elsewhere.id, { activeUntil: '2027-06-30' });
  otherLibrary = { identifier: o.identifier! };
  const w = await addMember(ctx, library.id, { activeUntil: '2027-06-30' });
  await ctx.database.db.insert(patronResourceRights).values({
    patronId: w.id,
    resourceId: resource.id,
    withdrawn: true,
    changedByLabel: 'Bibliothèque',
    changedAt: ctx.clock.now(),
  });
  withdrawn = { identifier: w.identifier! };
  const l = await addMember(ctx, library.id, { activeUntil: '2027-06-30' });
  locked = { identifier: l.identifier!, id: l.id };
  server = await startSip2Server(ctx.deps, { port: 0, host: '127.0.0.1', idleTimeoutMs: 2_000 });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await ctx?.close();
});

async function loggedIn(): Promise<RawSipClient> {
  const c = await RawSipClient.connect(server.port);
  expect(await c.ask(`9300CN${provider.login}|CO${provider.password}|CPBIB|`)).toBe('941');
  return c;
}

const info = (id: string, extra = '') => `63002${DATE}          AOSESAME|AA${id}|${extra}`;
const status = (id: string, extra = '') => `23002${DATE}AOSESAME|AA${id}|${extra}`;

describe('93 login', () => {
  it('accepts the provider’s account and answers 99 with 98', async () => {
    const c = await loggedIn();
    const answer = (await c.ask('9900302.00'))!;
    expect(answer.slice(0, 3)).toBe('98Y');
    expect(answer.slice(32, 36)).toBe('2.00');
    const f = fieldsOf(answer, 34);
    expect(f.AO).toBe('SESAME');
    expect(f.BX).toMatch(/^Y[NY]{15}$/);
    c.close();
  });

  it('answers 940 to a wrong password and to an unknown account, then closes after three', async () => {
    const c = await RawSipClient.connect(server.port);
    expect(await c.ask(`9300CN${provider.login}|COmauvais|`)).toBe('940');
    expect(await c.ask('9300CNpersonne|COrien|')).toBe('940');
    expect(await c.ask(`9300CN${provider.login}|COencore|`)).toBe('940');
    expect(await c.waitClosed()).toBe(true);
  });

  it('refuses an account from an address not on its allowlist', async () => {
    const c = await RawSipClient.connect(server.port);
    expect(await c.ask(`9300CN${fenced.login}|CO${fenced.password}|`)).toBe('940');
    // No command passes after a refused login.
    expect(await c.ask(info(member.identifier))).toBe('96AZFEF6');
    expect(await c.waitClosed()).toBe(true);
  });

  it('refuses commands before a login and closes the connection', async () => {
    const c = await RawSipClient.connect(server.port);
    const answer = await c.ask(info(member.card));
    expect(answer).toBe('96AZFEF6');
    expect(answer).not.toContain('BL');
    expect(await c.waitClosed()).toBe(true);
  });
});

describe('63 patron information', () => {
  it('says valid patron and valid password, with state, age category and end date', async () => {
    const c = await loggedIn();
    const answer = (await c.ask(info(member.card, `AD${PATRON_PASSWORD}|`)))!;
    expect(answer.slice(0, 2)).toBe('64');
    expect(answer.slice(2, 16)).toBe(' '.repeat(14));
    expect(answer.slice(16, 19)).toBe('002');
    const f = fieldsOf(answer, 59);
    expect(f).toMatchObject({ AO: 'SESAME', AA: member.card, BL: 'Y', CQ: 'Y', PA: 'active', PC: '18' });
    expect(f.BW).toBe('20270630    000000');
    expect(f.AE).not.toBe('');
    c.close();
  });

  it('without a password field: valid patron, no CQ, no name', async () => {
    const c = await loggedIn();
    const f = fieldsOf((await c.ask(info(member.identifier)))!, 59);
    expect(f.BL).toBe('Y');
    expect(f.CQ).toBeUndefined();
    expect(f.AE).toBe('');
    c.close();
  });

  it('says CQ N to a wrong password', async () => {
    const c = await loggedIn();
    const answer = (await c.ask(info(member.identifier, 'ADfaux|')))!;
    expect(fieldsOf(answer, 59)).toMatchObject({ BL: 'Y', CQ: 'N' });
    expect(answer.slice(2, 6)).toBe('YYYY');
    c.close();
  });

  it('locks the account after the web login’s number of failures, even for the right password', async () => {
    const c = await loggedIn();
    for (let i = 0; i < 5; i++)
      expect(fieldsOf((await c.ask(info(locked.identifier, `ADfaux${i}|`)))!, 59).CQ).toBe('N');
    const [row] = await ctx.database.db
      .select()
      .from(loginThrottles)
      .where(eq(loginThrottles.key, accountThrottleKey('patron', locked.id)));
    expect(row?.lockedUntil?.getTime()).toBeGreaterThan(ctx.clock.now().getTime());
    const f = fieldsOf((await c.ask(info(locked.identifier, `AD${PATRON_PASSWORD}|`)))!, 59);
    expect(f.CQ).toBe('N');
    expect(f.AF).toContain('Trop de tentatives');
    c.close();
  });

  it('says BL N for an unknown patron', async () => {
    const c = await loggedIn();
    const answer = (await c.ask(info('inconnu-42', 'ADxyz|')))!;
    const f = fieldsOf(answer, 59);
    expect(f.BL).toBe('N');
    expect(f.PA).toBeUndefined();
    expect(answer.slice(2, 6)).toBe('YYYY');
    c.close();
  });

  it.each([
    ['an expired patron', () => expired.identifier, 'expired', 'expiré'],
    ['a patron of a library that does not subscribe', () => otherLibrary.identifier, 'active', 'pas abonnée'],
    ['a patron whose right was withdrawn', () => withdrawn.identifier, 'active', 'retiré'],
  ])('denies privileges to %s', async (_, id, state, why) => {
    const c = await loggedIn();
    const answer = (await c.ask(info(id(), `AD${PATRON_PASSWORD}|`)))!;
    expect(answer.slice(2, 6)).toBe('YYYY');
    const f = fieldsOf(answer, 59);
    expect(f).toMatchObject({ BL: 'Y', CQ: 'Y', PA: state });
    expect(f.AF).toContain(why);
    c.close();
  });
});

describe('23 patron status', () => {
  it('answers 24 with BL and CQ', async () => {
    const c = await loggedIn();
    const answer = (await c.ask(status(member.identifier, `AD${PATRON_PASSWORD}|`)))!;
    expect(answer.slice(0, 2)).toBe('24');
    expect(answer.slice(2, 16)).toBe(' '.repeat(14));
    expect(fieldsOf(answer, 35)).toMatchObject({ BL: 'Y', CQ: 'Y', PA: 'active' });
    c.close();
  });
});

describe('checksums and sequence numbers', () => {
  it('answers with the request’s sequence number and a right checksum', async () => {
    const c = await RawSipClient.connect(server.port);
    const login = (await c.ask(withChecksum(`9300CN${provider.login}|CO${provider.password}|`, 4)))!;
    expect(login.slice(0, 8)).toBe('941AY4AZ');
    expect(login.slice(-4)).toBe(sipChecksum(login.slice(0, -4)));
    const answer = (await c.ask(withChecksum(info(member.card), 5)))!;
    expect(answer).toMatch(/AY5AZ[0-9A-F]{4}$/);
    expect(answer.slice(-4)).toBe(sipChecksum(answer.slice(0, -4)));
    c.close();
  });

  it('asks for a resend (96) when the checksum was tampered with, and 97 gets the last answer again', async () => {
    const c = await loggedIn();
    const good = withChecksum(info(member.card), 1);
    const tampered = good.replace(member.card, '0123456780');
    expect(await c.ask(tampered)).toBe('96AZFEF6');
    const answer = await c.ask(good);
    expect(answer?.slice(0, 2)).toBe('64');
    expect(await c.ask('97AZFEF5')).toBe(answer);
    c.close();
  });

  it('closes a connection left idle', async () => {
    const c = await loggedIn();
    expect(await c.waitClosed(6_000)).toBe(true);
  });
});

describe('TLS', () => {
  it('speaks SIP2 inside TLS with the configured certificate, and nothing to a plain client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-sip2-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tlsServer = await startSip2Server(ctx.deps, {
      port: 0,
      host: '127.0.0.1',
      tls: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) },
    });
    try {
      const c = await RawSipClient.connect(tlsServer.port, { tls: true });
      expect(await c.ask(`9300CN${provider.login}|CO${provider.password}|`)).toBe('941');
      expect(fieldsOf((await c.ask(info(member.card)))!, 59).BL).toBe('Y');
      c.close();
      const plain = await RawSipClient.connect(tlsServer.port);
      expect(
        await plain.ask(`9300CN${provider.login}|CO${provider.password}|`, 5_000).catch(() => null),
      ).toBeNull();
      plain.close();
    } finally {
      await tlsServer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
