import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findLibraryByCode, type Library } from '../../src/db/repositories/libraries.js';
import { events, libraries } from '../../src/db/schema.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

let ctx: TestContext;
let libA: Library;
let libB: Library;
let admin: TestBrowser;
let staffA: TestBrowser;
let staffAIdentifier: string;
let staffBIdentifier: string;

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'admin-lib', role: 'network_admin' });
  const sA = await addStaff(ctx, { identifier: 'agent-alpha', libraryIds: [libA.id] });
  const sB = await addStaff(ctx, { identifier: 'agent-beta', libraryIds: [libB.id] });
  staffAIdentifier = sA.identifier;
  staffBIdentifier = sB.identifier;
  admin = new TestBrowser(ctx.app, '198.51.100.1');
  staffA = new TestBrowser(ctx.app, '198.51.100.2');
  expect((await admin.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staffA.logIn(sA.identifier, sA.password)).statusCode).toBe(303);
});
afterAll(() => ctx.close());
beforeEach(() => ctx.clock.set('2026-11-23T09:00:00Z'));

const db = () => ctx.database.db;
const library = async (id: string) => (await db().select().from(libraries).where(eq(libraries.id, id)))[0]!;
const allLibraries = () => db().select().from(libraries).orderBy(asc(libraries.code));
const libraryEvents = (id: string) =>
  db()
    .select()
    .from(events)
    .where(and(eq(events.subjectKind, 'library'), eq(events.subjectId, id)))
    .orderBy(asc(events.id));

// ---------------------------------------------------------------------------------------------
// Multipart upload, as a browser sends the import form: a boundary built by hand.

