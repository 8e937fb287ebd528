import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { consumeOpenings, type Opening } from '../../src/db/repositories/openings.js';
import { snapshotActivePatrons } from '../../src/db/repositories/statistics.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY, HOUR } from '../../src/domain/clock.js';
import { DomainError } from '../../src/domain/errors.js';
import { defaultSettings } from '../../src/domain/settings.js';
import { type DecisionInput, decideRequest } from '../../src/usecases/patrons/decide-request.js';
import { deletePatron } from '../../src/usecases/patrons/delete-patron.js';
import { undoDecision } from '../../src/usecases/patrons/undo-decision.js';
import {
  loadStatistics,
  type StatisticsPage,
  type StatTable,
} from '../../src/usecases/statistics/statistics-page.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, staffActor } from '../helpers/decision-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';

/**
 * Statistics (issue #16) on a small hand-built network whose right answers are known: each
 * figure is checked, then checked again after the patrons behind it are anonymised and erased,
 * after time moves on (a closed month never changes), and through the library scope.
 */

const NOVEMBER = '2026-11-20T09:00:00Z';
let ctx: TestContext;
let libA: { id: string; name: string };
let libB: { id: string; name: string };
let alpha: StaffActor;
let admin: StaffActor;
const credentials = new Map<string, { identifier: string; password: string }>();
const patronIds: string[] = [];
let ip = 20;

const settings = () => defaultSettings('numos');

async function browserFor(actor: StaffActor): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, `198.51.100.${ip++}`);
  const c = credentials.get(actor.id)!;
  expect((await b.logIn(c.identifier, c.password)).statusCode).toBe(303);
  return b;
}

const accept = (patronId: string): DecisionInput => ({
  patronId,
  decision: 'accept',
  templateKey: 'accept',
  subject: 'Votre compte [reseau] est actif',
  message: 'Bonjour [prenom],\n\nVotre compte est actif jusqu’au [actif-jusquau].',
  checks: { membre: true, naissance: true },
});
const refuse = (patronId: string, templateKey = 'refuse_not_member'): DecisionInput => ({
  patronId,
  decision: 'refuse',
  templateKey,
  subject: 'Votre demande',
  message: 'Bonjour [prenom],\n\nNous ne pouvons pas donner suite.',
  checks: { membre: false, naissance: false },
});

function table(page: StatisticsPage, id: string): StatTable {
  for (const s of page.sections) for (const t of s.tables) if (t.id === id) return t;
  throw new Error(`no table ${id}`);
}

function row(t: StatTable, first: string) {
  const r = t.rows.find((x) => x[0] === first);
  if (!r) throw new Error(`no row ${first} in ${t.id}: ${JSON.stringify(t.rows.map((x) => x[0]))}`);
  return r;
}

const novemberOnly = { periode: 'mois', mois: '2026-11' };

beforeAll(async () => {
  ctx = await createTestApp();
  ctx.clock.set(NOVEMBER);
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const make = async (identifier: string, name: string, role: StaffActor['role'], libraryIds: string[]) => {
    const r = await addStaff(ctx, { identifier, name, role, libraryIds });
    credentials.set(r.id, { identifier, password: r.password });
    return staffActor(r, libraryIds);
  };
  alpha = await make('stat-alpha', 'Agnès Alpha', 'library_staff', [libA.id]);
  admin = await make('stat-admin', 'Jeanne Réseau', 'network_admin', []);

  // Alpha: three decisions waited 1, 2 and 9 days; one of them decided by the network.
  const now = ctx.clock.now().getTime();
  for (const [days, decide] of [
    [1, (id: string) => decideRequest(ctx.deps, alpha, accept(id))],
    [2, (id: string) => decideRequest(ctx.deps, alpha, refuse(id, 'refuse_birth_date'))],
    [9, (id: string) => decideRequest(ctx.deps, admin, accept(id))],
  ] as const) {
    const p = await addPatron(ctx, libA.id, {
      pendingSince: new Date(now - days * DAY),
      birthDate: '2014-03-01',
      birthYear: 2014,
    });
    patronIds.push(p.id);
    await decide(p.id);
  }
  // Beta: one decision after 4 days.
  const b = await addPatron(ctx, libB.id, { pendingSince: new Date(now - 4 * DAY) });
  patronIds.push(b.id);
  await decideRequest(ctx.deps, admin, accept(b.id));
  await snapshotActivePatrons(ctx.database.db, '2026-11', '2026-11-20', ctx.clock.now());
}, 180_000);
afterAll(() => ctx?.close());

