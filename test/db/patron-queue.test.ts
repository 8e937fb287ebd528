import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { recordEvent } from '../../src/db/repositories/events.js';
import type { Library } from '../../src/db/repositories/libraries.js';
import { getNetwork } from '../../src/db/repositories/network.js';
import {
  countPatronsByState,
  loadQueue,
  type QueueCriteria,
  type QueueStateFilter,
  searchPatrons,
  searchWords,
  textCondition,
} from '../../src/db/repositories/patron-queue.js';
import { insertPatron, type NewPatron, type PatronRow } from '../../src/db/repositories/patrons.js';
import type { LibraryScope } from '../../src/domain/actor.js';
import { DAY, HOUR } from '../../src/domain/clock.js';
import type { NetworkSettings } from '../../src/domain/settings.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

const NOW = '2026-11-23T09:00:00Z';

let ctx: TestContext;
let settings: NetworkSettings;
let libA: Library;
let libB: Library;
let libC: Library;
let admin: TestBrowser;
let staffA: TestBrowser;
let staffAB: TestBrowser;
let adminLabel: string;

const P: Record<string, PatronRow> = {};
const db = () => ctx.database.db;
const ago = (days: number) => new Date(new Date(NOW).getTime() - days * DAY);

let seq = 0;
/** A made-up patron written straight into the table, in whatever state the test needs. */
async function patron(
  library: Library,
  values: Partial<NewPatron> & Pick<NewPatron, 'state'>,
): Promise<PatronRow> {
  seq++;
  return insertPatron(db(), {
    libraryId: library.id,
    channel: 'self',
    firstName: 'Camille',
    lastName: `Essai-${String(seq).padStart(3, '0')}`,
    birthDate: '1990-07-14',
    birthYear: 1990,
    email: `usager${seq}@exemple.fr`,
    identifier: `usager${seq}`,
    registeredAt: ago(30),
    emailConfirmedAt: ago(29),
    createdAt: ago(30),
    updatedAt: ago(1),
    ...values,
  });
}

