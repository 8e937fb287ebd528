import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import { transitionPatron } from '../../src/db/repositories/patrons.js';
import { networkAlerts, outbox, patrons } from '../../src/db/schema.js';
import { DAY } from '../../src/domain/clock.js';
import type { Deps } from '../../src/usecases/deps.js';
import {
  assertLicenceAvailable,
  LicencePoolFullError,
  licencePoolStatus,
  withLicencePoolAlert,
} from '../../src/usecases/resources/licence-pool.js';
import { openDocument } from '../../src/usecases/resources/open-document.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';

const NETWORK_EMAIL = 'licences@reseau.exemple.fr';
let ctx: TestContext;
let libId: string;

/** What decide-request does when accepting, with the pool check first. */
function accept(deps: Deps, patronId: string) {
  return withLicencePoolAlert(deps, () =>
    deps.db.transaction(async (tx) => {
      const network = await getNetwork(tx);
      await assertLicenceAvailable(tx, network, deps.clock.now(), deps.baseUrl);
      const row = await transitionPatron(tx, patronId, ['pending'], {
        state: 'active',
        activeUntil: '2027-11-22',
        pendingSince: null,
      });
      if (!row) throw new Error('not pending');
      return row;
    }),
  );
}

const mails = (template: string) =>
  ctx.database.db
    .select()
    .from(outbox)
    .where(eq(outbox.template, template))
    .then((rows) => rows.filter((r) => r.toAddress === NETWORK_EMAIL));

beforeAll(async () => {
  ctx = await createTestApp();
  libId = (await addLibrary(ctx)).id;
  const network = await getNetwork(ctx.database.db);
  await updateNetwork(ctx.database.db, {
    email: NETWORK_EMAIL,
    settings: { ...network.settings, licencePool: 4, licenceWarningPercent: 75 },
  });
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  ctx.clock.set('2026-11-23T09:00:00Z');
  await ctx.database.db.delete(patrons);
  await ctx.database.db.delete(outbox);
  await ctx.database.db.delete(networkAlerts);
});

const addActive = (n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      addPatron(ctx, libId, {
        state: i % 2 ? 'renewal_pending' : 'active',
        activeUntil: '2027-06-30',
        pendingSince: null,
      }),
    ),
  );

describe('licence pool', () => {
  it('counts active and renewal_pending accounts, and warns once a day past the threshold', async () => {
    await addActive(2);
    await addPatron(ctx, libId, { state: 'expired', activeUntil: '2026-01-01', pendingSince: null });
    const network = await getNetwork(ctx.database.db);
    expect(await licencePoolStatus(ctx.database.db, network.settings)).toMatchObject({
      pool: 4,
      used: 2,
      available: 2,
      level: 'ok',
    });
    const a = await addPatron(ctx, libId);
    await accept(ctx.deps, a.id); // 3 of 4: 75 %
    const b = await addPatron(ctx, libId);
    await accept(ctx.deps, b.id); // 4 of 4
    const warnings = await mails('licence_pool_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.subject).toBe('Licences : 75 % des comptes achetés sont utilisés');
  });

  it('at the limit: clear message, the request stays pending, the network alerted once a day', async () => {
    await addActive(4);
    const waiting = await addPatron(ctx, libId);
    const err = await accept(ctx.deps, waiting.id).catch((e) => e);
    expect(err).toBeInstanceOf(LicencePoolFullError);
    expect(err.status).toBe(409);
    expect(err.message).toContain(
      'Toutes les licences achetées par le réseau sont utilisées (4 comptes actifs pour 4 achetés)',
    );
    expect(err.message).toContain('La demande reste en attente');
    const [row] = await ctx.database.db.select().from(patrons).where(eq(patrons.id, waiting.id));
    expect(row!.state).toBe('pending');
    await accept(ctx.deps, waiting.id).catch(() => {});
    expect(await mails('licence_pool_full')).toHaveLength(1);
    ctx.clock.advance(DAY);
    await accept(ctx.deps, waiting.id).catch(() => {});
    const full = await mails('licence_pool_full');
    expect(full).toHaveLength(2);
    expect(full[0]!.text).toContain('Les demandes restent en attente : aucune n’est refusée.');

    // A larger pool, set by an administrator, applies at once.
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, licencePool: 5 } });
    expect((await accept(ctx.deps, waiting.id)).state).toBe('active');
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, licencePool: 4 } });
  });

  it('lets only one of two parallel accepts take the last licence', async () => {
    await addActive(3);
    const people = await Promise.all(Array.from({ length: 6 }, () => addPatron(ctx, libId)));
    const pools: Deps[] = [ctx.deps];
    if (onPostgres)
      pools.push({ ...ctx.deps, db: ctx.openAnother().db }, { ...ctx.deps, db: ctx.openAnother().db });
    const results = await Promise.allSettled(people.map((p, i) => accept(pools[i % pools.length]!, p.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.every(
        (r) =>
          r.status === 'fulfilled' || (r as PromiseRejectedResult).reason instanceof LicencePoolFullError,
      ),
    ).toBe(true);
    const network = await getNetwork(ctx.database.db);
    expect((await licencePoolStatus(ctx.database.db, network.settings)).used).toBe(4);
    expect(await mails('licence_pool_full')).toHaveLength(1);
  });
});

