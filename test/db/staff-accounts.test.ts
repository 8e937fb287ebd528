import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findStaffById } from '../../src/db/repositories/staff.js';
import { events, outbox, sessions, staff as staffTable } from '../../src/db/schema.js';
import { type StaffActor, scopeFor } from '../../src/domain/actor.js';
import { DomainError, ValidationError } from '../../src/domain/errors.js';
import type { Deps } from '../../src/usecases/deps.js';
import { disableStaff } from '../../src/usecases/network/disable-staff.js';
import { updateStaff } from '../../src/usecases/network/update-staff.js';
import { addLibrary, addStaff, createTestApp, TEST_BASE_URL, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';
import { addPatron } from '../helpers/decision-fixtures.js';

let ctx: TestContext;
let libA: { id: string; name: string };
let admin: TestBrowser;
let adminId: string;
let staffA: TestBrowser;
let ipCounter = 10;
const browser = () => new TestBrowser(ctx.app, `198.51.100.${ipCounter++}`);

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  const a = await addStaff(ctx, { identifier: 'admin-comptes', role: 'network_admin', name: 'Admin Réseau' });
  adminId = a.id;
  const sA = await addStaff(ctx, { identifier: 'agent-alpha', libraryIds: [libA.id] });
  admin = browser();
  staffA = browser();
  expect((await admin.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staffA.logIn(sA.identifier, sA.password)).statusCode).toBe(303);
});
afterAll(() => ctx.close());
beforeEach(() => ctx.clock.set('2026-11-23T09:00:00Z'));

const db = () => ctx.database.db;
const staffCount = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(staffTable))[0]!.n;
const outboxCount = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(outbox))[0]!.n;
const mailsTo = (address: string) =>
  db().select().from(outbox).where(eq(outbox.toAddress, address)).orderBy(asc(outbox.id));
const staffEvents = (id: string) =>
  db()
    .select()
    .from(events)
    .where(and(eq(events.subjectKind, 'staff'), eq(events.subjectId, id)))
    .orderBy(asc(events.id));
const linkIn = (text: string) => new RegExp(`${TEST_BASE_URL}(/mot-de-passe/[A-Za-z0-9_-]+)`).exec(text)![1]!;
const actorOf = (row: {
  id: string;
  name: string;
  identifier: string;
  role: StaffActor['role'];
}): StaffActor => ({
  kind: 'staff',
  id: row.id,
  name: row.name,
  identifier: row.identifier,
  role: row.role,
  scope: scopeFor(row.role, []),
});

describe('list of accounts', () => {
  it('shows every account with its role, libraries and state', async () => {
    const disabled = await addStaff(ctx, { identifier: 'ancien-agent', libraryIds: [libA.id] });
    await db().update(staffTable).set({ disabledAt: ctx.clock.now() }).where(eq(staffTable.id, disabled.id));
    const res = await admin.get('/admin/comptes');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      '<caption>Comptes des bibliothèques et de l’administration du réseau</caption>',
    );
    expect(res.body).toContain('admin-comptes');
    expect(res.body).toContain('Administration du réseau');
    expect(res.body).toContain('Médiathèque Alpha');
    expect(res.body).toMatch(/ancien-agent[\s\S]*?Désactivé/);
    expect(res.body).toContain('Actif');
    // The name opens the account as the identifiant does: people click on names.
    expect(res.body).toContain(
      `<th scope="row"><a href="/admin/comptes/${disabled.id}">${disabled.name}</a></th>`,
    );
  });

  it('is closed to library staff (403) on every page and action, and nothing changes', async () => {
    const target = await addStaff(ctx, { identifier: 'cible-interdite', libraryIds: [libA.id] });
    for (const url of ['/admin/comptes', '/admin/comptes/nouveau', `/admin/comptes/${target.id}`])
      expect((await staffA.get(url)).statusCode, url).toBe(403);
    const before = await outboxCount();
    for (const action of ['desactiver', 'reinitialiser'])
      expect(
        (await staffA.post(`/admin/comptes/${target.id}/${action}`, {}, { from: '/admin' })).statusCode,
        action,
      ).toBe(403);
    const created = await staffA.post(
      '/admin/comptes/nouveau',
      { identifier: 'par-le-personnel', name: 'X', email: 'x@exemple.fr', role: 'network_admin' },
      { from: '/admin' },
    );
    expect(created.statusCode).toBe(403);
    expect((await findStaffById(db(), target.id))?.disabledAt).toBeNull();
    expect(await outboxCount()).toBe(before);
    expect(await staffEvents(target.id)).toEqual([]);
  });
});