beforeAll(async () => {
  ctx = await createTestApp();
  settings = (await getNetwork(db())).settings;
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  libC = await addLibrary(ctx, 'Point lecture Gamma');
  const a = await addStaff(ctx, { identifier: 'admin-file', role: 'network_admin', name: 'Agathe Réseau' });
  const sA = await addStaff(ctx, { identifier: 'agent-alpha', libraryIds: [libA.id] });
  const sAB = await addStaff(ctx, { identifier: 'agent-alpha-beta', libraryIds: [libA.id, libB.id] });
  adminLabel = `${a.name} (${a.identifier})`;
  admin = new TestBrowser(ctx.app, '198.51.100.21');
  staffA = new TestBrowser(ctx.app, '198.51.100.22');
  staffAB = new TestBrowser(ctx.app, '198.51.100.23');
  expect((await admin.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staffA.logIn(sA.identifier, sA.password)).statusCode).toBe(303);
  expect((await staffAB.logIn(sAB.identifier, sAB.password)).statusCode).toBe(303);

  // Library A: one patron in every state, three requests waiting (one overdue), one renewal.
  P.zoe = await patron(libA, {
    state: 'pending',
    firstName: 'Zoé',
    lastName: 'N’Diaye-Lefèvre',
    identifier: 'zndiaye',
    email: 'zoe.ndiaye@exemple.fr',
    cardNumber: '57000012345',
    birthDate: '2010-11-24',
    birthYear: 2010,
    registeredAt: ago(3),
    emailConfirmedAt: ago(2),
    pendingSince: ago(2),
  });
  P.yann = await patron(libA, {
    state: 'pending',
    firstName: 'Yann',
    lastName: 'Le Bihan-Kerjean',
    identifier: 'ylebihan',
    email: 'yann.lebihan@exemple.fr',
    registeredAt: ago(8),
    emailConfirmedAt: ago(7),
    pendingSince: ago(7),
  });
  P.emile = await patron(libA, {
    state: 'pending',
    firstName: 'Émile',
    lastName: 'Arnaud',
    identifier: 'earnaud',
    registeredAt: ago(5),
    pendingSince: ago(4),
  });
  P.ines = await patron(libA, {
    state: 'renewal_pending',
    firstName: 'Inès',
    lastName: 'Moreau',
    identifier: 'imoreau',
    registeredAt: ago(400),
    pendingSince: ago(6),
    activeUntil: '2026-12-03',
    decision: 'accepted',
    decidedAt: ago(360),
  });
  P.theo = await patron(libA, {
    state: 'awaiting_confirmation',
    firstName: 'Théo',
    lastName: 'Girard',
    identifier: 'tgirard',
    registeredAt: ago(1),
    emailConfirmedAt: null,
  });
  P.lea = await patron(libA, {
    state: 'active',
    firstName: 'Léa',
    lastName: 'Martin',
    identifier: 'lmartin',
    registeredAt: ago(100),
    activeUntil: '2027-08-15',
    decision: 'accepted',
    decidedAt: ago(99),
    decidedByLabel: 'Agent alpha (agent-alpha)',
  });
  P.paul = await patron(libA, {
    state: 'expired',
    firstName: 'Paul',
    lastName: 'Durand',
    identifier: 'pdurand',
    registeredAt: ago(500),
    activeUntil: '2026-05-01',
  });
  P.anais = await patron(libA, {
    state: 'refused',
    firstName: 'Anaïs',
    lastName: 'Petit',
    identifier: 'apetit',
    registeredAt: ago(20),
    decision: 'refused',
    decidedAt: ago(15),
    decidedByLabel: adminLabel,
    decidedOnBehalf: true,
    refusalReason: 'refuse_birth_date',
  });
  P.lapsed = await patron(libA, {
    state: 'lapsed',
    firstName: null,
    lastName: null,
    birthDate: null,
    birthYear: 1985,
    email: null,
    identifier: null,
    registeredAt: ago(40),
    emailConfirmedAt: null,
    anonymisedAt: ago(25),
  });
  // Library B: a namesake of Zoé and another request.
  P.zoeB = await patron(libB, {
    state: 'pending',
    firstName: 'Zoé',
    lastName: 'Lefèvre',
    identifier: 'zlefevre',
    email: 'zoe.lefevre@exemple.fr',
    registeredAt: ago(10),
    pendingSince: ago(9),
  });
  P.marc = await patron(libB, {
    state: 'active',
    firstName: 'Marc',
    lastName: 'Bernard',
    activeUntil: '2027-01-10',
  });
  // Library C: enough waiting requests for three pages.
  for (let i = 0; i < 120; i++)
    await patron(libC, {
      state: 'pending',
      lastName: `Lot-${String(i).padStart(3, '0')}`,
      registeredAt: new Date(ago(20).getTime() + i * HOUR),
      pendingSince: new Date(ago(19).getTime() + i * HOUR),
    });
});
afterAll(() => ctx.close());
beforeEach(() => ctx.clock.set(NOW));

const staffScope = (): LibraryScope => ({ all: false, libraryIds: [libA.id] });
const adminScope: LibraryScope = { all: true };
const criteria = (c: Partial<QueueCriteria>): QueueCriteria => ({
  state: 'tous',
  sort: 'inscription',
  order: 'croissant',
  ...c,
});
async function ids(scope: LibraryScope, c: Partial<QueueCriteria>): Promise<string[]> {
  const { page } = await loadQueue(db(), scope, criteria(c), ctx.clock.now(), settings);
  return page.rows.map((r) => r.id);
}
const idsOf = (...names: string[]) => names.map((n) => P[n]!.id);

/** Names of the patrons listed on a page, in order (the row headers of the table). */
function listedNames(html: string): string[] {
  return [...html.matchAll(/<th scope="row"><a href="\/admin\/usagers\/[0-9a-f-]+">([^<]+)<\/a><\/th>/g)].map(
    (m) => m[1]!.replaceAll('&#39;', "'"),
  );
}