describe('decisions', () => {
  it('gives the median and 90th percentile of the delays per library, and the network median', async () => {
    const page = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    const delays = table(page, 'decisions-delais');
    // 1, 2, 9 days: median 2; 90th percentile 2 + 0.8 × 7 = 7.6.
    expect(row(delays, 'Médiathèque Alpha')).toEqual(['Médiathèque Alpha', 3, 2, 7.6, 0, 1]);
    expect(row(delays, 'Bibliothèque Bêta')).toEqual(['Bibliothèque Bêta', 1, 4, 4, 0, 1]);
    // Ranked from the fastest: Alpha (2) before Bêta (4); the network's median of 1, 2, 4, 9 is 3.
    expect(delays.rows.map((r) => r[0])).toEqual([
      'Médiathèque Alpha',
      'Bibliothèque Bêta',
      'Réseau (toutes les bibliothèques)',
    ]);
    expect(row(delays, 'Réseau (toutes les bibliothèques)')[2]).toBe(3);
    const months = table(page, 'decisions-mois');
    expect(months.columns.map((c) => c.label)).toEqual([
      'Mois',
      'Acceptées',
      'Refusées : date de naissance incorrecte',
      'Total',
    ]);
    expect(months.rows).toEqual([['novembre 2026', 3, 1, 4]]);
  });

  it('takes an undone decision back', async () => {
    const p = await addPatron(ctx, libB.id, { pendingSince: new Date(ctx.clock.now().getTime() - 30 * DAY) });
    await decideRequest(ctx.deps, admin, refuse(p.id));
    let page = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    expect(table(page, 'decisions-mois').rows[0]![4]).toBe(5);
    await undoDecision(ctx.deps, admin, { patronId: p.id });
    page = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    expect(table(page, 'decisions-mois').rows).toEqual([['novembre 2026', 3, 1, 4]]);
    await deletePatron(ctx.deps, admin, p.id);
  });

  it('counts the days a custom range cuts in a month from the facts, the same as the month rollups', async () => {
    // The decisions were all taken on 20 November: a range of that day alone finds them all...
    const day = await loadStatistics(
      ctx.deps,
      admin,
      { periode: 'libre', du: '20/11/2026', au: '20/11/2026' },
      settings(),
    );
    const month = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    for (const id of ['decisions-delais', 'decisions-mois', 'inscriptions-mois'])
      expect(table(day, id).rows).toEqual(table(month, id).rows);
    // ... and a range that stops the day before finds none.
    const before = await loadStatistics(
      ctx.deps,
      admin,
      { periode: 'libre', du: '01/11/2026', au: '19/11/2026' },
      settings(),
    );
    expect(table(before, 'decisions-mois').rows).toEqual([['novembre 2026', 0, 0]]);
    expect(row(table(before, 'decisions-delais'), 'Réseau (toutes les bibliothèques)').slice(1, 4)).toEqual([
      0,
      null,
      null,
    ]);
  });

  it('shows library staff their own library and the network median only', async () => {
    const page = await loadStatistics(ctx.deps, alpha, novemberOnly, settings());
    expect(table(page, 'decisions-delais').rows.map((r) => r[0])).toEqual([
      'Médiathèque Alpha',
      'Réseau (toutes les bibliothèques)',
    ]);
    // The network's overdue count is other libraries' business: not computed for them.
    expect(row(table(page, 'decisions-delais'), 'Réseau (toutes les bibliothèques)')[4]).toBeNull();
    expect(table(page, 'decisions-mois').rows).toEqual([['novembre 2026', 2, 1, 3]]);
  });
});

describe('patrons', () => {
  it('counts active patrons at the month’s end, new ones and their age bands', async () => {
    const page = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    const months = table(page, 'usagers-mois');
    // Active: 3 accepted (the current month is counted live); new: 3; refused: 1; the account
    // deleted after its undone decision: 1.
    expect(months.rows).toEqual([['novembre 2026', 3, 3, 0, 0, 1, 0, 1]]);
    const ages = table(page, 'usagers-ages');
    // Born 2014: 12 years old in November 2026; the Bêta patron, born 1990, is 36.
    expect(row(ages, '12 à 15 ans').slice(1)).toEqual([2, 2]);
    expect(row(ages, '26 à 64 ans').slice(1)).toEqual([1, 1]);
  });

  it('says a month without a snapshot cannot be computed, rather than 0', async () => {
    const page = await loadStatistics(ctx.deps, admin, { periode: 'mois', mois: '2026-10' }, settings());
    expect(table(page, 'usagers-mois').rows[0]![1]).toBeNull();
    const html = (await (await browserFor(admin)).get('/admin/statistiques?periode=mois&mois=2026-10')).body;
    expect(html).toContain('non disponible');
  });
});