describe('licence pool in the decision', () => {
  it('keeps the request pending with a clear message when staff accept at the limit, and alerts the network', async () => {
    await addActive(4);
    const waiting = await addPatron(ctx, libId);
    const staff = await addStaff(ctx, { identifier: 'pool-agent', libraryIds: [libId] });
    const b = new TestBrowser(ctx.app);
    await b.logIn(staff.identifier, staff.password);
    const res = await b.post(
      `/admin/usagers/${waiting.id}/decision`,
      {
        action: 'decider',
        decision: 'accepter',
        membre: 'oui',
        naissance: 'oui',
        modele: 'accept',
        objet: 'Votre compte',
        message: 'Bonjour, votre compte est actif.',
      },
      { from: `/admin/usagers/${waiting.id}` },
    );
    expect(res.statusCode).toBe(303);
    const page = await b.get(`/admin/usagers/${waiting.id}`);
    expect(page.body).toContain('Toutes les licences achetées par le réseau sont utilisées');
    const [row] = await ctx.database.db.select().from(patrons).where(eq(patrons.id, waiting.id));
    expect(row!.state).toBe('pending');
    expect(await mails('licence_pool_full')).toHaveLength(1);
  });
});

describe('dashboard section', () => {
  it('shows administrators the licence pool and the use of each cap; library staff do not see it', async () => {
    await addActive(3);
    const capped = await addResource(ctx, {
      name: 'Vidéothèque plafonnée',
      kind: 'unlimited',
      category: null,
      capPeriod: 'month',
      capLimit: 2,
    });
    const p = await addPatron(ctx, libId, { state: 'active', activeUntil: '2027-06-30', pendingSince: null });
    for (const d of ['a', 'b'])
      await openDocument(
        ctx.deps,
        {
          kind: 'patron',
          id: p.id,
          firstName: '',
          lastName: '',
          identifier: '',
          state: 'active',
          libraryId: libId,
        },
        { resourceId: capped.id, document: d },
      );
    await addStaff(ctx, { identifier: 'admin-lic', role: 'network_admin' });
    await addStaff(ctx, { identifier: 'agent-lic', libraryIds: [libId] });
    const admin = new TestBrowser(ctx.app, '198.51.100.50');
    await admin.logIn('admin-lic', 'Mot-de-passe-solide-1');
    const page = await admin.get('/admin');
    expect(page.body).toContain('Licences et plafonds');
    expect(page.body).toContain('Comptes usagers : 4 utilisés sur 4 achetés (100 %)');
    expect(page.body).toContain('Toutes les licences sont utilisées');
    expect(page.body).toContain('Vidéothèque plafonnée');
    expect(page.body).toContain('Plafond atteint');
    const agent = new TestBrowser(ctx.app, '198.51.100.51');
    await agent.logIn('agent-lic', 'Mot-de-passe-solide-1');
    expect((await agent.get('/admin')).body).not.toContain('Licences et plafonds');
  });
});