describe('searchPatrons and countPatronsByState', () => {
  it('gives each state filter exactly its patrons, within the scope', async () => {
    const expected: Record<QueueStateFilter, string[]> = {
      a_valider: ['yann', 'emile', 'zoe'],
      reinscriptions: ['ines'],
      en_retard: ['yann', 'ines'],
      attente_confirmation: ['theo'],
      actifs: ['lea'],
      expires: ['paul'],
      refuses: ['anais'],
      demandes_expirees: ['lapsed'],
      tous: ['paul', 'ines', 'lea', 'lapsed', 'anais', 'yann', 'emile', 'zoe', 'theo'],
    };
    for (const [state, names] of Object.entries(expected) as Array<[QueueStateFilter, string[]]>) {
      const sort = state === 'tous' ? 'inscription' : 'attente';
      const got = await ids(staffScope(), { state, sort: state === 'tous' ? 'inscription' : sort });
      if (state === 'tous') expect(got, state).toEqual(idsOf(...names));
      else expect(new Set(got), state).toEqual(new Set(idsOf(...names)));
    }
  });

  it('counts every state for the library, exactly', async () => {
    const counts = await countPatronsByState(db(), staffScope(), {}, ctx.clock.now(), settings);
    const values = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v?.exact ? v.value : null]));
    expect(values).toEqual({
      a_valider: 3,
      reinscriptions: 1,
      en_retard: 2,
      attente_confirmation: 1,
      actifs: 1,
      expires: 1,
      refuses: 1,
      demandes_expirees: 1,
      tous: 9,
    });
  });

  it('counts over the whole network for administrators, and over one library when asked', async () => {
    const all = await countPatronsByState(db(), adminScope, {}, ctx.clock.now(), settings);
    expect(all.a_valider).toEqual({ value: 3 + 1 + 120, exact: true });
    expect(all.tous).toEqual({ value: 9 + 2 + 120, exact: true });
    const onlyB = await countPatronsByState(
      db(),
      adminScope,
      { libraryId: libB.id },
      ctx.clock.now(),
      settings,
    );
    expect(onlyB.a_valider).toEqual({ value: 1, exact: true });
    expect(onlyB.tous).toEqual({ value: 2, exact: true });
  });

  it('lists a request as overdue once it has waited escalationDays, as the clock moves', async () => {
    expect(settings.escalationDays).toBe(5);
    expect(new Set(await ids(staffScope(), { state: 'en_retard' }))).toEqual(new Set(idsOf('yann', 'ines')));
    ctx.clock.advance(DAY); // Émile has now waited 5 days
    expect(new Set(await ids(staffScope(), { state: 'en_retard' }))).toEqual(
      new Set(idsOf('yann', 'ines', 'emile')),
    );
    const counts = await countPatronsByState(db(), staffScope(), {}, ctx.clock.now(), settings);
    expect(counts.en_retard).toEqual({ value: 3, exact: true });
  });

  it('gives administrators every library or the one chosen', async () => {
    const everyone = await ids(adminScope, { state: 'a_valider', sort: 'attente' });
    expect(everyone).toHaveLength(50);
    const waitingOfAB = await ids(adminScope, { state: 'a_valider', libraryId: libA.id, sort: 'attente' });
    expect(waitingOfAB).toEqual(idsOf('yann', 'emile', 'zoe'));
    expect(await ids(adminScope, { state: 'a_valider', libraryId: libB.id })).toEqual(idsOf('zoeB'));
  });

  it('keeps library staff in their libraries, whatever library is asked for', async () => {
    const forged = await ids(staffScope(), { state: 'tous', libraryId: libB.id, q: 'zoe' });
    expect(forged).toEqual(idsOf('zoe'));
    const counts = await countPatronsByState(
      db(),
      staffScope(),
      { libraryId: libB.id },
      ctx.clock.now(),
      settings,
    );
    expect(counts.tous).toEqual({ value: 9, exact: true });
    // A scope without any library sees nothing at all.
    expect(await ids({ all: false, libraryIds: [] }, { state: 'tous' })).toEqual([]);
  });

  it('finds "zoe lefevre" whatever the case, the accents and the order of the words', async () => {
    for (const q of ['zoe lefevre', 'LEFÈVRE Zoé', '  lefevre   ZOE ', 'n’diaye', "n'diaye zoe"])
      expect(new Set(await ids(adminScope, { q })), q).toEqual(
        new Set(q.includes('diaye') ? idsOf('zoe') : idsOf('zoe', 'zoeB')),
      );
    expect(await ids(staffScope(), { q: 'zoe lefevre' })).toEqual(idsOf('zoe'));
  });

  it('searches identifiant, e-mail, card number; short words match the start of a word', async () => {
    expect(await ids(staffScope(), { q: 'ZNDIAYE' })).toEqual(idsOf('zoe'));
    expect(await ids(staffScope(), { q: 'ndiaye@exemple' })).toEqual(idsOf('zoe'));
    expect(await ids(staffScope(), { q: '57000012345' })).toEqual(idsOf('zoe'));
    expect(await ids(staffScope(), { q: '0001234' })).toEqual(idsOf('zoe'));
    // "le": Le Bihan-Kerjean (surname), Léa (first name); not "Lefèvre" inside "N’Diaye-Lefèvre".
    expect(new Set(await ids(staffScope(), { q: 'le' }))).toEqual(new Set(idsOf('yann', 'lea')));
    expect(await ids(staffScope(), { q: 'le bihan' })).toEqual(idsOf('yann'));
    expect(await ids(staffScope(), { q: 'z ndiaye' })).toEqual(idsOf('zoe'));
    // LIKE wildcards typed by a person are plain characters.
    expect(await ids(staffScope(), { q: '100%' })).toEqual([]);
    expect(await ids(staffScope(), { q: 'usager_' })).toEqual([]);
    expect(await ids(staffScope(), { q: 'nobody here' })).toEqual([]);
    // Nothing searchable: nobody, rather than everybody (and no scan of the whole index).
    expect(await ids(staffScope(), { q: '... @ -' })).toEqual([]);
    expect(searchWords('j.-p. a.b')).toEqual([
      { text: 'j', anywhere: false },
      { text: 'p', anywhere: false },
      { text: 'a', anywhere: false },
      { text: 'b', anywhere: false },
    ]);
    expect(searchWords(' - l’ Zo é ')).toEqual([
      { text: 'l', anywhere: false },
      { text: 'zo', anywhere: false },
      { text: 'e', anywhere: false },
    ]);
  });

  it('searches through the trigram index (the expression is exactly the indexed one)', async () => {
    const plan = await db().transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain select id from patrons where ${textCondition('zoe lefevre')}`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('patrons_search_idx');
  });

  it('sorts by name, registration date, waiting time and end date, both ways', async () => {
    const byName = ['emile', 'paul', 'theo', 'yann', 'lea', 'ines', 'zoe', 'anais', 'lapsed'];
    expect(await ids(staffScope(), { sort: 'nom', order: 'croissant' })).toEqual(idsOf(...byName));
    expect(await ids(staffScope(), { sort: 'nom', order: 'decroissant' })).toEqual(
      idsOf(...byName.reverse()),
    );
    // The same order with text (the matches are sorted apart from the database's indexes).
    expect(await ids(staffScope(), { q: 'exemple', sort: 'nom', order: 'croissant' })).toEqual(
      idsOf('emile', 'paul', 'theo', 'yann', 'lea', 'ines', 'zoe', 'anais'),
    );
    const byRegistration = ['paul', 'ines', 'lea', 'lapsed', 'anais', 'yann', 'emile', 'zoe', 'theo'];
    expect(await ids(staffScope(), { sort: 'inscription', order: 'decroissant' })).toEqual(
      idsOf(...[...byRegistration].reverse()),
    );
    expect(await ids(staffScope(), { state: 'a_valider', sort: 'attente', order: 'croissant' })).toEqual(
      idsOf('yann', 'emile', 'zoe'),
    );
    expect(await ids(staffScope(), { state: 'a_valider', sort: 'attente', order: 'decroissant' })).toEqual(
      idsOf('zoe', 'emile', 'yann'),
    );
    const withEnd = (await ids(staffScope(), { sort: 'fin', order: 'croissant' })).slice(0, 3);
    expect(withEnd).toEqual(idsOf('paul', 'ines', 'lea'));
    const withEndDesc = await ids(staffScope(), { sort: 'fin', order: 'decroissant' });
    expect(withEndDesc.slice(-3)).toEqual(idsOf('lea', 'ines', 'paul'));
    expect((await ids(staffScope(), { q: 'exemple', sort: 'fin', order: 'decroissant' })).slice(-3)).toEqual(
      idsOf('lea', 'ines', 'paul'),
    );
  });

  it('pages by 50 with the total, and a page past the end shows the last one', async () => {
    const c = criteria({ libraryId: libC.id, state: 'a_valider', sort: 'attente', order: 'croissant' });
    const first = await searchPatrons(db(), adminScope, c, ctx.clock.now(), settings);
    expect(first.total).toEqual({ value: 120, exact: true });
    expect(first.pageCount).toBe(3);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]!.lastName).toBe('Lot-000');
    const third = await loadQueue(db(), adminScope, { ...c, page: 3 }, ctx.clock.now(), settings);
    expect(third.page.rows.map((r) => r.lastName)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Lot-${String(100 + i).padStart(3, '0')}`),
    );
    const beyond = await loadQueue(db(), adminScope, { ...c, page: 9 }, ctx.clock.now(), settings);
    expect(beyond.page.page).toBe(3);
    // With text too, each page holds the next 50 in the same order.
    const t2 = await loadQueue(db(), adminScope, { ...c, q: 'lot', page: 2 }, ctx.clock.now(), settings);
    expect(t2.page.total).toEqual({ value: 120, exact: true });
    expect(t2.page.rows[0]!.lastName).toBe('Lot-050');
    expect(t2.page.rows).toHaveLength(50);
  });
});

