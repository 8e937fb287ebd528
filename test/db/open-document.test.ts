import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifySignedLink } from '../../src/connectors/signed-link.js';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import { setPatronRight, setResourceLibraries } from '../../src/db/repositories/resources.js';
import { consultations, outbox } from '../../src/db/schema.js';
import type { PatronActor } from '../../src/domain/actor.js';
import { ResourceRefusal } from '../../src/domain/resource-access.js';
import type { Deps } from '../../src/usecases/deps.js';
import { openDocument } from '../../src/usecases/resources/open-document.js';
import { addLibrary, createTestApp, type TestContext } from '../helpers/app.js';
import { onPostgres } from '../helpers/database.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import {
  addResource,
  capUsed,
  consultationCount,
  countedOf,
  DEMO_SECRET,
  quotaUsed,
} from '../helpers/resource-fixtures.js';

const START = '2026-11-23T09:00:00Z';
let ctx: TestContext;
let libA: { id: string };
let libB: { id: string };

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  ctx.clock.set(START);
  const network = await getNetwork(ctx.database.db);
  await updateNetwork(ctx.database.db, {
    settings: { ...network.settings, quotaFilms: 4, capAlertLowPercent: 80, capAlertHighPercent: 95 },
  });
});

function actorOf(p: PatronRow): PatronActor {
  return {
    kind: 'patron',
    id: p.id,
    firstName: p.firstName ?? '',
    lastName: p.lastName ?? '',
    identifier: p.identifier ?? '',
    state: p.state,
    libraryId: p.libraryId,
  };
}

const activePatron = (over: Parameters<typeof addPatron>[2] = {}) =>
  addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-11-22', pendingSince: null, ...over });