describe('creating an account', () => {
  it('creates a library account without password and e-mails a set-password link that works', async () => {
    const res = await admin.post('/admin/comptes/nouveau', {
      identifier: '5212345',
      name: 'Marie Exemple',
      email: 'Marie.Exemple@Exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    expect(res.statusCode).toBe(303);
    const [row] = await db().select().from(staffTable).where(eq(staffTable.identifier, '5212345'));
    expect(row).toMatchObject({
      role: 'library_staff',
      email: 'marie.exemple@exemple.fr',
      passwordHash: null,
    });
    expect((await findStaffById(db(), row!.id))?.libraryIds).toEqual([libA.id]);
    expect(res.headers.location).toBe(`/admin/comptes/${row!.id}`);

    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain(
      'Compte créé : un courriel « Définissez votre mot de passe » a été envoyé à marie.exemple@exemple.fr.',
    );
    expect(page.body).toContain('Mot de passe jamais défini');
    const [mail] = await mailsTo('marie.exemple@exemple.fr');
    expect(mail?.subject).toContain('Définissez votre mot de passe');
    expect((await browser().get(linkIn(mail!.text))).statusCode).toBe(200);
    expect((await admin.get('/admin/comptes')).body).toMatch(
      /marie\.exemple[\s\S]*?Mot de passe jamais défini/,
    );
  });

  it('creates a network administrator without any library', async () => {
    const res = await admin.post('/admin/comptes/nouveau', {
      identifier: 'second-admin',
      name: 'Second Admin',
      email: 'second.admin@exemple.fr',
      role: 'network_admin',
      libraryId: libA.id,
    });
    expect(res.statusCode).toBe(303);
    const [row] = await db().select().from(staffTable).where(eq(staffTable.identifier, 'second-admin'));
    expect(row?.role).toBe('network_admin');
    expect((await findStaffById(db(), row!.id))?.libraryIds).toEqual([]);
  });

  it('explains each bad field, keeps what was typed and writes nothing (no account, no e-mail)', async () => {
    const [accounts, mails] = [await staffCount(), await outboxCount()];
    const res = await admin.post('/admin/comptes/nouveau', {
      identifier: 'hélène',
      name: '',
      email: 'helene@',
      role: 'library_staff',
      libraryId: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('L’identifiant ne peut contenir que des lettres sans accent');
    expect(res.body).toContain('Saisissez le nom de la personne.');
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('Choisissez la bibliothèque de ce compte.');
    expect(res.body).toContain('value="hélène"');
    expect(res.body).toContain('value="helene@"');
    expect(res.body).toMatch(/value="library_staff" checked/);

    const noRole = await admin.post('/admin/comptes/nouveau', {
      identifier: 'sans-role',
      name: 'Sans rôle',
      email: 'sans.role@exemple.fr',
    });
    expect(noRole.statusCode).toBe(400);
    expect(noRole.body).toContain('Choisissez le rôle du compte.');
    expect(await staffCount()).toBe(accounts);
    expect(await outboxCount()).toBe(mails);
  });

  it('checks a library account’s identifier against the network’s format (52#####), with a hint', async () => {
    const form = await admin.get('/admin/comptes/nouveau');
    expect(form.body).toContain(
      'Compte de bibliothèque : format 52##### (chaque # est un chiffre, par exemple 5211111)',
    );
    const res = await admin.post('/admin/comptes/nouveau', {
      identifier: 'paul.exemple',
      name: 'Paul Exemple',
      email: 'paul.exemple@exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      'L’identifiant d’un compte de bibliothèque doit suivre le format du réseau : 52##### (chaque # est un chiffre), par exemple 5200000.',
    );
    expect(res.body).toContain('value="paul.exemple"');
    expect(await db().select().from(staffTable).where(eq(staffTable.identifier, 'paul.exemple'))).toEqual([]);
    // 52 followed by four digits is not the format either.
    const short = await admin.post('/admin/comptes/nouveau', {
      identifier: '521234',
      name: 'Paul Exemple',
      email: 'paul.exemple@exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    expect(short.statusCode).toBe(400);
    // A network administrator's account is not a library's Moselia identifier.
    const adminAccount = await admin.post('/admin/comptes/nouveau', {
      identifier: 'paul.reseau',
      name: 'Paul Réseau',
      email: 'paul.reseau@exemple.fr',
      role: 'network_admin',
    });
    expect(adminAccount.statusCode).toBe(303);
  });

  it('refuses an identifier already used, whatever its case, and writes nothing', async () => {
    const [accounts, mails] = [await staffCount(), await outboxCount()];
    const res = await admin.post('/admin/comptes/nouveau', {
      identifier: 'AGENT-ALPHA',
      name: 'Homonyme',
      email: 'homonyme@exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Cet identifiant est déjà utilisé.');
    expect(res.body).toContain('value="Homonyme"');
    expect(await staffCount()).toBe(accounts);
    expect(await outboxCount()).toBe(mails);
  });

  it('shows a forged unknown library next to the library field, and writes nothing', async () => {
    const [accounts, mails] = [await staffCount(), await outboxCount()];
    const res = await admin.post('/admin/comptes/nouveau', {
      identifier: 'agent-fantome',
      name: 'Agent fantôme',
      email: 'fantome@exemple.fr',
      role: 'library_staff',
      libraryId: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(
      /id="champ-libraryId-message"[^>]*><p class="fr-message fr-message--error">Bibliothèque inconnue\./,
    );
    expect(res.body).toContain('value="agent-fantome"');
    expect(await staffCount()).toBe(accounts);
    expect(await outboxCount()).toBe(mails);
  });

  it('pre-selects the library when coming from a library’s page', async () => {
    const res = await admin.get(`/admin/comptes/nouveau?bibliotheque=${libA.id}`);
    expect(res.body).toMatch(new RegExp(`<option value="${libA.id}" selected`));
  });
});

describe('disabling and re-enabling an account', () => {
  it('ends the account’s sessions at once, refuses its logins, then lets it back in', async () => {
    const target = await addStaff(ctx, { identifier: 'a-desactiver', libraryIds: [libA.id] });
    const victim = browser();
    await victim.logIn(target.identifier, target.password);
    expect((await victim.get('/admin')).statusCode).toBe(200);

    const res = await admin.post(
      `/admin/comptes/${target.id}/desactiver`,
      {},
      { from: `/admin/comptes/${target.id}` },
    );
    expect(res.statusCode).toBe(303);
    expect((await admin.get(`/admin/comptes/${target.id}`)).body).toContain('Compte a-desactiver désactivé');
    expect((await findStaffById(db(), target.id))?.disabledAt).toEqual(ctx.clock.now());
    expect(await db().select().from(sessions).where(eq(sessions.principalId, target.id))).toEqual([]);
    const after = await victim.get('/admin');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/connexion/);
    const login = await browser().logIn(target.identifier, target.password);
    expect(login.body).toContain('Ce compte est désactivé.');

    const back = await admin.post(
      `/admin/comptes/${target.id}/reactiver`,
      {},
      { from: `/admin/comptes/${target.id}` },
    );
    expect(back.statusCode).toBe(303);
    expect((await findStaffById(db(), target.id))?.disabledAt).toBeNull();
    expect((await browser().logIn(target.identifier, target.password)).headers.location).toBe('/admin');
    expect((await staffEvents(target.id)).map((e) => e.action)).toEqual(['staff_disabled', 'staff_enabled']);
  });

  it('refuses disabling your own account, with a French message, changing nothing', async () => {
    const res = await admin.post(
      `/admin/comptes/${adminId}/desactiver`,
      {},
      { from: `/admin/comptes/${adminId}` },
    );
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Vous ne pouvez pas désactiver votre propre compte.');
    expect((await findStaffById(db(), adminId))?.disabledAt).toBeNull();
    expect((await admin.get('/admin')).statusCode).toBe(200);
  });

  it('never leaves the network without an active administrator', async () => {
    const one = await addStaff(ctx, { identifier: 'admin-un', role: 'network_admin' });
    const two = await addStaff(ctx, { identifier: 'admin-deux', role: 'network_admin' });
    // Only these two are active administrators for this test.
    const others = await db()
      .update(staffTable)
      .set({ disabledAt: ctx.clock.now() })
      .where(and(eq(staffTable.role, 'network_admin'), sql`${staffTable.id} not in (${one.id}, ${two.id})`))
      .returning({ id: staffTable.id });
    try {
      const deps: Deps = ctx.deps;
      await disableStaff(deps, actorOf(one), two.id);
      // "one" is the last one: "two", disabled a moment ago but still acting, cannot remove it.
      await expect(disableStaff(deps, actorOf(two), one.id)).rejects.toMatchObject({
        code: 'last_admin',
        message: expect.stringContaining('dernier compte d’administration du réseau'),
      });
      expect((await findStaffById(db(), one.id))?.disabledAt).toBeNull();
    } finally {
      for (const o of others)
        await db().update(staffTable).set({ disabledAt: null }).where(eq(staffTable.id, o.id));
    }
  });

  // Two connection pools racing: defined only on PostgreSQL.
  if (onPostgres)
    it('keeps one administrator when two disable each other at the same moment', async () => {
      const one = await addStaff(ctx, { identifier: 'admin-simultane-1', role: 'network_admin' });
      const two = await addStaff(ctx, { identifier: 'admin-simultane-2', role: 'network_admin' });
      const others = await db()
        .update(staffTable)
        .set({ disabledAt: ctx.clock.now() })
        .where(and(eq(staffTable.role, 'network_admin'), sql`${staffTable.id} not in (${one.id}, ${two.id})`))
        .returning({ id: staffTable.id });
      const second = ctx.openAnother();
      try {
        const results = await Promise.allSettled([
          disableStaff(ctx.deps, actorOf(one), two.id),
          disableStaff({ ...ctx.deps, db: second.db }, actorOf(two), one.id),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(DomainError);
        expect(rejected.reason.code).toBe('last_admin');
        const active = await db()
          .select()
          .from(staffTable)
          .where(and(eq(staffTable.role, 'network_admin'), isNull(staffTable.disabledAt)));
        expect(active).toHaveLength(1);
      } finally {
        for (const o of [...others, one, two])
          await db().update(staffTable).set({ disabledAt: null }).where(eq(staffTable.id, o.id));
      }
    });

  it('says so when the account is already disabled', async () => {
    const target = await addStaff(ctx, { identifier: 'deja-desactive', libraryIds: [libA.id] });
    await admin.post(`/admin/comptes/${target.id}/desactiver`, {}, { from: `/admin/comptes/${target.id}` });
    const again = await admin.post(
      `/admin/comptes/${target.id}/desactiver`,
      {},
      { from: `/admin/comptes/${target.id}` },
    );
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Ce compte est déjà désactivé.');
    expect((await staffEvents(target.id)).filter((e) => e.action === 'staff_disabled')).toHaveLength(1);
  });
});

describe('sending a new password link', () => {
  it('e-mails a new link through the outbox and makes the previous one useless', async () => {
    const created = await admin.post('/admin/comptes/nouveau', {
      identifier: '5200374',
      name: 'Lien Perdu',
      email: 'lien.perdu@exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    const id = (created.headers.location as string).split('/').at(-1)!;
    const [first] = await mailsTo('lien.perdu@exemple.fr');

    const res = await admin.post(`/admin/comptes/${id}/reinitialiser`, {}, { from: `/admin/comptes/${id}` });
    expect(res.statusCode).toBe(303);
    expect((await admin.get(`/admin/comptes/${id}`)).body).toContain(
      'Un courriel « Définissez votre mot de passe » a été envoyé à lien.perdu@exemple.fr.',
    );
    const mails = await mailsTo('lien.perdu@exemple.fr');
    expect(mails).toHaveLength(2);
    expect(mails[1]?.subject).toContain('Définissez votre mot de passe');
    expect((await browser().get(linkIn(first!.text))).statusCode).toBe(410);
    expect((await browser().get(linkIn(mails[1]!.text))).statusCode).toBe(200);
    expect((await staffEvents(id)).map((e) => e.action)).toEqual([
      'staff_created',
      'staff_password_link_sent',
    ]);
  });

  it('tells an account that already has a password that it stays valid until a new one is chosen', async () => {
    const target = await addStaff(ctx, {
      identifier: 'deja-mdp',
      email: 'deja.mdp@exemple.fr',
      libraryIds: [libA.id],
    });
    await admin.post(
      `/admin/comptes/${target.id}/reinitialiser`,
      {},
      { from: `/admin/comptes/${target.id}` },
    );
    const [mail] = await mailsTo('deja.mdp@exemple.fr');
    expect(mail?.template).toBe('staff_password_link');
    expect(mail?.text).toContain('Votre mot de passe actuel reste valable');
    expect((await browser().logIn(target.identifier, target.password)).headers.location).toBe('/admin');
  });

  it('refuses a disabled account, sending nothing', async () => {
    const target = await addStaff(ctx, { identifier: 'desactive-lien', email: 'desactive.lien@exemple.fr' });
    await admin.post(`/admin/comptes/${target.id}/desactiver`, {}, { from: `/admin/comptes/${target.id}` });
    const res = await admin.post(
      `/admin/comptes/${target.id}/reinitialiser`,
      {},
      { from: `/admin/comptes/${target.id}` },
    );
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('réactivez-le avant de lui envoyer un lien');
    expect(await mailsTo('desactive.lien@exemple.fr')).toEqual([]);
  });
});

describe('unknown accounts', () => {
  it('answer 404 on the page and on every action', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await admin.get(`/admin/comptes/${unknown}`)).statusCode).toBe(404);
    expect((await admin.get('/admin/comptes/pas-un-uuid')).statusCode).toBe(404);
    for (const action of ['desactiver', 'reactiver', 'reinitialiser'])
      expect(
        (await admin.post(`/admin/comptes/${unknown}/${action}`, {}, { from: '/admin/comptes' })).statusCode,
        action,
      ).toBe(404);
  });
});

describe('correcting an account', () => {
  it('changes name, e-mail and library; the person sees the new library at once; old links stop working', async () => {
    const libB = await addLibrary(ctx, 'Bibliothèque Bêta');
    const patronA = await addPatron(ctx, libA.id, { lastName: 'Alphandéry' });
    const patronB = await addPatron(ctx, libB.id, { lastName: 'Bétourné' });
    const created = await admin.post('/admin/comptes/nouveau', {
      identifier: '5200449',
      name: 'Agent Mobile',
      email: 'agent.mobile@exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    const id = (created.headers.location as string).split('/').at(-1)!;
    const [firstMail] = await mailsTo('agent.mobile@exemple.fr');
    const oldLink = linkIn(firstMail!.text);

    const form = await admin.get(`/admin/comptes/${id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Agent Mobile"');
    expect(form.body).toContain('value="agent.mobile@exemple.fr"');
    expect(form.body).toMatch(new RegExp(`<option value="${libA.id}" selected`));

    const res = await admin.post(`/admin/comptes/${id}/modifier`, {
      name: 'Agente Mobile',
      email: 'Agente.Mobile@Exemple.fr',
      role: 'library_staff',
      libraryId: libB.id,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/comptes/${id}`);
    const page = await admin.get(`/admin/comptes/${id}`);
    expect(page.body).toContain(
      'Compte 5200449 modifié. Les liens envoyés à l’ancienne adresse ne fonctionnent plus',
    );
    expect(page.body).toContain('Compte modifié');
    expect(await findStaffById(db(), id)).toMatchObject({
      name: 'Agente Mobile',
      email: 'agente.mobile@exemple.fr',
      libraryIds: [libB.id],
    });
    const [event] = (await staffEvents(id)).filter((e) => e.action === 'staff_updated');
    expect(event!.data).toEqual({
      identifier: '5200449',
      fields: ['name', 'email', 'libraryIds'],
      before: { name: 'Agent Mobile', email: 'agent.mobile@exemple.fr', libraryIds: [libA.id] },
      after: { name: 'Agente Mobile', email: 'agente.mobile@exemple.fr', libraryIds: [libB.id] },
    });
    // The link sent to the old address no longer sets a password.
    expect((await browser().get(oldLink)).statusCode).not.toBe(200);

    // The person, once signed in, sees library B's patrons and no longer library A's.
    const fresh = await admin.post(`/admin/comptes/${id}/reinitialiser`, {});
    expect(fresh.statusCode).toBe(303);
    const newMail = (await mailsTo('agente.mobile@exemple.fr')).at(-1);
    const person = browser();
    const setPage = linkIn(newMail!.text);
    const set = await person.post(
      setPage,
      { password: 'Nouveau-mot-de-passe-42', confirmation: 'Nouveau-mot-de-passe-42' },
      { from: setPage },
    );
    expect(set.statusCode).toBe(303);
    expect((await person.logIn('5200449', 'Nouveau-mot-de-passe-42')).statusCode).toBe(303);
    expect((await person.get(`/admin/usagers/${patronB.id}`)).statusCode).toBe(200);
    expect((await person.get(`/admin/usagers/${patronA.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input next to each field, keeps what was typed, changes nothing', async () => {
    const target = await addStaff(ctx, { identifier: 'agent-fautes', libraryIds: [libA.id] });
    const res = await admin.post(`/admin/comptes/${target.id}/modifier`, {
      name: '   ',
      email: 'pas-une-adresse',
      role: 'library_staff',
      libraryId: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez le nom de la personne.');
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('Choisissez la bibliothèque de ce compte.');
    expect(res.body).toContain('value="pas-une-adresse"');
    const unknown = await admin.post(`/admin/comptes/${target.id}/modifier`, {
      name: 'Nom',
      email: 'nom@exemple.fr',
      role: 'library_staff',
      libraryId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(
      /id="champ-libraryId-message"[^>]*><p class="fr-message fr-message--error">Bibliothèque inconnue\./,
    );
    expect(await findStaffById(db(), target.id)).toMatchObject({
      name: target.name,
      email: target.email,
      libraryIds: [libA.id],
    });
    expect(await staffEvents(target.id)).toEqual([]);
    expect((await admin.get('/admin/comptes/00000000-0000-4000-8000-000000000000/modifier')).statusCode).toBe(
      404,
    );
  });

  it('keeps every library of an account that has several when one of them stays chosen', async () => {
    const libC = await addLibrary(ctx, 'Médiathèque Gamma');
    const target = await addStaff(ctx, { identifier: 'agent-deux-sites', libraryIds: [libA.id, libC.id] });
    const page = await admin.get(`/admin/comptes/${target.id}/modifier`);
    expect(page.body).toContain('Ce compte dépend de 2 bibliothèques');
    const kept = await admin.post(`/admin/comptes/${target.id}/modifier`, {
      name: 'Agent des deux sites',
      email: target.email,
      role: 'library_staff',
      libraryId: libC.id,
    });
    expect(kept.statusCode).toBe(303);
    expect(await findStaffById(db(), target.id)).toMatchObject({
      name: 'Agent des deux sites',
      libraryIds: [libA.id, libC.id].sort(),
    });
    // The same form again changes nothing, and says so.
    const same = await admin.post(`/admin/comptes/${target.id}/modifier`, {
      name: 'Agent des deux sites',
      email: target.email,
      role: 'library_staff',
      libraryId: libA.id,
    });
    expect(same.statusCode).toBe(303);
    expect((await admin.get(`/admin/comptes/${target.id}`)).body).toContain(
      'Aucune modification : le compte est inchangé.',
    );
    expect((await staffEvents(target.id)).filter((e) => e.action === 'staff_updated')).toHaveLength(1);
    await admin.post(`/admin/comptes/${target.id}/modifier`, {
      name: 'Agent des deux sites',
      email: target.email,
      role: 'network_admin',
      libraryId: '',
    });
    expect(await findStaffById(db(), target.id)).toMatchObject({ role: 'network_admin', libraryIds: [] });
  });

  it('never lets an administrator change their own role nor leave the network without an administrator', async () => {
    const own = await admin.post(`/admin/comptes/${adminId}/modifier`, {
      name: 'Admin Réseau',
      email: 'admin-comptes@exemple.fr',
      role: 'library_staff',
      libraryId: libA.id,
    });
    expect(own.statusCode).toBe(400);
    expect(own.body).toContain('Vous ne pouvez pas changer votre propre rôle');
    expect((await findStaffById(db(), adminId))?.role).toBe('network_admin');

    // Another administrator, alone with this one: demoting either is refused by the use case
    // when it would leave none active.
    const other = await addStaff(ctx, { identifier: 'admin-seul', role: 'network_admin' });
    const admins = await db()
      .select({ id: staffTable.id })
      .from(staffTable)
      .where(and(eq(staffTable.role, 'network_admin'), isNull(staffTable.disabledAt)));
    for (const a of admins)
      if (a.id !== adminId && a.id !== other.id)
        await db().update(staffTable).set({ disabledAt: ctx.clock.now() }).where(eq(staffTable.id, a.id));
    await disableStaff(ctx.deps as Deps, actorOf({ ...other, role: 'network_admin' }), adminId);
    const last = updateStaff(
      ctx.deps as Deps,
      actorOf({ id: adminId, name: 'A', identifier: 'a', role: 'network_admin' }),
      other.id,
      {
        name: other.name,
        email: other.email,
        role: 'library_staff',
        libraryId: libA.id,
      },
    );
    await expect(last).rejects.toThrow(ValidationError);
    expect((await findStaffById(db(), other.id))?.role).toBe('network_admin');
    await db().update(staffTable).set({ disabledAt: null }).where(eq(staffTable.id, adminId));
  });

  it('is closed to library staff, whatever they forge', async () => {
    const target = await addStaff(ctx, { identifier: 'cible-modif', libraryIds: [libA.id] });
    expect((await staffA.get(`/admin/comptes/${target.id}/modifier`)).statusCode).toBe(403);
    const forged = await staffA.post(
      `/admin/comptes/${target.id}/modifier`,
      { name: 'Pirate', email: 'pirate@exemple.fr', role: 'network_admin', libraryId: '' },
      { from: '/admin' },
    );
    expect(forged.statusCode).toBe(403);
    expect(await findStaffById(db(), target.id)).toMatchObject({ name: target.name, role: 'library_staff' });
    expect(await staffEvents(target.id)).toEqual([]);
  });
});