describe('quotas', () => {
  it('says how many refusals a quota of one more would have avoided, from the refusals recorded', async () => {
    const film = await addResource(ctx, { kind: 'quota', category: 'films' });
    const patron = patronIds[0]!;
    const at = ctx.clock.now();
    const open = (document: string): Opening => ({
      patronId: patron,
      libraryId: libA.id,
      resourceId: film.id,
      kind: 'quota',
      category: 'films',
      document,
      month: '2026-11',
      at,
      quota: { category: 'films', limit: 2 },
      cap: null,
    });
    const outcomes: string[] = [];
    // Quota of 2: a and b count; c is refused twice, d once. With 3, only c's 2 refusals go.
    for (const d of ['a', 'b', 'c', 'c', 'd', 'a'])
      outcomes.push((await consumeOpenings(ctx.database.db, [open(d)]))[0]!.outcome);
    expect(outcomes).toEqual(['counted', 'counted', 'quota', 'quota', 'quota', 'again']);
    const page = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    expect(row(table(page, 'quotas-simulation'), 'Films')).toEqual(['Films', 2, 3, 3, 2]);
    const quotas = page.sections.find((s) => s.id === 'quotas')!;
    expect(quotas.notes).toContain(
      'Films : avec 3 documents au lieu de 2, 2 refus sur 3 n’auraient pas eu lieu en novembre 2026.',
    );
    // One patron used 2 films; the two other active patrons none.
    const use = table(page, 'quotas-usage-films');
    expect(use.rows.slice(0, 3)).toEqual([
      ['0', 2],
      ['1', 0],
      ['2', 1],
    ]);
    expect(row(table(page, 'quotas-mois'), 'novembre 2026').slice(1, 3)).toEqual([1, 3]);
    const consultations = table(page, 'consultations-mois');
    expect(consultations.rows).toEqual([['novembre 2026', 2, 1, 0, 3]]);
  });
});

describe('what stays', () => {
  it('keeps every figure after the patrons are anonymised and erased, and a closed month as it was', async () => {
    const before = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    // December: the patrons are deleted by staff (anonymised), then their rows erased outright.
    ctx.clock.set('2026-12-03T10:00:00Z');
    for (const id of patronIds) await deletePatron(ctx.deps, admin, id).catch(() => {});
    await ctx.database.db.execute(sql`delete from quota_usage`);
    await ctx.database.db.execute(sql`update consultations set patron_id = null`);
    await ctx.database.db.execute(sql`delete from patrons`);
    // A new decision in December does not touch November.
    const p = await addPatron(ctx, libA.id, {
      pendingSince: new Date(ctx.clock.now().getTime() - 12 * HOUR),
    });
    await decideRequest(ctx.deps, alpha, accept(p.id));

    const after = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    for (const id of [
      'decisions-mois',
      'decisions-delais',
      'inscriptions-mois',
      'consultations-mois',
      'quotas-simulation',
      'quotas-mois',
    ])
      expect(table(after, id).rows).toEqual(table(before, id).rows);
    // November's active patrons are its last snapshot, not today's count.
    expect(table(after, 'usagers-mois').rows[0]![1]).toBe(3);
    const [erased] = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`select count(*)::int as n from stat_events where kind = 'erased'`,
    );
    expect(erased!.n).toBeGreaterThanOrEqual(4);
  });
});