function multipartBody(
  file: { name: string; content: Buffer | string } | null,
  fields: Record<string, string> = {},
) {
  const boundary = `----sesame-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'),
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Loads the import page and submits its form to the action it gives (CSRF token in its first field). */
async function upload(
  b: TestBrowser,
  file: { name: string; content: Buffer | string } | null,
  options: { action?: string; csrf?: string } = {},
): Promise<LightMyRequestResponse> {
  let action = options.action;
  if (!action) {
    const page = await b.get('/admin/bibliotheques/import');
    expect(page.statusCode).toBe(200);
    const m = /<form[^>]+action="([^"]+)"[^>]+enctype="multipart\/form-data"/.exec(page.body);
    expect(m, 'the import form').toBeTruthy();
    action = m![1]!.replaceAll('&amp;', '&');
  }
  const csrfField = options.csrf ?? /name="_csrf" value="([^"]+)"/.exec(b.lastHtml)?.[1] ?? '';
  const { payload, contentType } = multipartBody(file, { _csrf: csrfField });
  const res = await ctx.app.inject({
    method: 'POST',
    url: action,
    payload,
    headers: {
      'content-type': contentType,
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    remoteAddress: b.ip,
  });
  for (const c of res.cookies as Array<{ name: string; value: string }>) b.cookies.set(c.name, c.value);
  return res;
}

// ---------------------------------------------------------------------------------------------

describe('list of libraries', () => {
  it('shows network administrators every library with code, town, e-mail and state, and the add/import buttons', async () => {
    const res = await admin.get('/admin/bibliotheques');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<caption>Bibliothèques du réseau</caption>');
    for (const l of [libA, libB]) {
      expect(res.body).toContain(l.name);
      expect(res.body).toContain(l.code);
      expect(res.body).toContain(l.email);
      expect(res.body).toContain(`href="/admin/bibliotheques/${l.id}"`);
    }
    expect(res.body).toContain('Ajouter une bibliothèque');
    expect(res.body).toContain('Importer un fichier CSV');
  });

  it('searches by name without minding case or accents, by town and by code', async () => {
    const byName = await admin.get('/admin/bibliotheques?q=beta');
    expect(byName.body).toContain(libB.name);
    expect(byName.body).not.toContain(libA.name);
    const byCode = await admin.get(`/admin/bibliotheques?q=${libA.code}`);
    expect(byCode.body).toContain(libA.name);
    expect(byCode.body).not.toContain(libB.name);
    const none = await admin.get('/admin/bibliotheques?q=zzzz-introuvable');
    expect(none.body).toContain('Aucune bibliothèque ne correspond à ces critères.');
  });

  it('shows library staff their own library only, without the network’s buttons', async () => {
    const res = await staffA.get('/admin/bibliotheques');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(libA.name);
    expect(res.body).not.toContain(libB.name);
    expect(res.body).not.toContain('Ajouter une bibliothèque');
    expect(res.body).not.toContain('Importer un fichier CSV');
  });

  it('sends a visitor to the login page', async () => {
    const res = await new TestBrowser(ctx.app).get('/admin/bibliotheques');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/connexion\?suite=/);
  });
});

describe('adding a library', () => {
  it('creates it, records who did it, and shows it', async () => {
    const res = await admin.post('/admin/bibliotheques/nouvelle', {
      code: 'NEW01',
      name: 'Médiathèque Nouvelle-Étoile',
      town: 'Étoile-sur-Exemple',
      email: ' Contact.Nouvelle@Exemple.FR ',
    });
    expect(res.statusCode).toBe(303);
    const created = (await findLibraryByCode(db(), 'NEW01'))!;
    expect(created).toMatchObject({
      name: 'Médiathèque Nouvelle-Étoile',
      town: 'Étoile-sur-Exemple',
      email: 'contact.nouvelle@exemple.fr',
      active: true,
    });
    expect(res.headers.location).toBe(`/admin/bibliotheques/${created.id}`);
    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain('Bibliothèque « Médiathèque Nouvelle-Étoile » ajoutée.');
    const [event] = await libraryEvents(created.id);
    expect(event).toMatchObject({ action: 'library_created', actorLabel: 'Agent admin-lib (admin-lib)' });
  });

  it('explains each bad field in French, keeps what was typed and writes nothing', async () => {
    const before = await allLibraries();
    const res = await admin.post('/admin/bibliotheques/nouvelle', {
      code: 'code avec espaces',
      name: '',
      town: 'Villefictive',
      email: 'pas-une-adresse',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Le code ne peut contenir que des lettres sans accent, des chiffres, - et _');
    expect(res.body).toContain('Saisissez le nom de la bibliothèque.');
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('value="code avec espaces"');
    expect(res.body).toContain('value="pas-une-adresse"');
    expect(res.body).toContain('value="Villefictive"');
    expect(await allLibraries()).toEqual(before);
  });

  it('refuses a code already used, naming the library that has it', async () => {
    const before = await allLibraries();
    const res = await admin.post('/admin/bibliotheques/nouvelle', {
      code: libA.code,
      name: 'Doublon',
      town: 'Villefictive',
      email: 'doublon@exemple.fr',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Ce code est déjà utilisé par « ${libA.name} ».`);
    expect(res.body).toContain('value="Doublon"');
    expect(await allLibraries()).toEqual(before);
  });

  it('is for network administrators only (403 for library staff, nothing written)', async () => {
    expect((await staffA.get('/admin/bibliotheques/nouvelle')).statusCode).toBe(403);
    const before = await allLibraries();
    const res = await staffA.post(
      '/admin/bibliotheques/nouvelle',
      { code: 'PIRATE', name: 'Pirate', town: 'Ville', email: 'pirate@exemple.fr' },
      { from: '/admin/bibliotheques' },
    );
    expect(res.statusCode).toBe(403);
    expect(await allLibraries()).toEqual(before);
  });
});

