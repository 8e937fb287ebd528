import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCasTicket } from '../../src/db/repositories/cas.js';
import { findOidcPayload, upsertOidcPayload } from '../../src/db/repositories/oidc.js';
import { casTickets, oidcPayloads } from '../../src/db/schema.js';
import { MINUTE } from '../../src/domain/clock.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { SWEEPS } from '../../src/jobs/sweeps.js';
import { addLibrary, createTestApp, type TestContext } from '../helpers/app.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';

const START = '2026-11-23T09:00:00Z';
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
  ctx.clock.set(START);
});
afterAll(() => ctx?.close());

const at = (ms: number) => new Date(ctx.clock.now().getTime() + ms);

describe('the purge-sso sweep', () => {
  it('is registered with the scheduler’s sweeps', () => {
    const sweep = SWEEPS.find((s) => s.name === 'purge-sso');
    expect(sweep?.intervalMs).toBe(15 * MINUTE);
  });

  it('deletes expired OpenID Connect payloads and CAS tickets, keeps the others, and runs again harmlessly', async () => {
    const db = ctx.database.db;
    const payload = (model: string, id: string, expiresAt: Date | null) =>
      upsertOidcPayload(db, { model, id, payload: { jti: id }, grantId: `grant-${id}`, expiresAt });
    await payload('AuthorizationCode', 'code-expired', at(-MINUTE));
    await payload('AccessToken', 'token-expired-now', at(0));
    await payload('AccessToken', 'token-valid', at(MINUTE));
    await payload('Session', 'session-valid', at(60 * MINUTE));
    await payload('Client', 'no-expiry', null);

    const library = await addLibrary(ctx, 'Médiathèque Alpha');
    const patron = await addPatron(ctx, library.id, { state: 'active', activeUntil: '2027-11-22' });
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const ticket = (hash: string, expiresAt: Date) =>
      insertCasTicket(db, {
        hash,
        resourceId: resource.id,
        patronId: patron.id,
        service: 'https://fournisseur.example/',
        fromNewLogin: false,
        createdAt: at(-20_000),
        expiresAt,
      });
    await ticket('ticket-expired', at(-1000));
    await ticket('ticket-valid', at(5000));

    const scheduler = createScheduler({
      database: ctx.database,
      clock: ctx.clock,
      config: ctx.config,
      log: pino({ level: 'silent' }),
      transport: null,
    });
    expect(await scheduler.run('purge-sso')).toEqual({ status: 'done', counts: { oidc: 2, cas: 1 } });
    const left = async () => ({
      oidc: (await db.select({ id: oidcPayloads.id }).from(oidcPayloads)).map((r) => r.id).sort(),
      cas: (await db.select({ hash: casTickets.hash }).from(casTickets)).map((r) => r.hash).sort(),
    });
    expect(await left()).toEqual({
      oidc: ['no-expiry', 'session-valid', 'token-valid'],
      cas: ['ticket-valid'],
    });
    expect(await findOidcPayload(db, 'AccessToken', { id: 'token-valid' }, ctx.clock.now())).not.toBeNull();

    expect(await scheduler.run('purge-sso')).toEqual({ status: 'done', counts: { oidc: 0, cas: 0 } });
    ctx.clock.advance(2 * MINUTE);
    expect(await scheduler.run('purge-sso')).toEqual({ status: 'done', counts: { oidc: 1, cas: 1 } });
    expect((await left()).oidc).toEqual(['no-expiry', 'session-valid']);
  });
});