describe('rollups', () => {
  it('keeps every rollup equal to the facts it folds, after decisions, undoing, openings and erasure', async () => {
    const db = ctx.database.db;
    const same = async (rollup: string, facts: string) => {
      const a = await queryRows(db, sql.raw(`${rollup} except ${facts}`));
      const b = await queryRows(db, sql.raw(`${facts} except ${rollup}`));
      expect([a, b]).toEqual([[], []]);
    };
    await same(
      'select month, library_id, kind, channel, reason, age_band, on_behalf, n from stat_event_months where n <> 0',
      `select to_char(day, 'YYYY-MM'), library_id, kind, channel, reason, age_band, on_behalf, count(*)::int
        from stat_events group by 1, 2, 3, 4, 5, 6, 7`,
    );
    await same(
      'select month, kind, channel, reason, age_band, on_behalf, n from stat_event_months_network where n <> 0',
      `select to_char(day, 'YYYY-MM'), kind, channel, reason, age_band, on_behalf, count(*)::int
        from stat_events group by 1, 2, 3, 4, 5, 6`,
    );
    const decisions = `from stat_events where kind in ('accepted', 'refused', 'renewal_accepted', 'renewal_refused')`;
    await same(
      'select month, library_id, tenths, n from stat_delay_months where n <> 0',
      `select to_char(day, 'YYYY-MM'), library_id, round(delay_hours / 2.4)::int, count(*)::int ${decisions} group by 1, 2, 3`,
    );
    await same(
      'select month, tenths, n from stat_delay_months_network where n <> 0',
      `select to_char(day, 'YYYY-MM'), round(delay_hours / 2.4)::int, count(*)::int ${decisions} group by 1, 2`,
    );
    await same(
      'select month, resource_id, kind, category, outcome, age_band, n from stat_consultations_network where n <> 0',
      `select month, resource_id, kind, category, outcome, age_band, sum(n)::int from stat_consultations
        group by 1, 2, 3, 4, 5, 6`,
    );
    await same(
      'select month, library_id, outcome, n from stat_consultations_libraries where n <> 0',
      'select month, library_id, outcome, sum(n)::int from stat_consultations group by 1, 2, 3',
    );
    await same(
      'select library_id, n from (select library_id, sum(n)::int as n from stat_active_now group by 1) a where n <> 0',
      `select library_id, count(*)::int from patrons where state in ('active', 'renewal_pending') group by 1`,
    );
  });
});