describe('a library’s page', () => {
  it('shows its details and the staff accounts attached to it, and no others', async () => {
    const res = await admin.get(`/admin/bibliotheques/${libA.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(libA.name);
    expect(res.body).toContain(staffAIdentifier);
    expect(res.body).not.toContain(staffBIdentifier);
    expect(res.body).toContain('Désactiver la bibliothèque');
  });

  it('answers 404 with a French page for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'pas-un-identifiant']) {
      const res = await admin.get(`/admin/bibliotheques/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Page non trouvée');
    }
  });

  it('does not exist for another library’s staff: 404 on the page, on edits and on every forged field', async () => {
    const before = await library(libB.id);
    expect((await staffA.get(`/admin/bibliotheques/${libB.id}`)).statusCode).toBe(404);
    const forged = await staffA.post(
      `/admin/bibliotheques/${libB.id}`,
      { email: 'detournement@exemple.fr', name: 'Piratée', code: 'X', town: 'Y' },
      { from: `/admin/bibliotheques/${libA.id}` },
    );
    expect(forged.statusCode).toBe(404);
    const invalid = await staffA.post(
      `/admin/bibliotheques/${libB.id}`,
      { email: 'pas-une-adresse' },
      { from: `/admin/bibliotheques/${libA.id}` },
    );
    expect(invalid.statusCode).toBe(404);
    expect(invalid.body).not.toContain(libB.name);
    const deactivate = await staffA.post(
      `/admin/bibliotheques/${libB.id}/desactiver`,
      {},
      { from: `/admin/bibliotheques/${libA.id}` },
    );
    expect(deactivate.statusCode).toBe(403);
    expect(await library(libB.id)).toEqual(before);
    expect(await libraryEvents(libB.id)).toEqual([]);
  });

  it('lets library staff change only their own library’s notification e-mail; other fields are ignored', async () => {
    const page = await staffA.get(`/admin/bibliotheques/${libA.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="email"');
    expect(page.body).not.toContain('name="name"');
    expect(page.body).not.toContain('name="code"');
    expect(page.body).not.toContain('Désactiver la bibliothèque');

    const res = await staffA.post(`/admin/bibliotheques/${libA.id}`, {
      email: 'Accueil.Alpha@Exemple.fr',
      name: 'Nom forgé',
      code: 'FORGE',
      town: 'Ailleurs',
    });
    expect(res.statusCode).toBe(303);
    const after = await library(libA.id);
    expect(after).toMatchObject({
      email: 'accueil.alpha@exemple.fr',
      name: libA.name,
      code: libA.code,
      town: libA.town,
    });
    const updates = (await libraryEvents(libA.id)).filter((e) => e.action === 'library_updated');
    expect(updates.at(-1)).toMatchObject({
      actorLabel: `Agent ${staffAIdentifier} (${staffAIdentifier})`,
      onBehalfOfLibraryId: libA.id,
      data: { before: { email: libA.email }, after: { email: 'accueil.alpha@exemple.fr' } },
    });
    expect((await staffA.get(res.headers.location as string)).body).toContain('Modifications enregistrées.');
  });

  it('keeps library staff’s bad e-mail on the page with the message, and changes nothing', async () => {
    const before = await library(libA.id);
    const res = await staffA.post(`/admin/bibliotheques/${libA.id}`, { email: 'accueil@' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('value="accueil@"');
    expect(await library(libA.id)).toEqual(before);
  });

  it('lets administrators edit every field, recording only what changed', async () => {
    const target = await addLibrary(ctx, 'Bibliothèque à renommer');
    const res = await admin.post(`/admin/bibliotheques/${target.id}`, {
      code: target.code,
      name: 'Bibliothèque renommée',
      town: 'Nouvelle-Ville',
      email: target.email,
    });
    expect(res.statusCode).toBe(303);
    expect(await library(target.id)).toMatchObject({ name: 'Bibliothèque renommée', town: 'Nouvelle-Ville' });
    const [event] = await libraryEvents(target.id);
    expect(event?.data).toEqual({
      before: { name: 'Bibliothèque à renommer', town: 'Villefictive' },
      after: { name: 'Bibliothèque renommée', town: 'Nouvelle-Ville' },
    });
    const page = await admin.get(`/admin/bibliotheques/${target.id}`);
    expect(page.body).toContain('Nom : Bibliothèque à renommer → Bibliothèque renommée');
  });

  it('refuses another library’s code on edit and changes nothing', async () => {
    const before = await library(libB.id);
    const res = await admin.post(`/admin/bibliotheques/${libB.id}`, {
      code: libA.code,
      name: 'Autre nom',
      town: libB.town,
      email: libB.email,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Ce code est déjà utilisé par « ${libA.name} ».`);
    expect(res.body).toContain('value="Autre nom"');
    expect(await library(libB.id)).toEqual(before);
  });
});