async function refusal(promise: Promise<unknown>): Promise<ResourceRefusal> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ResourceRefusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('opening a Forfait document', () => {
  it('counts the first opening and hands a signed link with a pseudonym, not the id nor the e-mail', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    const out = await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'film-42' });
    expect(out.counted).toBe(true);
    expect(out.quota).toEqual({ used: 1, limit: 4 });
    const url = new URL(out.url);
    expect(url.pathname).toBe(`/fournisseur-demo/${film.id}/film-42`);
    expect(out.url).not.toContain(p.id);
    expect(out.url).not.toContain(encodeURIComponent(p.email!));
    const check = verifySignedLink(DEMO_SECRET, url.searchParams, ctx.clock.now());
    expect(check).toMatchObject({ ok: true, resource: film.id, document: 'film-42' });
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(1);
  });

  it('does not count the same document twice in the same Paris month', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'doc-a' });
    const again = await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'doc-a' });
    expect(again.counted).toBe(false);
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(1);
    const rows = await ctx.database.db.select().from(consultations).where(eq(consultations.patronId, p.id));
    expect(rows.map((r) => r.counted).sort()).toEqual([false, true]);
  });

  it('refuses the fifth film with the French reason, counts nothing, still reopens a counted one', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    for (const d of ['f1', 'f2', 'f3', 'f4'])
      await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: d });
    const before = await consultationCount(ctx);
    const r = await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'f5' }));
    expect(r.code).toBe('quota_reached');
    expect(r.status).toBe(429);
    expect(r.message).toBe(
      'Vous avez utilisé vos 4 films de novembre ; prochain film possible le 1er décembre',
    );
    expect(r.retryAt?.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(await consultationCount(ctx)).toBe(before);
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(4);
    const reopen = await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'f2' });
    expect(reopen.counted).toBe(false);
  });

  it('applies a quota change at once, never taking back what was used', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    for (const d of ['g1', 'g2', 'g3'])
      await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: d });
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, quotaFilms: 2 } });
    const r = await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'g4' }));
    expect(r.message).toContain('vos 2 films de novembre');
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(3);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, quotaFilms: 5 } });
    expect((await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'g4' })).quota).toEqual(
      {
        used: 4,
        limit: 5,
      },
    );
  });

  it('keeps 23:30 on 31 October in Paris in October, and renews at Paris midnight', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    ctx.clock.set('2026-10-31T22:30:00Z'); // 23:30 in Paris
    for (const d of ['o1', 'o2', 'o3', 'o4'])
      await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: d });
    const r = await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'o5' }));
    expect(r.message).toBe(
      'Vous avez utilisé vos 4 films d’octobre ; prochain film possible le 1er novembre',
    );
    expect(await quotaUsed(ctx, p.id, '2026-10')).toBe(4);
    ctx.clock.set('2026-10-31T23:00:00Z'); // midnight in Paris: November
    const out = await openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'o1' });
    expect(out.counted).toBe(true);
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(1);
  });

  it('lets exactly 4 of 100 parallel opens count against a quota of 4', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    // Several pools on PostgreSQL: as many instances of Sésame racing on the same rows.
    const pools: Deps[] = [ctx.deps];
    if (onPostgres) for (let i = 0; i < 3; i++) pools.push({ ...ctx.deps, db: ctx.openAnother().db });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        openDocument(pools[i % pools.length]!, actorOf(p), { resourceId: film.id, document: `par-${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter(
      (r) =>
        r.status === 'rejected' && r.reason instanceof ResourceRefusal && r.reason.code === 'quota_reached',
    );
    expect(ok).toHaveLength(4);
    expect(refused).toHaveLength(96);
    expect(await countedOf(ctx, p.id)).toBe(4);
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(4);
  });

  it('counts one of 20 parallel opens of the same document', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    const pools: Deps[] = [ctx.deps];
    if (onPostgres) pools.push({ ...ctx.deps, db: ctx.openAnother().db });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        openDocument(pools[i % pools.length]!, actorOf(p), { resourceId: film.id, document: 'meme-film' }),
      ),
    );
    expect(results.filter((r) => r.counted)).toHaveLength(1);
    expect(await quotaUsed(ctx, p.id, '2026-11')).toBe(1);
  });
});

describe('network caps', () => {
  const alertsFor = (name: string) =>
    ctx.database.db
      .select({ subject: outbox.subject, template: outbox.template, to: outbox.toAddress })
      .from(outbox)
      .where(and(eq(outbox.toAddress, 'reseau@exemple.fr')))
      .then((rows) => rows.filter((r) => r.subject.includes(name)));

  beforeAll(async () => {
    await updateNetwork(ctx.database.db, { email: 'reseau@exemple.fr' });
  });

  it('alerts once at 80 % and 95 %, then refuses at 100 % with the reopening date', async () => {
    const video = await addResource(ctx, {
      name: 'Vidéothèque plafonnée',
      kind: 'unlimited',
      category: null,
      capPeriod: 'month',
      capLimit: 20,
    });
    const p = await activePatron();
    for (let i = 1; i <= 15; i++)
      await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: `v${i}` });
    expect(await alertsFor('Vidéothèque plafonnée')).toHaveLength(0);
    await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: 'v16' }); // 80 %
    let alerts = await alertsFor('Vidéothèque plafonnée');
    expect(alerts.map((a) => a.template)).toEqual(['cap_alert_low']);
    expect(alerts[0]!.subject).toBe(
      'Plafond réseau : 80 % de « Vidéothèque plafonnée » utilisés pour novembre 2026',
    );
    for (const d of ['v17', 'v18'])
      await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: d });
    // Reopening a counted document uses nothing and sends nothing.
    await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: 'v16' });
    expect(await alertsFor('Vidéothèque plafonnée')).toHaveLength(1);
    await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: 'v19' }); // 95 %
    await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: 'v20' }); // 100 %
    alerts = await alertsFor('Vidéothèque plafonnée');
    expect(alerts.map((a) => a.template)).toEqual(['cap_alert_low', 'cap_alert_high', 'cap_alert_full']);
    const r = await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: 'v21' }));
    expect(r.code).toBe('cap_reached');
    expect(r.status).toBe(429);
    expect(r.message).toContain('rouvrira le 1er décembre');
    expect((await capUsed(ctx, video.id, '2026-11'))!.used).toBe(20);
    expect(await alertsFor('Vidéothèque plafonnée')).toHaveLength(3);
    // A new period reopens the resource; its alerts start afresh.
    ctx.clock.set('2026-12-01T08:00:00Z');
    expect(
      (await openDocument(ctx.deps, actorOf(p), { resourceId: video.id, document: 'v21' })).counted,
    ).toBe(true);
    expect((await capUsed(ctx, video.id, '2026-12'))!.used).toBe(1);
  });

  it('sends each alert once when many patrons open in parallel, and never exceeds the cap', async () => {
    const press = await addResource(ctx, {
      name: 'Kiosque plafonné',
      kind: 'quota',
      category: 'newspapers',
      capPeriod: 'year',
      capLimit: 20,
    });
    const people = await Promise.all(Array.from({ length: 25 }, () => activePatron()));
    const pools: Deps[] = [ctx.deps];
    if (onPostgres) for (let i = 0; i < 2; i++) pools.push({ ...ctx.deps, db: ctx.openAnother().db });
    const results = await Promise.allSettled(
      people.map((p, i) =>
        openDocument(pools[i % pools.length]!, actorOf(p), {
          resourceId: press.id,
          document: 'journal-du-jour',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.every((e) => e instanceof ResourceRefusal && e.code === 'cap_reached')).toBe(true);
    expect(refused[0].message).toContain('pour 2026');
    expect(refused[0].message).toContain('rouvrira le 1er janvier 2027');
    expect((await capUsed(ctx, press.id, '2026'))!.used).toBe(20);
    const templates = (await alertsFor('Kiosque plafonné')).map((a) => a.template).sort();
    // Each level is announced at most once. In parallel, an opening may cross two thresholds at
    // once (its lower one not claimed yet): it then sends only the higher e-mail, by design.
    expect(new Set(templates).size).toBe(templates.length);
    expect(templates).toContain('cap_alert_full');
    expect(templates.every((t) => ['cap_alert_full', 'cap_alert_high', 'cap_alert_low'].includes(t))).toBe(
      true,
    );
    // The refused patrons' quotas were not touched.
    const used = await Promise.all(people.map((p) => quotaUsed(ctx, p.id, '2026-11', 'newspapers')));
    expect(used.filter((u) => u === 1)).toHaveLength(20);
    expect(used.filter((u) => u === 0)).toHaveLength(5);
  });
});

describe('refusals count nothing', () => {
  it.each([
    ['an unknown resource id', 'pas-un-uuid', 'x1', 'resource_unknown', 404],
    ['a resource that does not exist', '00000000-0000-4000-8000-000000000000', 'x1', 'resource_unknown', 404],
    ['a malformed document id', null, 'un document/../', 'document_invalid', 400],
  ] as const)('%s', async (_label, id, document, code, status) => {
    const film = await addResource(ctx);
    const p = await activePatron();
    const before = await consultationCount(ctx);
    const r = await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: id ?? film.id, document }));
    expect([r.code, r.status]).toEqual([code, status]);
    expect(await consultationCount(ctx)).toBe(before);
  });

  it('refuses an inactive resource and a document the resource does not list', async () => {
    const p = await activePatron();
    const off = await addResource(ctx, { active: false });
    expect(
      (await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: off.id, document: 'a' }))).status,
    ).toBe(404);
    const listed = await addResource(ctx, { documents: [{ id: 'le-bon', title: 'Le bon film' }] });
    const r = await refusal(
      openDocument(ctx.deps, actorOf(p), { resourceId: listed.id, document: 'un-autre' }),
    );
    expect([r.code, r.status]).toEqual(['document_unknown', 404]);
    expect(
      (await openDocument(ctx.deps, actorOf(p), { resourceId: listed.id, document: 'le-bon' })).counted,
    ).toBe(true);
  });

  it('refuses by state: temporary account on the Forfait, expired subscription, anonymous visitor', async () => {
    const film = await addResource(ctx);
    const unlimited = await addResource(ctx, { kind: 'unlimited', category: null });
    const pending = await addPatron(ctx, libA.id, { state: 'pending' });
    const expired = await addPatron(ctx, libA.id, {
      state: 'expired',
      activeUntil: '2026-10-31',
      pendingSince: null,
    });
    const before = await consultationCount(ctx);
    const t = await refusal(openDocument(ctx.deps, actorOf(pending), { resourceId: film.id, document: 'a' }));
    expect([t.code, t.status]).toEqual(['temporary_account', 403]);
    expect(
      (await openDocument(ctx.deps, actorOf(pending), { resourceId: unlimited.id, document: 'a' })).counted,
    ).toBe(true);
    const e = await refusal(
      openDocument(ctx.deps, actorOf(expired), { resourceId: unlimited.id, document: 'a' }),
    );
    expect(e.message).toMatch(/^Abonnement expiré le 31\/10\/2026/);
    const a = await refusal(openDocument(ctx.deps, null, { resourceId: unlimited.id, document: 'a' }));
    expect(a.code).toBe('login_required');
    expect(await consultationCount(ctx)).toBe(before + 1);
  });

  it('refuses by age, library subscription and withdrawn right', async () => {
    const mature = await addResource(ctx, { audience: '16' });
    const young = await activePatron({ birthDate: '2010-11-24', birthYear: 2010 }); // 16 tomorrow
    const r = await refusal(openDocument(ctx.deps, actorOf(young), { resourceId: mature.id, document: 'a' }));
    expect([r.message, r.status]).toEqual(['Contenu réservé aux 16 ans et plus', 403]);
    ctx.clock.set('2026-11-23T23:00:00Z'); // the birthday, at midnight in Paris
    expect(
      (await openDocument(ctx.deps, actorOf(young), { resourceId: mature.id, document: 'a' })).counted,
    ).toBe(true);

    const onlyB = await addResource(ctx, { allLibraries: false });
    await setResourceLibraries(ctx.database.db, onlyB.id, [libB.id]);
    const p = await activePatron();
    expect(
      (await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: onlyB.id, document: 'a' }))).code,
    ).toBe('not_subscribed');
    const inB = await addPatron(ctx, libB.id, {
      state: 'active',
      activeUntil: '2027-11-22',
      pendingSince: null,
    });
    expect(
      (await openDocument(ctx.deps, actorOf(inB), { resourceId: onlyB.id, document: 'a' })).counted,
    ).toBe(true);

    const film = await addResource(ctx);
    await setPatronRight(ctx.database.db, {
      patronId: p.id,
      resourceId: film.id,
      withdrawn: true,
      staffId: p.id,
      label: 'Agent',
      at: ctx.clock.now(),
    });
    const w = await refusal(openDocument(ctx.deps, actorOf(p), { resourceId: film.id, document: 'a' }));
    expect([w.code, w.status]).toEqual(['right_withdrawn', 403]);
    expect(await countedOf(ctx, p.id)).toBe(0);
  });

  it('lets anonymous visitors open free resources, recorded without a patron', async () => {
    const free = await addResource(ctx, {
      kind: 'open',
      category: null,
      connector: 'direct',
      connectorConfig: { urlTemplate: 'https://libre.exemple.fr/lire/{document}' },
    });
    const out = await openDocument(ctx.deps, null, { resourceId: free.id, document: 'conte' });
    expect(out.url).toBe('https://libre.exemple.fr/lire/conte');
    expect(out.counted).toBe(false);
    const rows = await ctx.database.db
      .select()
      .from(consultations)
      .where(eq(consultations.resourceId, free.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.patronId).toBeNull();
  });
});