describe('page, scope and input', () => {
  it('shows the page with its sections, charts and tables, and each table as CSV and .xlsx', async () => {
    const b = await browserFor(admin);
    const res = await b.get('/admin/statistiques?periode=mois&mois=2026-11');
    expect(res.statusCode).toBe(200);
    for (const title of ['Décisions', 'Inscriptions', 'Usagers', 'Consultations', 'Quotas', 'Limites'])
      expect(res.body).toContain(`>${title}</h2>`);
    expect(res.body).toMatch(/<svg role="img" aria-label="Décisions par mois/);
    expect(res.body).toContain('Source : ');
    const csv = await b.get(
      `/admin/statistiques/telecharger?periode=mois&mois=2026-11&tableau=decisions-delais&format=csv`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('Médiathèque Alpha;3;2;7,6;0;1');
    const xlsx = await b.get(
      `/admin/statistiques/telecharger?periode=mois&mois=2026-11&tableau=decisions-delais&format=xlsx`,
    );
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('lets a network administrator tick several libraries to compare them, in the query string', async () => {
    const b = await browserFor(admin);
    const plain = (await b.get('/admin/statistiques?periode=mois&mois=2026-11')).body;
    // A checkbox per library, none ticked: the whole network.
    for (const lib of [libA, libB])
      expect(plain).toMatch(new RegExp(`name="bibliotheque" value="${lib.id}"(?! checked)`));
    const res = await b.get(
      `/admin/statistiques?periode=mois&mois=2026-11&bibliotheque=${libA.id}&bibliotheque=${libB.id}`,
    );
    expect(res.statusCode).toBe(200);
    for (const lib of [libA, libB])
      expect(res.body).toContain(`name="bibliotheque" value="${lib.id}" checked`);
    expect(res.body).toContain('Bibliothèques choisies : 2');
    const page = await loadStatistics(
      ctx.deps,
      admin,
      { periode: 'mois', mois: '2026-11', bibliotheque: [libA.id, libB.id] },
      settings(),
    );
    expect(page.scopeLabel).toBe('Médiathèque Alpha, Bibliothèque Bêta');
    expect(table(page, 'decisions-delais').rows.map((r) => r[0])).toEqual([
      'Médiathèque Alpha',
      'Bibliothèque Bêta',
      'Réseau (toutes les bibliothèques)',
    ]);
  });

  it('shows the licence pool used and still available per period, for the network only', async () => {
    const pool = await addResource(ctx, {
      kind: 'quota',
      category: 'films',
      capLimit: 10,
      capPeriod: 'month',
    });
    await ctx.database.db.execute(
      sql`insert into cap_usage (resource_id, period, used) values (${pool.id}::uuid, '2026-11', 4)`,
    );
    const page = await loadStatistics(ctx.deps, admin, novemberOnly, settings());
    const caps = table(page, 'limites-plafonds');
    expect(row(caps, pool.name)).toEqual([pool.name, 'novembre 2026', 4, 10, 6, 40]);
    const i = caps.rows.findIndex((r) => r[0] === pool.name);
    expect(caps.chart!.categories[i]).toBe(`${pool.name}, novembre 2026`);
    expect(caps.chart!.series.map((s) => [s.name, s.data[i]])).toEqual([
      ['Utilisées', 4],
      ['Disponibles', 6],
    ]);
    // Library staff do not see the network's caps.
    const mine = await loadStatistics(ctx.deps, alpha, novemberOnly, settings());
    expect(mine.sections.find((s) => s.id === 'limites')!.tables).toEqual([]);
  });

  it('answers 404 to library staff asking for another library, on the page and the downloads', async () => {
    const b = await browserFor(alpha);
    expect((await b.get(`/admin/statistiques?bibliotheque=${libA.id}`)).statusCode).toBe(200);
    const other = await b.get(`/admin/statistiques?bibliotheque=${libB.id}`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('Bibliothèque Bêta');
    expect(
      (
        await b.get(
          `/admin/statistiques/telecharger?bibliotheque=${libB.id}&tableau=decisions-delais&format=csv`,
        )
      ).statusCode,
    ).toBe(404);
    expect((await b.get('/admin/statistiques?bibliotheque=pas-un-identifiant')).statusCode).toBe(404);
    // Without a library in the URL, their download holds their library only.
    const own = await b.get(
      '/admin/statistiques/telecharger?periode=mois&mois=2026-11&tableau=decisions-delais&format=csv',
    );
    expect(own.body).toContain('Médiathèque Alpha');
    expect(own.body).not.toContain('Bêta');
    expect((await b.get('/admin/statistiques/telecharger?tableau=inconnu&format=csv')).statusCode).toBe(404);
  });

  it('puts a French message next to a reversed, absurd or too long period, and allows 10 years', async () => {
    const b = await browserFor(admin);
    const reversed = await b.get('/admin/statistiques?periode=libre&du=10%2F11%2F2026&au=01%2F11%2F2026');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('La date de fin doit être le même jour que la date de début ou après.');
    expect(reversed.body).toContain('value="10/11/2026"');
    expect(reversed.body).toContain('id="champ-au-message"');
    const absurd = await b.get('/admin/statistiques?periode=mois&mois=2026-13');
    expect(absurd.statusCode).toBe(400);
    expect(absurd.body).toContain('Choisissez un mois au format AAAA-MM');
    const badDay = await b.get('/admin/statistiques?periode=libre&du=31%2F02%2F2026&au=01%2F03%2F2026');
    expect(badDay.body).toContain('Saisissez la date de début au format JJ/MM/AAAA.');
    const eleven = await b.get('/admin/statistiques?periode=libre&du=01%2F01%2F2015&au=01%2F01%2F2026');
    expect(eleven.statusCode).toBe(400);
    expect(eleven.body).toContain('La période ne peut pas dépasser 10 ans.');
    const ten = await b.get('/admin/statistiques?periode=libre&du=02%2F01%2F2016&au=01%2F01%2F2026');
    expect(ten.statusCode).toBe(200);
    const future = await b.get('/admin/statistiques?periode=annee&annee=2031');
    expect(future.body).toContain('Cette année n’a pas encore commencé');
    // The default: the last 12 months.
    const home = await b.get('/admin/statistiques');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('les 12 derniers mois (du 01/01/2026 au 03/12/2026)');
  });

  it('shows the three key figures on the dashboards, each within its scope', async () => {
    ctx.clock.set('2026-11-25T10:00:00Z');
    const waiting = await addPatron(ctx, libB.id, {
      pendingSince: new Date(ctx.clock.now().getTime() - DAY),
    });
    const figures = (html: string) =>
      [...html.matchAll(/<p class="fr-h3 fr-mb-0">([^<]*)<\/p>/g)].map((m) => m[1]);
    const network = (await (await browserFor(admin)).get('/admin')).body;
    expect(network).toContain('href="/admin/statistiques"');
    // Waiting: Bêta's new request; median of 1, 2, 4 and 9 days: 3; active: December's patron.
    expect(figures(network)).toEqual(['1', '3 j', '1']);
    const own = (await (await browserFor(alpha)).get('/admin')).body;
    // Alpha: nothing waiting; median of 1, 2 and 9 days: 2.
    expect(figures(own)).toEqual(['0', '2 j', '1']);
    await deletePatron(ctx.deps, admin, waiting.id);
  });

  it('refuses another library in the use case too', async () => {
    await expect(
      loadStatistics(ctx.deps, alpha, { bibliotheque: libB.id }, settings()),
    ).rejects.toBeInstanceOf(DomainError);
  });
});
