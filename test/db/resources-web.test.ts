import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import { findResource, listResources } from '../../src/db/repositories/resources.js';
import { events, resourceLibraries } from '../../src/db/schema.js';
import { hashPassword } from '../../src/security/passwords.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource, consultationCount } from '../helpers/resource-fixtures.js';

const PASSWORD = 'Un-mot-de-passe-solide-9';
let ctx: TestContext;
let libA: { id: string; name: string };
let libB: { id: string; name: string };
let hash: string;
let ip = 20;
const r: Record<string, Awaited<ReturnType<typeof addResource>>> = {};

async function patronWith(values: Parameters<typeof addPatron>[2]): Promise<PatronRow> {
  return addPatron(ctx, libA.id, { passwordHash: hash, ...values });
}

async function browserAs(p: PatronRow | null): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, `192.0.2.${ip++}`);
  if (p) expect((await b.logIn(p.identifier!, PASSWORD)).statusCode).toBe(303);
  return b;
}

const active = { state: 'active' as const, activeUntil: '2027-11-22', pendingSince: null };

beforeAll(async () => {
  ctx = await createTestApp();
  hash = await hashPassword(PASSWORD);
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  r.free = await addResource(ctx, { name: 'Contes libres', kind: 'open', category: null });
  r.unlimited = await addResource(ctx, { name: 'Vidéos illimitées', kind: 'unlimited', category: null });
  r.film = await addResource(ctx, {
    name: 'Cinéma au forfait',
    documents: [
      { id: 'f1', title: 'Le Phare des brumes' },
      { id: 'f2', title: 'Les Dunes d’argent' },
    ],
  });
  r.mature = await addResource(ctx, { name: 'Frissons seize ans', audience: '16' });
  r.kids = await addResource(ctx, {
    name: 'Histoires pour enfants',
    kind: 'unlimited',
    category: null,
    underTwelve: true,
  });
  r.onlyB = await addResource(ctx, {
    name: 'Réservé à Bêta',
    kind: 'unlimited',
    category: null,
    allLibraries: false,
  });
  await ctx.database.db.insert(resourceLibraries).values({ resourceId: r.onlyB.id, libraryId: libB.id });
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set('2026-11-23T09:00:00Z'));

describe('/ressources catalog', () => {
  it('shows anonymous visitors the free resources and an invitation to register', async () => {
    const b = await browserAs(null);
    const res = await b.get('/ressources');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Contes libres');
    expect(res.body).not.toContain('Vidéos illimitées');
    expect(res.body).not.toContain('Cinéma au forfait');
    expect(res.body).toContain('href="/inscription"');
    expect(res.body).toContain('Connectez-vous pour voir ces ressources.');
  });

  it('shows a temporary account the free and Accès libre resources only', async () => {
    const b = await browserAs(await patronWith({ state: 'pending' }));
    const res = await b.get('/ressources');
    expect(res.body).toContain('Contes libres');
    expect(res.body).toContain('Vidéos illimitées');
    expect(res.body).not.toContain('Cinéma au forfait');
    expect(res.body).toContain('Compte temporaire');
  });

  it('shows an active patron everything their age and library allow, with the marks', async () => {
    const b = await browserAs(await patronWith(active));
    const res = await b.get('/ressources');
    for (const name of ['Contes libres', 'Vidéos illimitées', 'Cinéma au forfait', 'Frissons seize ans'])
      expect(res.body).toContain(name);
    expect(res.body).not.toContain('Réservé à Bêta');
    expect(res.body).toContain('>Accès libre</p>');
    expect(res.body).toContain('>Forfait</p>');
    expect(res.body).toContain(`href="/ressources/${r.film!.id}/ouvrir?document=f1"`);
  });

  it('shows an expired patron the free resources only', async () => {
    const b = await browserAs(
      await patronWith({ state: 'expired', activeUntil: '2026-10-31', pendingSince: null }),
    );
    const res = await b.get('/ressources');
    expect(res.body).toContain('Contes libres');
    expect(res.body).not.toContain('Vidéos illimitées');
    expect(res.body).toContain('Abonnement expiré');
  });

  it('lands an under-12 patron on the under-12 space, never offering what their age forbids', async () => {
    const child = await patronWith({ ...active, birthDate: '2016-03-02', birthYear: 2016 });
    const b = await browserAs(child);
    const res = await b.get('/ressources');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/ressources/jeunesse');
    const youth = await b.get('/ressources/jeunesse');
    expect(youth.body).toContain('Histoires pour enfants');
    expect(youth.body).not.toContain('Cinéma au forfait');
    const all = await b.get('/ressources?tout=1');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Cinéma au forfait');
    expect(all.body).not.toContain('Frissons seize ans');
    const before = await consultationCount(ctx);
    const forced = await b.get(`/ressources/${r.mature!.id}/ouvrir?document=x`);
    expect(forced.statusCode).toBe(403);
    expect(forced.body).toContain('Contenu réservé aux 16 ans et plus');
    expect(await consultationCount(ctx)).toBe(before);
  });
});

describe('/ressources/:id/ouvrir', () => {
  it('redirects to the provider (303) and counts once', async () => {
    const p = await patronWith(active);
    const b = await browserAs(p);
    const res = await b.get(`/ressources/${r.film!.id}/ouvrir?document=f1`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(
      new RegExp(`^http://sesame\\.test/fournisseur-demo/${r.film!.id}/f1\\?`),
    );
    const provider = await b.get(
      new URL(String(res.headers.location)).pathname + new URL(String(res.headers.location)).search,
    );
    expect(provider.statusCode).toBe(200);
    expect(provider.body).toContain('Le Phare des brumes');
  });

  it('answers 429 with the reason, the next step and Retry-After when the quota is used up', async () => {
    const p = await patronWith(active);
    const b = await browserAs(p);
    for (const d of ['a', 'b', 'c', 'd']) {
      const film = await addResource(ctx, {});
      expect((await b.get(`/ressources/${film.id}/ouvrir?document=${d}`)).statusCode).toBe(303);
    }
    const res = await b.get(`/ressources/${r.film!.id}/ouvrir?document=f2`);
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain(
      'Vous avez utilisé vos 4 films de novembre ; prochain film possible le 1er décembre',
    );
    expect(res.body).toContain('href="/mon-compte#quotas"');
    // 30/11 23:00 UTC (1 December in Paris) minus 23/11 09:00 UTC.
    expect(res.headers['retry-after']).toBe(String(7 * 86400 + 14 * 3600));
  });

  it('refuses unknown resources (404), malformed documents (400) and anonymous visitors on Accès libre (403)', async () => {
    const b = await browserAs(null);
    const before = await consultationCount(ctx);
    expect((await b.get('/ressources/pas-un-id/ouvrir?document=a')).statusCode).toBe(404);
    expect((await b.get(`/ressources/${r.film!.id}/ouvrir?document=a&document=b`)).statusCode).toBe(400);
    const anon = await b.get(`/ressources/${r.unlimited!.id}/ouvrir?document=a`);
    expect(anon.statusCode).toBe(403);
    expect(anon.body).toContain('href="/inscription"');
    expect(anon.body).toContain('/connexion?suite=');
    expect(await consultationCount(ctx)).toBe(before);
  });

  it('has no HEAD twin that would count', async () => {
    const before = await consultationCount(ctx);
    const res = await ctx.app.inject({ method: 'HEAD', url: `/ressources/${r.free!.id}/ouvrir?document=a` });
    expect(res.statusCode).toBe(404);
    expect(await consultationCount(ctx)).toBe(before);
  });
});

describe('Mon compte', () => {
  it('shows quotas left this month and the consultation history', async () => {
    const p = await patronWith(active);
    const b = await browserAs(p);
    await b.get(`/ressources/${r.film!.id}/ouvrir?document=f2`);
    await b.get(`/ressources/${r.film!.id}/ouvrir?document=f2`);
    const res = await b.get('/mon-compte');
    expect(res.body).toContain('Mes quotas ce mois-ci');
    expect(res.body).toMatch(/Films<\/th><td>1 sur 4<\/td><td>3<\/td>/);
    expect(res.body).toContain('Les Dunes d’argent');
    expect(res.body).toContain('Non compté (déjà ouvert ce mois-ci)');
    expect(res.body).toContain('Compté (Films)');
  });
});

describe('/admin/ressources', () => {
  let admin: TestBrowser;
  let librarian: TestBrowser;
  beforeAll(async () => {
    await addStaff(ctx, { identifier: 'admin-cat', role: 'network_admin', password: PASSWORD });
    await addStaff(ctx, { identifier: 'agent-cat', libraryIds: [libA.id], password: PASSWORD });
    admin = new TestBrowser(ctx.app, '198.51.100.200');
    await admin.logIn('admin-cat', PASSWORD);
    librarian = new TestBrowser(ctx.app, '198.51.100.201');
    await librarian.logIn('agent-cat', PASSWORD);
  });

  const valid = {
    name: 'Nouveau kiosque',
    provider: 'Kiosque fictif',
    description: 'Magazines.',
    kind: 'quota',
    category: 'magazines',
    audience: 'all',
    libraries: 'all',
    connector: 'signed_link',
    urlTemplate: 'https://kiosque.exemple.fr/lire/{document}',
    secret: 'une-cle-partagee-de-test-1234',
    linkMinutes: '5',
    ssoId: '',
    loginUrl: '',
    capPeriod: 'month',
    capLimit: '1 000',
    documents: 'mag-1 ; Magazine un\nmag-2 ; Magazine deux',
  };

  it('refuses library staff', async () => {
    expect((await librarian.get('/admin/ressources')).statusCode).toBe(403);
    const before = (await listResources(ctx.database.db)).length;
    const res = await librarian.post('/admin/ressources/nouvelle', valid, { from: '/admin' });
    expect(res.statusCode).toBe(403);
    expect((await listResources(ctx.database.db)).length).toBe(before);
  });

  it('validates every field in French, keeps the input but not the key, writes nothing', async () => {
    const before = (await listResources(ctx.database.db)).length;
    const res = await admin.post(
      '/admin/ressources/nouvelle',
      {
        ...valid,
        name: 'Kiosque à corriger',
        urlTemplate: 'ftp://kiosque.exemple.fr/lire',
        kind: 'quota',
        category: '',
        audience: '21',
        capLimit: 'beaucoup',
        documents: 'sans-point-virgule',
        secret: 'court',
      },
      { from: '/admin/ressources/nouvelle' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choisissez le public de la ressource.');
    expect(res.body).toContain('Saisissez le nombre de consultations achetées');
    expect(res.body).toContain('value="Kiosque à corriger"');
    expect(res.body).not.toContain('value="court"');
    expect((await listResources(ctx.database.db)).length).toBe(before);

    const second = await admin.post(
      '/admin/ressources/nouvelle',
      {
        ...valid,
        urlTemplate: 'ftp://kiosque.exemple.fr/lire',
        category: '',
        documents: 'sans-point-virgule',
        secret: 'court',
      },
      { from: '/admin/ressources/nouvelle' },
    );
    expect(second.statusCode).toBe(400);
    expect(second.body).toContain('L’adresse doit contenir {document}');
    expect(second.body).toContain('Choisissez la catégorie de quota');
    expect(second.body).toContain('Ligne 1 : séparez l’identifiant du titre par un point-virgule');
    expect(second.body).toContain('La clé doit compter de 16 à 200 caractères.');
    const direct = await admin.post(
      '/admin/ressources/nouvelle',
      { ...valid, connector: 'direct', capPeriod: '', capLimit: '' },
      { from: '/admin/ressources/nouvelle' },
    );
    expect(direct.statusCode).toBe(400);
    expect(direct.body).toContain('Un lien simple ne transmet pas l’usager au fournisseur');
    expect((await listResources(ctx.database.db)).length).toBe(before);
  });

  it('creates, lists with cap use, edits keeping the key, deactivates and reactivates (recorded)', async () => {
    const created = await admin.post('/admin/ressources/nouvelle', valid, {
      from: '/admin/ressources/nouvelle',
    });
    expect(created.statusCode).toBe(303);
    const url = String(created.headers.location);
    const id = url.split('/').pop()!;
    const row = (await findResource(ctx.database.db, id))!;
    expect(row).toMatchObject({ kind: 'quota', category: 'magazines', capPeriod: 'month', capLimit: 1000 });
    expect(row.connectorConfig.secret).toBe(valid.secret);
    expect(row.documents).toEqual([
      { id: 'mag-1', title: 'Magazine un' },
      { id: 'mag-2', title: 'Magazine deux' },
    ]);
    const list = await admin.get('/admin/ressources');
    expect(list.body).toContain('Nouveau kiosque');
    expect(list.body).toMatch(/0 \/ 1.000 \(0 %\) en novembre 2026/);

    const edit = await admin.get(url);
    expect(edit.body).not.toContain(valid.secret);
    const saved = await admin.post(
      url,
      { ...valid, secret: '', capLimit: '2000', libraries: 'some', libraryIds: [libA.id] },
      { from: url },
    );
    expect(saved.statusCode).toBe(303);
    const after = (await findResource(ctx.database.db, id))!;
    expect(after.capLimit).toBe(2000);
    expect(after.allLibraries).toBe(false);
    expect(after.connectorConfig.secret).toBe(valid.secret);

    expect((await admin.post(`${url}/desactiver`, {}, { from: url })).statusCode).toBe(303);
    const p = await patronWith(active);
    const b = await browserAs(p);
    expect((await b.get('/ressources')).body).not.toContain('Nouveau kiosque');
    expect((await b.get(`/ressources/${id}/ouvrir?document=mag-1`)).statusCode).toBe(404);
    expect((await admin.post(`${url}/activer`, {}, { from: url })).statusCode).toBe(303);
    expect((await b.get(`/ressources/${id}/ouvrir?document=mag-1`)).statusCode).toBe(303);

    const history = await ctx.database.db.select().from(events).where(eq(events.subjectId, id));
    expect(history.map((e) => e.action)).toEqual([
      'resource_created',
      'resource_updated',
      'resource_deactivated',
      'resource_activated',
    ]);
    expect(JSON.stringify(history)).not.toContain(valid.secret);
  });

  it('answers 404 for an unknown resource', async () => {
    expect((await admin.get('/admin/ressources/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