describe('deactivating a library', () => {
  it('hides it from the public list until it is reactivated, with both changes recorded', async () => {
    const target = await addLibrary(ctx, 'Bibliothèque Éphémère');
    expect((await new TestBrowser(ctx.app).get('/bibliotheques')).body).toContain('Bibliothèque Éphémère');

    const off = await admin.post(
      `/admin/bibliotheques/${target.id}/desactiver`,
      {},
      { from: `/admin/bibliotheques/${target.id}` },
    );
    expect(off.statusCode).toBe(303);
    expect((await library(target.id)).active).toBe(false);
    const page = await admin.get(`/admin/bibliotheques/${target.id}`);
    expect(page.body).toContain('désactivée : elle n’apparaît plus dans la liste publique');
    expect(page.body).toContain('Réactiver la bibliothèque');
    expect((await new TestBrowser(ctx.app).get('/bibliotheques')).body).not.toContain(
      'Bibliothèque Éphémère',
    );
    expect((await admin.get('/admin/bibliotheques?etat=desactivees')).body).toContain(
      'Bibliothèque Éphémère',
    );
    expect((await admin.get('/admin/bibliotheques?etat=actives')).body).not.toContain(
      'Bibliothèque Éphémère',
    );

    const again = await admin.post(
      `/admin/bibliotheques/${target.id}/desactiver`,
      {},
      { from: `/admin/bibliotheques/${target.id}` },
    );
    expect(again.statusCode).toBe(303);
    expect((await admin.get(`/admin/bibliotheques/${target.id}`)).body).toContain(
      'Cette bibliothèque est déjà désactivée.',
    );

    const on = await admin.post(
      `/admin/bibliotheques/${target.id}/reactiver`,
      {},
      { from: `/admin/bibliotheques/${target.id}` },
    );
    expect(on.statusCode).toBe(303);
    expect((await library(target.id)).active).toBe(true);
    expect((await new TestBrowser(ctx.app).get('/bibliotheques')).body).toContain('Bibliothèque Éphémère');
    expect((await libraryEvents(target.id)).map((e) => e.action)).toEqual([
      'library_deactivated',
      'library_reactivated',
    ]);
  });

  it('answers 404 for an unknown library', async () => {
    const res = await admin.post(
      '/admin/bibliotheques/00000000-0000-4000-8000-000000000000/desactiver',
      {},
      { from: '/admin/bibliotheques' },
    );
    expect(res.statusCode).toBe(404);
  });
});