describe('GET /admin/usagers', () => {
  it('shows library staff their waiting requests, oldest first, with counts per state', async () => {
    const res = await staffA.get('/admin/usagers');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>Validation des inscriptions</h1>');
    expect(listedNames(html)).toEqual(['Le Bihan-Kerjean Yann', 'Arnaud Émile', 'N’Diaye-Lefèvre Zoé']);
    // Their library as text, no choice.
    expect(html).not.toContain('name="bibliotheque"');
    expect(html).toContain('Médiathèque Alpha');
    for (const label of [
      'À valider (3)',
      'En retard (2)',
      'Réinscriptions à valider (1)',
      'Tous les états (9)',
    ])
      expect(html).toContain(label);
    expect(html).toMatch(/<caption>Demandes à valider — Médiathèque Alpha : 3 résultats, triés par attente/);
    // Row details: age on today's Paris date (Zoé turns 16 tomorrow), waiting days, overdue, e-mail confirmed.
    expect(html).toContain('24/11/2010');
    expect(html).toContain('15 ans');
    expect(html).toContain('7 jours');
    expect(html).toMatch(/7 jours<p class="fr-badge fr-badge--sm fr-badge--warning[^"]*">En retard<\/p>/);
    expect(html).toContain('20/11/2026'); // Zoé's request date
  });

  it('renders the rows inside the bulk form, with a labelled checkbox per waiting request or renewable subscription', async () => {
    const url = '/admin/usagers?etat=tous&tri=nom&ordre=croissant';
    const html = (await staffA.get(url)).body;
    expect(html).toMatch(/<form method="post" action="\/admin\/usagers\/decisions"[^>]*>/);
    expect(html).toContain(`name="retour" value="${url.replaceAll('&', '&amp;')}"`);
    const boxes = [...html.matchAll(/name="ids" value="([0-9a-f-]+)"/g)].map((m) => m[1]);
    // Waiting requests (to decide) and active or expired subscriptions (to renew).
    expect(new Set(boxes)).toEqual(new Set(idsOf('yann', 'emile', 'zoe', 'ines', 'lea', 'paul')));
    expect(html).toMatch(/<span class="fr-sr-only">Sélectionner Zoé N’Diaye-Lefèvre<\/span>/);
    expect(html).toContain('Décision groupée');
  });

  it('lets administrators choose all libraries or one; counts keep the other criteria', async () => {
    const all = (await admin.get('/admin/usagers?etat=a_valider&q=zoe+lefevre')).body;
    expect(listedNames(all).sort()).toEqual(['Lefèvre Zoé', 'N’Diaye-Lefèvre Zoé']);
    expect(all).toContain('name="bibliotheque"');
    expect(all).toContain('Toutes les bibliothèques');
    const one = (await admin.get(`/admin/usagers?bibliotheque=${libB.id}&etat=a_valider&q=zoe+lefevre`)).body;
    expect(listedNames(one)).toEqual(['Lefèvre Zoé']);
    expect(one).toContain(`<option value="${libB.id}" selected>`);
    const href = (state: string, sort: string) =>
      `href="/admin/usagers?bibliotheque=${libB.id}&amp;etat=${state}&amp;q=zoe+lefevre&amp;${sort}"`;
    expect(one).toContain(href('en_retard', 'tri=attente&amp;ordre=croissant'));
    // Waiting time means nothing for other states: their links sort by registration instead.
    expect(one).toContain(href('tous', 'tri=inscription&amp;ordre=decroissant'));
  });

  it('ignores a library outside the staff member’s scope, and keeps a library among theirs', async () => {
    const forged = (await staffA.get(`/admin/usagers?bibliotheque=${libB.id}&etat=tous`)).body;
    expect(listedNames(forged)).toHaveLength(9);
    expect(listedNames(forged)).not.toContain('Lefèvre Zoé');
    expect(forged).not.toContain('Bernard Marc');
    // Staff of two libraries choose among theirs; a third one is ignored.
    const both = (await staffAB.get('/admin/usagers?etat=a_valider')).body;
    expect(listedNames(both)).toHaveLength(4);
    expect(both).toContain('Toutes mes bibliothèques');
    expect(both).not.toContain('Point lecture Gamma');
    const onlyB = (await staffAB.get(`/admin/usagers?bibliotheque=${libB.id}&etat=a_valider`)).body;
    expect(listedNames(onlyB)).toEqual(['Lefèvre Zoé']);
    const third = (await staffAB.get(`/admin/usagers?bibliotheque=${libC.id}&etat=a_valider`)).body;
    expect(listedNames(third)).toHaveLength(4);
  });

  it('keeps refused and lapsed requests searchable, with their reason', async () => {
    const refused = (await staffA.get('/admin/usagers?etat=refuses')).body;
    expect(listedNames(refused)).toEqual(['Petit Anaïs']);
    expect(refused).toContain('Motif : Date de naissance incorrecte');
    expect(refused).toContain('Refusé');
    const found = (await staffA.get('/admin/usagers?etat=tous&q=petit')).body;
    expect(found).toContain('Motif : Date de naissance incorrecte');
    const lapsed = (await staffA.get('/admin/usagers?etat=demandes_expirees')).body;
    expect(listedNames(lapsed)).toEqual(['Demande expirée (données effacées)']);
    expect(lapsed).toContain('Motif : Adresse électronique non confirmée dans le délai');
    expect(lapsed).toContain('Année 1985');
  });

  it('falls back to the defaults on bad parameters', async () => {
    const res = await staffA.get('/admin/usagers?etat=n%27importe&tri=x&ordre=z&page=-4&bibliotheque=abc&q=');
    expect(res.statusCode).toBe(200);
    expect(listedNames(res.body)).toEqual(['Le Bihan-Kerjean Yann', 'Arnaud Émile', 'N’Diaye-Lefèvre Zoé']);
    const twice = await staffA.get('/admin/usagers?etat=tous&etat=actifs&page=abc');
    expect(twice.statusCode).toBe(200);
    expect(listedNames(twice.body)).toHaveLength(3);
  });

  it('says so in French when nothing matches', async () => {
    const html = (await staffA.get('/admin/usagers?etat=a_valider&q=personne')).body;
    expect(listedNames(html)).toEqual([]);
    expect(html).toContain('Aucun usager ne correspond à « personne » parmi les demandes à valider.');
    expect(html).not.toContain('<table');
    const none = (await staffAB.get(`/admin/usagers?bibliotheque=${libB.id}&etat=reinscriptions`)).body;
    expect(none).toContain('Aucune réinscription n’attend de décision : tout est à jour.');
  });

  it('paginates with DSFR links that keep the criteria', async () => {
    const url = `/admin/usagers?bibliotheque=${libC.id}&etat=a_valider&tri=attente&ordre=croissant`;
    const first = (await admin.get(url)).body;
    expect(listedNames(first)).toHaveLength(50);
    expect(first).toContain('<nav role="navigation" class="fr-pagination');
    expect(first).toContain(`href="${url.replaceAll('&', '&amp;')}&amp;page=2"`);
    expect(first).toContain('1 à 50 affichés');
    const last = (await admin.get(`${url}&page=3`)).body;
    expect(listedNames(last)).toHaveLength(20);
    expect(listedNames(last)[0]).toBe('Lot-100 Camille');
    expect(last).toContain('101 à 120 affichés');
    expect(last).toMatch(/<a class="fr-pagination__link" aria-current="page" title="Page 3">3<\/a>/);
  });

  it('sends a visitor to the login page and back', async () => {
    const res = await new TestBrowser(ctx.app).get('/admin/usagers?etat=tous');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/connexion?suite=${encodeURIComponent('/admin/usagers?etat=tous')}`);
  });
});

describe('GET /admin/usagers/:id', () => {
  beforeAll(async () => {
    const at = (days: number) => ago(days);
    const patronActor = { kind: 'patron' as const, id: P.zoe!.id, label: 'Zoé N’Diaye-Lefèvre (zndiaye)' };
    await recordEvent(db(), {
      at: at(3),
      actor: patronActor,
      action: 'registered',
      subject: { kind: 'patron', id: P.zoe!.id },
      data: { channel: 'self', confirmationDeadline: new Date(at(3).getTime() + 15 * DAY).toISOString() },
    });
    await recordEvent(db(), {
      at: at(2),
      actor: patronActor,
      action: 'email_confirmed',
      subject: { kind: 'patron', id: P.zoe!.id },
    });
    await recordEvent(db(), {
      at: at(1),
      actor: { kind: 'system', label: 'Sésame' },
      action: 'something_new',
      subject: { kind: 'patron', id: P.zoe!.id },
    });
    await recordEvent(db(), {
      at: at(15),
      actor: {
        kind: 'staff',
        id: P.anais!.id,
        name: 'Agathe Réseau',
        identifier: 'admin-file',
        role: 'network_admin',
        scope: { all: true },
      },
      action: 'refused',
      subject: { kind: 'patron', id: P.anais!.id },
      onBehalfOfLibraryId: libA.id,
      data: {
        template: 'refuse_birth_date',
        subject: 'Votre demande d’accès à NuMos',
        message: 'Bonjour Anaïs Petit,\n\nLa date de naissance indiquée ne correspond pas.',
      },
    });
  });

  it('shows the record of a waiting request: informations, status, resources, history', async () => {
    const res = await staffA.get(`/admin/usagers/${P.zoe!.id}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1 class="fr-mb-1w">Zoé N’Diaye-Lefèvre</h1>');
    expect(html).toContain('À valider');
    for (const id of ['informations', 'statut', 'ressources', 'historique']) {
      expect(html).toContain(`href="#${id}"`);
      expect(html).toContain(`<section id="${id}"`);
    }
    // Informations
    expect(html).toContain('zoe.ndiaye@exemple.fr');
    expect(html).toContain('Adresse confirmée le 21/11/2026');
    expect(html).toContain('24/11/2010 (15 ans)');
    expect(html).toContain('zndiaye');
    expect(html).toContain('57000012345');
    expect(html).toContain('En ligne, par l’usager');
    // Statut
    expect(html).toContain('Depuis le 21/11/2026, soit 2 jours');
    expect(html).toContain('Aucune décision pour le moment');
    // Ressources: a temporary account, Accès libre only, 31 days from confirmation.
    expect(html).toContain('Compte temporaire : « Accès libre » seulement');
    expect(html).toContain('jusqu’au 22/12/2026');
    // History, most recent first, with a French label for each action and a fallback.
    const history = html.slice(html.indexOf('<section id="historique"'));
    expect(history).toContain('Autre événement (something new)');
    expect(history.indexOf('Autre événement')).toBeLessThan(history.indexOf('Adresse confirmée'));
    expect(history.indexOf('Adresse confirmée')).toBeLessThan(history.indexOf('Demande d’inscription'));
    expect(history).toContain('Zoé N’Diaye-Lefèvre (zndiaye)');
    expect(history).toContain('20/11/2026 à 10:00');
    // Confirmed since: the deadline of the request no longer applies, so it is not shown.
    expect(history).not.toContain('À confirmer avant le');
  });

  it('shows the confirmation deadline in the history while the address is not confirmed', async () => {
    await recordEvent(db(), {
      at: ago(1),
      actor: { kind: 'patron', id: P.theo!.id, label: 'Théo Girard (tgirard)' },
      action: 'registered',
      subject: { kind: 'patron', id: P.theo!.id },
      data: { channel: 'self', confirmationDeadline: new Date(ago(1).getTime() + 15 * DAY).toISOString() },
    });
    const res = await admin.get(`/admin/usagers/${P.theo!.id}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    const history = html.slice(html.indexOf('<section id="historique"'));
    expect(history).toContain('À confirmer avant le');
  });

  it('says who decided, on whose behalf, why, and the message sent', async () => {
    const html = (await staffA.get(`/admin/usagers/${P.anais!.id}`)).body;
    expect(html).toContain(`décidé par ${adminLabel} pour Médiathèque Alpha`);
    expect(html).toContain('Motif du refus');
    expect(html).toContain('Date de naissance incorrecte');
    expect(html).toContain('Ressources libres seulement');
    const history = html.slice(html.indexOf('<section id="historique"'));
    expect(history).toContain('Demande refusée');
    expect(history).toMatch(/<td>Médiathèque Alpha<\/td>/);
    expect(history).toContain('Message envoyé : « Votre demande d’accès à NuMos »');
    expect(history).toContain('La date de naissance indiquée ne correspond pas.');
    expect(history).toContain('Modèle : Refus : date de naissance incorrecte');
  });

  it('gives an active patron’s access level and end date', async () => {
    const html = (await staffA.get(`/admin/usagers/${P.lea!.id}`)).body;
    expect(html).toContain('Actif jusqu’au 15/08/2027');
    expect(html).toContain('« Accès libre » et « Forfait »');
    expect(html).toContain('Aucun événement enregistré.');
  });

  it('answers 404 in French for an unknown id, a malformed id and another library’s patron', async () => {
    for (const url of [
      '/admin/usagers/00000000-0000-4000-8000-000000000000',
      '/admin/usagers/pas-un-identifiant',
      `/admin/usagers/${P.zoeB!.id}`,
    ]) {
      const res = await staffA.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('n’existe pas ou vous n’y avez pas accès');
      expect(res.body).not.toContain('Lefèvre');
    }
  });

  it('lets administrators open any library’s patron', async () => {
    const res = await admin.get(`/admin/usagers/${P.zoeB!.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="fr-mb-1w">Zoé Lefèvre</h1>');
    expect(res.body).toContain('Bibliothèque Bêta');
  });

  it('sends a visitor to the login page, then back to the record', async () => {
    const url = `/admin/usagers/${P.zoe!.id}`;
    const res = await new TestBrowser(ctx.app).get(url);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/connexion?suite=${encodeURIComponent(url)}`);
  });
});