describe('CSV import from the browser', () => {
  it('shows the expected format with an example and a downloadable template', async () => {
    const page = await admin.get('/admin/bibliotheques/import');
    expect(page.body).toContain('code;nom;ville;courriel');
    expect(page.body).toContain('enctype="multipart/form-data"');
    const template = await admin.get('/admin/bibliotheques/import/modele.csv');
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-type']).toContain('text/csv');
    expect(template.body).toContain('code;nom;ville;courriel');
  });

  it('creates new codes and updates existing ones, then says how many', async () => {
    const csv = [
      'code;nom;ville;courriel',
      'IMP001;Médiathèque « Les Saules », annexe;Saint-Exemple;saules@exemple.fr',
      `${libB.code};Bibliothèque Bêta (rénovée);Bêta-Ville;beta@exemple.fr`,
    ].join('\r\n');
    const res = await upload(admin, { name: 'bibliotheques.csv', content: `\uFEFF${csv}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/bibliotheques');
    expect((await admin.get('/admin/bibliotheques')).body).toContain(
      'Import terminé : 1 bibliothèque créée, 1 mise à jour.',
    );
    expect(await findLibraryByCode(db(), 'IMP001')).toMatchObject({
      name: 'Médiathèque « Les Saules », annexe',
      town: 'Saint-Exemple',
    });
    expect(await library(libB.id)).toMatchObject({ name: 'Bibliothèque Bêta (rénovée)', town: 'Bêta-Ville' });
    libB = await library(libB.id);
  });

  it('imports nothing when one line is bad, and lists every bad line with its number', async () => {
    const before = await allLibraries();
    const csv = [
      'code,nom,ville,courriel',
      'IMP101,Bonne ligne,Ville,bonne@exemple.fr',
      `${libA.code},Mise à jour qui ne doit pas passer,Ville,maj@exemple.fr`,
      'IMP102,,Ville,sans-nom@exemple.fr',
      'IMP103,Mauvais courriel,Ville,pas-une-adresse',
    ].join('\n');
    const res = await upload(admin, { name: 'avec-erreurs.csv', content: csv });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Le fichier n’a pas été importé : 2 lignes sont à corriger');
    expect(res.body).toContain('<caption>Lignes à corriger dans « avec-erreurs.csv »</caption>');
    expect(res.body).toContain('<th scope="col">Ligne</th>');
    expect(res.body).toMatch(/<th scope="row">4<\/th><td>nom manquant<\/td>/);
    expect(res.body).toMatch(/<th scope="row">5<\/th><td>courriel « pas-une-adresse » invalide<\/td>/);
    expect(await allLibraries()).toEqual(before);
  });

  it('explains a missing file, a workbook and a file over 2 Mo without importing anything', async () => {
    const before = await allLibraries();
    const none = await upload(admin, null);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choisissez le fichier CSV à importer.');
    const empty = await upload(admin, { name: '', content: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choisissez le fichier CSV à importer.');

    const xlsx = await upload(admin, {
      name: 'bibliotheques.xlsx',
      content: Buffer.from('PK\u0003\u0004rest-of-zip'),
    });
    expect(xlsx.statusCode).toBe(400);
    expect(xlsx.body).toContain('Ce fichier est un classeur Excel');

    const line = 'BIG;Nom;Ville;big@exemple.fr\n';
    const big = await upload(admin, {
      name: 'enorme.csv',
      content: `code;nom;ville;courriel\n${line.repeat(Math.ceil((2 * 1024 * 1024) / line.length) + 10)}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('Le fichier dépasse la taille maximale de 2 Mo.');
    expect(await allLibraries()).toEqual(before);
  });

  it('refuses a forged upload without the CSRF token (403) and imports nothing', async () => {
    const before = await allLibraries();
    const csv = 'code;nom;ville;courriel\nFORGED1;Forgée;Ville;forgee@exemple.fr';
    await admin.get('/admin/bibliotheques/import');
    const res = await upload(
      admin,
      { name: 'x.csv', content: csv },
      { action: '/admin/bibliotheques/import', csrf: '' },
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Formulaire expiré');
    const wrong = await upload(admin, { name: 'x.csv', content: csv }, { csrf: 'faux' });
    expect(wrong.statusCode).toBe(403);
    // A token in the URL is no longer read (it would reach logs and Referer headers).
    const page = await admin.get('/admin/bibliotheques/import');
    expect(page.body).not.toContain('?_csrf=');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const inQuery = await upload(
      admin,
      { name: 'x.csv', content: csv },
      { action: `/admin/bibliotheques/import?_csrf=${encodeURIComponent(token)}`, csrf: '' },
    );
    expect(inQuery.statusCode).toBe(403);
    expect(await allLibraries()).toEqual(before);
  });

  it('is for network administrators only', async () => {
    expect((await staffA.get('/admin/bibliotheques/import')).statusCode).toBe(403);
    const page = await staffA.get('/admin/bibliotheques');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const before = await allLibraries();
    const res = await upload(
      staffA,
      { name: 'x.csv', content: 'code;nom;ville;courriel\nSTAFF1;Par le personnel;Ville;staff@exemple.fr' },
      { action: '/admin/bibliotheques/import', csrf: token },
    );
    expect(res.statusCode).toBe(403);
    expect(await allLibraries()).toEqual(before);
  });
});

// Last in the file: it adds 300 libraries.
describe('a network of 300 libraries', () => {
  it('lists them 50 a page, with pages that keep the search and the filter', async () => {
    await db()
      .insert(libraries)
      .values(
        Array.from({ length: 300 }, (_, i) => ({
          code: `P${String(i).padStart(3, '0')}`,
          name: `Réseau Page ${String(i).padStart(3, '0')}`,
          town: i % 2 ? 'Impairville' : 'Pairville',
          email: `page${i}@exemple.fr`,
        })),
      );
    const total = (await allLibraries()).length;
    const rowsOf = (html: string) => html.match(/<th scope="row"><a href="\/admin\/bibliotheques\//g) ?? [];

    const first = await admin.get('/admin/bibliotheques');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(`${total} bibliothèques`);
    expect(rowsOf(first.body)).toHaveLength(50);
    const pages = Math.ceil(total / 50);
    expect(first.body).toContain(`Bibliothèques du réseau, page 1 sur ${pages}`);
    expect(first.body).toContain('href="/admin/bibliotheques?page=2"');

    const last = await admin.get(`/admin/bibliotheques?page=${pages}`);
    expect(rowsOf(last.body)).toHaveLength(total - 50 * (pages - 1));
    // Past the end: the last page, not an empty one.
    expect(rowsOf((await admin.get('/admin/bibliotheques?page=999')).body)).toHaveLength(
      total - 50 * (pages - 1),
    );

    const town = await admin.get('/admin/bibliotheques?q=impairville');
    expect(town.body).toContain('150 bibliothèques');
    expect(town.body).toContain('href="/admin/bibliotheques?q=impairville&amp;page=2"');
    const secondOfTown = await admin.get('/admin/bibliotheques?q=impairville&page=3');
    expect(rowsOf(secondOfTown.body)).toHaveLength(50);
    expect(secondOfTown.body).not.toContain('Pairville<');

    const one = await admin.get('/admin/bibliotheques?q=P123');
    expect(rowsOf(one.body)).toHaveLength(1);
    expect(one.body).toContain('Réseau Page 123');
    expect(one.body).not.toContain('fr-pagination');
  });
});
