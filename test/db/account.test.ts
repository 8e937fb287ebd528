import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { insertLibrary } from '../../src/db/repositories/libraries.js';
import { enqueueMail } from '../../src/db/repositories/outbox.js';
import type { NewPatron, PatronRow } from '../../src/db/repositories/patrons.js';
import { consultations, events, outbox, resources, sessions, tokens } from '../../src/db/schema.js';
import { DAY } from '../../src/domain/clock.js';
import { hashPassword } from '../../src/security/passwords.js';
import { HIDDEN_LINK, hideSecretLinks } from '../../src/usecases/account/patron-messages.js';
import { addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, mailsTo, patronEvents, patronRow } from '../helpers/decision-fixtures.js';

/**
 * "Mon compte" (issue 5): newsletter, password and e-mail changes, messages received, data
 * download and account deletion, on the MDO profile (password rule with four classes).
 */

const PASSWORD = 'Lune-de-miel-42';
const CHANGE_LINK = /http:\/\/sesame\.test\/mon-compte\/courriel\/([A-Za-z0-9_-]+)/;

let ctx: TestContext;
let libA: Library;
let libB: Library;
let passwordHash: string;
let n = 0;

function browser(): TestBrowser {
  n++;
  return new TestBrowser(ctx.app, `198.51.100.${n}`);
}

/** An active patron of library A with a known password, and a browser logged in as them. */
async function loggedInPatron(
  values: Partial<NewPatron> = {},
): Promise<{ patron: PatronRow; b: TestBrowser }> {
  n++;
  const patron = await addPatron(ctx, libA.id, {
    state: 'active',
    activeUntil: '2027-06-30',
    pendingSince: null,
    decision: 'accepted',
    decidedAt: new Date(ctx.clock.now().getTime() - 30 * DAY),
    firstName: 'Zoé',
    lastName: 'N’Diaye-Lefèvre',
    email: `zoe.ndiaye${n}@exemple.fr`,
    identifier: `zndiaye${n}`,
    passwordHash,
    newsletter: true,
    ...values,
  });
  const b = browser();
  const res = await b.logIn(patron.identifier!, PASSWORD);
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/mon-compte');
  return { patron, b };
}

async function sessionCount(patronId: string): Promise<number> {
  const [row] = await ctx.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.principalKind, 'patron'), eq(sessions.principalId, patronId)));
  return row!.n;
}

function flash(b: TestBrowser): string {
  return decodeURIComponent(String(b.cookies.get('sesame_flash') ?? ''));
}

beforeAll(async () => {
  ctx = await createTestApp({ profile: 'mdo' });
  libA = await insertLibrary(ctx.database.db, {
    code: 'MDO-A',
    name: 'Médiathèque de Crèvecœur',
    town: 'Crèvecœur-le-Grand',
    email: 'crevecoeur@exemple.fr',
  });
  libB = await insertLibrary(ctx.database.db, {
    code: 'MDO-B',
    name: 'Bibliothèque de Lamorlaye',
    town: 'Lamorlaye',
    email: 'lamorlaye@exemple.fr',
  });
  passwordHash = await hashPassword(PASSWORD);
});

afterAll(async () => {
  await ctx?.close();
});

describe('Mon compte', () => {
  it('shows the profile read-only with the hint, the newsletter choice and the settings', async () => {
    const { b } = await loggedInPatron();
    const res = await b.get('/mon-compte');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Actif jusqu’au 30/06/2027');
    expect(res.body).toContain('Nom et date de naissance sont corrigés par votre bibliothèque : écrivez-lui');
    expect(res.body).toContain('href="mailto:crevecoeur@exemple.fr"');
    expect(res.body).toMatch(/name="newsletter" value="oui" checked/);
    expect(res.body).toContain('href="/mon-compte/mot-de-passe"');
    expect(res.body).toContain('href="/mon-compte/courriel"');
    expect(res.body).toContain('href="/mon-compte/donnees"');
    expect(res.body).toContain('href="/mon-compte/supprimer"');
    // Read-only: no field to type a name or a birth date.
    expect(res.body).not.toContain('name="lastName"');
    expect(res.body).not.toContain('name="birthDate"');
  });

  it('is the patron’s only: staff get 403, visitors go to the login page', async () => {
    const staff = await addStaff(ctx, { identifier: 'agent.a', libraryIds: [libA.id] });
    const s = browser();
    await s.logIn(staff.identifier, staff.password);
    for (const url of [
      '/mon-compte/mot-de-passe',
      '/mon-compte/donnees',
      '/mon-compte/donnees.json',
      '/mon-compte/messages',
    ])
      expect((await s.get(url)).statusCode).toBe(403);
    const visitor = browser();
    const res = await visitor.get('/mon-compte/donnees.json');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/connexion\?suite=/);
  });
});

describe('newsletter', () => {
  it('records Oui / Non, once per real change', async () => {
    const { patron, b } = await loggedInPatron({ newsletter: true });
    let res = await b.post('/mon-compte/newsletter', { newsletter: 'non' }, { from: '/mon-compte' });
    expect(res.statusCode).toBe(303);
    expect(flash(b)).toContain('vous ne recevrez plus la newsletter');
    expect((await patronRow(ctx, patron.id)).newsletter).toBe(false);
    res = await b.post('/mon-compte/newsletter', { newsletter: 'non' }, { from: '/mon-compte' });
    expect(res.statusCode).toBe(303);
    const changes = (await patronEvents(ctx, patron.id)).filter((e) => e.action === 'newsletter_changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.data).toEqual({ newsletter: false });
    expect((await b.get('/mon-compte')).body).toMatch(/name="newsletter" value="non" checked/);

    await b.post('/mon-compte/newsletter', { newsletter: 'oui' }, { from: '/mon-compte' });
    expect((await patronRow(ctx, patron.id)).newsletter).toBe(true);
  });

  it('refuses a forged value and changes nothing', async () => {
    const { patron, b } = await loggedInPatron({ newsletter: false });
    const res = await b.post('/mon-compte/newsletter', { newsletter: 'peut-être' }, { from: '/mon-compte' });
    expect(res.statusCode).toBe(303);
    expect(flash(b)).toContain('Choisissez Oui ou Non');
    expect((await patronRow(ctx, patron.id)).newsletter).toBe(false);
    expect((await patronEvents(ctx, patron.id)).some((e) => e.action === 'newsletter_changed')).toBe(false);
  });

  it('needs the CSRF token', async () => {
    const { patron, b } = await loggedInPatron({ newsletter: false });
    const res = await b.post('/mon-compte/newsletter', { newsletter: 'oui' }, { csrf: null });
    expect(res.statusCode).toBe(403);
    expect((await patronRow(ctx, patron.id)).newsletter).toBe(false);
  });
});

describe('password change', () => {
  const NEW = 'Soleil-d’hiver-2027';

  it('refuses a wrong current password, nothing changed', async () => {
    const { patron, b } = await loggedInPatron();
    const res = await b.post(
      '/mon-compte/mot-de-passe',
      { currentPassword: 'Pas-le-bon-1', password: NEW, confirmation: NEW },
      { from: '/mon-compte/mot-de-passe' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Mot de passe incorrect.');
    expect(res.body).toMatch(
      /id="champ-currentPassword-message"[^>]*><p class="fr-message fr-message--error">/,
    );
    // Passwords are never echoed back.
    expect(res.body).not.toContain('Pas-le-bon-1');
    expect(res.body).not.toContain(NEW);
    expect((await patronRow(ctx, patron.id)).passwordHash).toBe(passwordHash);
    expect((await patronEvents(ctx, patron.id)).some((e) => e.action === 'password_changed')).toBe(false);
  });

  it('applies the network’s rule and names each missing part', async () => {
    const { patron, b } = await loggedInPatron();
    const res = await b.post(
      '/mon-compte/mot-de-passe',
      { currentPassword: PASSWORD, password: 'soleildhiver', confirmation: 'soleildhiver' },
      { from: '/mon-compte/mot-de-passe' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      'Le mot de passe doit contenir une lettre majuscule, un chiffre et un caractère spécial (par exemple ! ? # @ -).',
    );
    expect(res.body).toContain(
      'Au moins 8 caractères, dont une majuscule, une minuscule, un chiffre et un caractère spécial.',
    );
    expect((await patronRow(ctx, patron.id)).passwordHash).toBe(passwordHash);
  });

  it('asks for the same password twice', async () => {
    const { patron, b } = await loggedInPatron();
    const res = await b.post(
      '/mon-compte/mot-de-passe',
      { currentPassword: PASSWORD, password: NEW, confirmation: `${NEW}x` },
      { from: '/mon-compte/mot-de-passe' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Les deux mots de passe ne sont pas identiques.');
    expect((await patronRow(ctx, patron.id)).passwordHash).toBe(passwordHash);
  });

  it('refuses the current password as the new one', async () => {
    const { b } = await loggedInPatron();
    const res = await b.post(
      '/mon-compte/mot-de-passe',
      { currentPassword: PASSWORD, password: PASSWORD, confirmation: PASSWORD },
      { from: '/mon-compte/mot-de-passe' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choisissez un mot de passe différent de l’actuel.');
  });

  it('changes it, keeps this session, ends the others, and tells the patron by e-mail', async () => {
    const { patron, b } = await loggedInPatron();
    const elsewhere = browser();
    expect((await elsewhere.logIn(patron.identifier!, PASSWORD)).statusCode).toBe(303);
    expect(await sessionCount(patron.id)).toBe(2);

    const res = await b.post(
      '/mon-compte/mot-de-passe',
      { currentPassword: PASSWORD, password: NEW, confirmation: NEW },
      { from: '/mon-compte/mot-de-passe' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/mon-compte');
    expect(flash(b)).toContain('Votre mot de passe est modifié');
    expect(await sessionCount(patron.id)).toBe(1);
    expect((await b.get('/mon-compte')).statusCode).toBe(200);
    const other = await elsewhere.get('/mon-compte');
    expect(other.statusCode).toBe(303);
    expect(other.headers.location).toContain('/connexion');

    expect((await patronEvents(ctx, patron.id)).map((e) => e.action)).toContain('password_changed');
    const [mail] = await mailsTo(ctx, patron.email!);
    expect(mail!.subject).toMatch(/^Votre mot de passe a été modifié/);
    expect(mail!.patronId).toBe(patron.id);

    expect((await browser().logIn(patron.identifier!, PASSWORD)).statusCode).toBe(400);
    expect((await browser().logIn(patron.identifier!, NEW)).statusCode).toBe(303);
  });

  it('counts wrong current passwords like failed logins', async () => {
    const { patron, b } = await loggedInPatron();
    let res = await b.post('/mon-compte/mot-de-passe', {
      currentPassword: 'x',
      password: NEW,
      confirmation: NEW,
    });
    for (let i = 0; i < 6; i++)
      res = await b.post('/mon-compte/mot-de-passe', {
        currentPassword: 'x',
        password: NEW,
        confirmation: NEW,
      });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Trop d’essais');
    // Even the right password waits for the lock to end.
    res = await b.post('/mon-compte/mot-de-passe', {
      currentPassword: PASSWORD,
      password: NEW,
      confirmation: NEW,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Trop d’essais');
    expect((await patronRow(ctx, patron.id)).passwordHash).toBe(passwordHash);
  });
});

describe('e-mail change', () => {
  async function requestChange(b: TestBrowser, email: string, currentPassword = PASSWORD) {
    return b.post('/mon-compte/courriel', { email, currentPassword }, { from: '/mon-compte/courriel' });
  }

  it('sends a link to the new address and a notice to the old one; the link swaps the address', async () => {
    const { patron, b } = await loggedInPatron();
    const next = `zoe.nouvelle${n}@exemple.fr`;
    const res = await requestChange(b, next);
    expect(res.statusCode).toBe(303);
    expect(flash(b)).toContain(`Un lien de confirmation a été envoyé à ${next}`);
    let row = await patronRow(ctx, patron.id);
    expect(row.email).toBe(patron.email);
    expect(row.pendingEmail).toBe(next);
    expect((await b.get('/mon-compte')).body).toContain('Changement en attente');

    const [confirm] = await mailsTo(ctx, next);
    expect(confirm!.subject).toMatch(/^Confirmez votre nouvelle adresse/);
    expect(confirm!.patronId).toBe(patron.id);
    const [notice] = await mailsTo(ctx, patron.email!);
    expect(notice!.subject).toMatch(/^Votre adresse va changer/);
    expect(notice!.text).toContain(
      'Si ce n’est pas vous, contactez votre bibliothèque, Médiathèque de Crèvecœur',
    );
    expect(notice!.text).toContain('z***@exemple.fr');
    expect(notice!.patronId).toBe(patron.id);

    // Opened from the new mailbox, without being logged in.
    const token = CHANGE_LINK.exec(confirm!.text)![1]!;
    const page = await browser().get(`/mon-compte/courriel/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Votre nouvelle adresse est confirmée');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    row = await patronRow(ctx, patron.id);
    expect(row.email).toBe(next);
    expect(row.pendingEmail).toBeNull();
    const changed = (await patronEvents(ctx, patron.id)).find((e) => e.action === 'email_changed');
    expect(changed!.data).toEqual({ oldEmail: patron.email, newEmail: next });
    // The new address logs in.
    expect((await browser().logIn(next, PASSWORD)).statusCode).toBe(303);

    // Used twice: a clear page, nothing changes.
    const again = await browser().get(`/mon-compte/courriel/${token}`);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('Ce lien a déjà servi');
  });

  it('an expired link changes nothing and says what to do', async () => {
    const { patron, b } = await loggedInPatron();
    const next = `zoe.tardive${n}@exemple.fr`;
    await requestChange(b, next);
    const token = CHANGE_LINK.exec((await mailsTo(ctx, next))[0]!.text)![1]!;
    ctx.clock.advance(16 * DAY);
    try {
      const res = await browser().get(`/mon-compte/courriel/${token}`);
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('Ce lien a expiré');
      expect(res.body).toContain('demandez de nouveau le changement');
    } finally {
      ctx.clock.advance(-16 * DAY);
    }
    expect((await patronRow(ctx, patron.id)).email).toBe(patron.email);
  });

  it('a newer request replaces the older link; cancelling kills the link', async () => {
    const { patron, b } = await loggedInPatron();
    const first = `zoe.premiere${n}@exemple.fr`;
    const second = `zoe.seconde${n}@exemple.fr`;
    await requestChange(b, first);
    await requestChange(b, second);
    const oldToken = CHANGE_LINK.exec((await mailsTo(ctx, first))[0]!.text)![1]!;
    expect((await browser().get(`/mon-compte/courriel/${oldToken}`)).statusCode).toBe(410);
    expect((await patronRow(ctx, patron.id)).email).toBe(patron.email);

    const res = await b.post('/mon-compte/courriel/annuler', {}, { from: '/mon-compte/courriel' });
    expect(res.statusCode).toBe(303);
    expect((await patronRow(ctx, patron.id)).pendingEmail).toBeNull();
    const newToken = CHANGE_LINK.exec((await mailsTo(ctx, second))[0]!.text)![1]!;
    expect((await browser().get(`/mon-compte/courriel/${newToken}`)).statusCode).toBe(410);
    expect((await patronRow(ctx, patron.id)).email).toBe(patron.email);
  });

  it('refuses an address another live account uses, and a bad address or password; nothing written', async () => {
    const other = await addPatron(ctx, libB.id, { state: 'active', email: `deja.prise${n}@exemple.fr` });
    const { patron, b } = await loggedInPatron();
    const before = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);

    let res = await requestChange(b, other.email!.toUpperCase());
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Cette adresse est déjà celle d’un autre compte');
    expect(res.body).toContain(`value="${other.email!.toUpperCase()}"`);

    res = await requestChange(b, 'zoe@exemple');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('value="zoe@exemple"');

    res = await requestChange(b, patron.email!);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('C’est déjà l’adresse de votre compte');

    res = await requestChange(b, `zoe.libre${n}@exemple.fr`, 'Pas-le-bon-1');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Mot de passe incorrect.');

    expect((await patronRow(ctx, patron.id)).pendingEmail).toBeNull();
    const after = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses at the link an address that another account took in the meantime', async () => {
    const { patron, b } = await loggedInPatron();
    const wanted = `zoe.convoitee${n}@exemple.fr`;
    await requestChange(b, wanted);
    const token = CHANGE_LINK.exec((await mailsTo(ctx, wanted))[0]!.text)![1]!;
    await addPatron(ctx, libB.id, { state: 'pending', email: wanted });
    const res = await browser().get(`/mon-compte/courriel/${token}`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Cette adresse est déjà utilisée');
    expect((await patronRow(ctx, patron.id)).email).toBe(patron.email);
  });

  it('an unknown link is a 404 page', async () => {
    const res = await browser().get(`/mon-compte/courriel/${'x'.repeat(43)}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Lien de confirmation inconnu');
  });
});

describe('Mes messages', () => {
  it('lists the e-mails the patron received, newest first, without the library’s nor anyone else’s', async () => {
    const { patron, b } = await loggedInPatron();
    const someoneElse = await addPatron(ctx, libA.id, { state: 'active' });
    const db = ctx.database.db;
    const t0 = ctx.clock.now();
    const mail = (subject: string, to: string, patronId: string | null, at: Date) =>
      enqueueMail(
        db,
        { to, subject, text: `Texte de « ${subject} ».`, html: '', template: 'essai', patronId },
        at,
      );
    await mail('Votre compte est actif', patron.email!, patron.id, new Date(t0.getTime() - 3 * DAY));
    await mail('Nouvelle demande à valider', libA.email, patron.id, new Date(t0.getTime() - 2 * DAY));
    await mail(
      'Courriel d’un autre usager',
      someoneElse.email!,
      someoneElse.id,
      new Date(t0.getTime() - DAY),
    );
    const held = await enqueueMail(
      db,
      {
        to: patron.email!,
        subject: 'Décision encore annulable',
        text: '…',
        html: '',
        template: 'essai',
        patronId: patron.id,
      },
      t0,
      new Date(t0.getTime() + 10 * 60_000),
    );
    expect(held).toBeGreaterThan(0);
    // A reset link: shown in the list, its single-use link hidden.
    await browser().post(
      '/mot-de-passe-oublie',
      { login: patron.identifier! },
      { from: '/mot-de-passe-oublie' },
    );

    const res = await b.get('/mon-compte/messages');
    expect(res.statusCode).toBe(200);
    const subjects = [...res.body.matchAll(/<a href="\/mon-compte\/messages\/(\d+)">([^<]+)<\/a>/g)].map(
      (m) => m[2],
    );
    expect(subjects).toEqual([
      expect.stringMatching(/^Réinitialisation de votre mot de passe/),
      'Votre compte est actif',
    ]);
    expect(res.body).not.toContain('Nouvelle demande à valider');
    expect(res.body).not.toContain('Courriel d’un autre usager');
    expect(res.body).not.toContain('Décision encore annulable');

    const [reset] = (await mailsTo(ctx, patron.email!)).filter((m) => m.template === 'reset_password');
    expect(reset!.patronId).toBe(patron.id);
    const one = await b.get(`/mon-compte/messages/${reset!.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain(HIDDEN_LINK);
    expect(one.body).not.toContain('/mot-de-passe/');

    // Someone else's message, or the library's, is not found.
    const [others] = await mailsTo(ctx, someoneElse.email!);
    expect((await b.get(`/mon-compte/messages/${others!.id}`)).statusCode).toBe(404);
    const [library] = (await mailsTo(ctx, libA.email)).filter((m) => m.patronId === patron.id);
    expect((await b.get(`/mon-compte/messages/${library!.id}`)).statusCode).toBe(404);
    expect((await b.get('/mon-compte/messages/abc')).statusCode).toBe(404);

    // The home page shows the latest ones.
    expect((await b.get('/mon-compte')).body).toContain('Voir tous mes messages (2 messages)');
  });

  it('makes the addresses of a message clickable and escapes its text', async () => {
    const { patron, b } = await loggedInPatron();
    const id = await enqueueMail(
      ctx.database.db,
      {
        to: patron.email!,
        subject: 'Aide',
        text: 'Consultez http://sesame.test/aide. <script>alert(1)</script>',
        html: '',
        template: 'essai',
        patronId: patron.id,
      },
      ctx.clock.now(),
    );
    const res = await b.get(`/mon-compte/messages/${id}`);
    expect(res.body).toContain('<a href="http://sesame.test/aide">http://sesame.test/aide</a>.');
    expect(res.body).not.toContain('<script>alert(1)</script>');
  });

  it('hides single-use links whatever their path', () => {
    const token = 'A'.repeat(43);
    expect(
      hideSecretLinks(
        `Lien : http://sesame.test/mon-compte/courriel/${token}\nAide : http://sesame.test/aide`,
      ),
    ).toBe(`Lien : ${HIDDEN_LINK}\nAide : http://sesame.test/aide`);
    expect(hideSecretLinks(`(http://sesame.test/mot-de-passe/${token}).`)).toBe(`(${HIDDEN_LINK}).`);
  });
});

describe('Télécharger mes données', () => {
  it('gives identity, states and dates, history, consultations and messages as JSON and as a page', async () => {
    const { patron, b } = await loggedInPatron({ cardNumber: '57000123' });
    await b.post('/mon-compte/newsletter', { newsletter: 'non' }, { from: '/mon-compte' });
    const now = ctx.clock.now();
    const [resource] = await ctx.database.db
      .insert(resources)
      .values({
        name: 'Cinéma à la demande',
        provider: 'Fournisseur fictif',
        kind: 'quota',
        category: 'films',
        connector: 'direct',
        connectorConfig: { url: 'http://sesame.test/fournisseur' } as never,
        documents: [{ id: 'film-1', title: 'Le Voyage de Zoé' }],
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await ctx.database.db.insert(consultations).values({
      patronId: patron.id,
      libraryId: libA.id,
      resourceId: resource!.id,
      kind: 'quota',
      category: 'films',
      document: 'film-1',
      month: '2026-11',
      counted: true,
      at: now,
    });
    await enqueueMail(
      ctx.database.db,
      {
        to: patron.email!,
        subject: 'Votre compte est actif',
        text: 'Bienvenue.',
        html: '',
        template: 'essai',
        patronId: patron.id,
      },
      now,
    );

    const res = await b.get('/mon-compte/donnees.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['content-disposition']).toBe('attachment; filename="mes-donnees-2026-11-23.json"');
    expect(res.headers['cache-control']).toBe('no-store');
    const doc = JSON.parse(res.body);
    expect(doc.identite).toMatchObject({
      nom: 'N’Diaye-Lefèvre',
      prenom: 'Zoé',
      date_naissance: '1990-07-14',
      courriel: patron.email,
      identifiant: patron.identifier,
      numero_carte: '57000123',
      newsletter: false,
      bibliotheque: { nom: 'Médiathèque de Crèvecœur', courriel: 'crevecoeur@exemple.fr' },
    });
    expect(doc.compte).toMatchObject({
      etat: 'active',
      etat_libelle: 'Actif',
      actif_jusqu_au: '2027-06-30',
      decision: 'acceptée',
    });
    expect(doc.compte.inscrit_le).toBe(patron.registeredAt.toISOString());
    expect(doc.historique.map((e: { action: string }) => e.action)).toContain('newsletter_changed');
    expect(doc.historique.find((e: { action: string }) => e.action === 'newsletter_changed')).toMatchObject({
      par: 'vous',
      libelle: 'Choix de newsletter modifié par l’usager',
    });
    expect(doc.consultations).toEqual([
      {
        date: now.toISOString(),
        ressource: 'Cinéma à la demande',
        type: expect.any(String),
        categorie: expect.any(String),
        document: 'Le Voyage de Zoé',
        compte_dans_le_forfait: true,
      },
    ]);
    expect(doc.messages).toEqual([
      expect.objectContaining({ objet: 'Votre compte est actif', texte: 'Bienvenue.' }),
    ]);

    const page = await b.get('/mon-compte/donnees');
    expect(page.statusCode).toBe(200);
    for (const text of [
      'Identité',
      'États et dates du compte',
      'Historique',
      'Consultations',
      'Messages reçus',
    ])
      expect(page.body).toContain(`>${text}</h2>`);
    expect(page.body).toContain('N’Diaye-Lefèvre');
    expect(page.body).toContain('Le Voyage de Zoé');
    expect(page.body).toContain('href="/mon-compte/donnees.json"');
  });
});

describe('Supprimer mon compte', () => {
  it('refuses a wrong password and does nothing', async () => {
    const { patron, b } = await loggedInPatron();
    const page = await b.get('/mon-compte/supprimer');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('La suppression est définitive');
    const res = await b.post(
      '/mon-compte/supprimer',
      { password: 'Pas-le-bon-1' },
      { from: '/mon-compte/supprimer' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(
      /id="champ-password-message"[^>]*><p class="fr-message fr-message--error">Mot de passe incorrect\./,
    );
    const row = await patronRow(ctx, patron.id);
    expect(row.lastName).toBe('N’Diaye-Lefèvre');
    expect(row.anonymisedAt).toBeNull();
    expect((await b.get('/mon-compte')).statusCode).toBe(200);
    expect(
      await mailsTo(ctx, libA.email).then((m) => m.filter((x) => x.template === 'account_deleted_by_patron')),
    ).toHaveLength(0);
  });

  it('with the password: anonymises at once, ends every session, tells the library', async () => {
    const { patron, b } = await loggedInPatron({ cardNumber: '57000999' });
    const elsewhere = browser();
    await elsewhere.logIn(patron.identifier!, PASSWORD);
    // Some history and mail about the patron, with their name in it.
    await b.post('/mon-compte/newsletter', { newsletter: 'non' }, { from: '/mon-compte' });
    const next = `zoe.partie${n}@exemple.fr`;
    await b.post(
      '/mon-compte/courriel',
      { email: next, currentPassword: PASSWORD },
      { from: '/mon-compte/courriel' },
    );

    const res = await b.post(
      '/mon-compte/supprimer',
      { password: PASSWORD },
      { from: '/mon-compte/supprimer' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/mon-compte/compte-supprime');
    const done = await b.get('/mon-compte/compte-supprime');
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Votre compte a été supprimé');

    const row = await patronRow(ctx, patron.id);
    expect(row).toMatchObject({
      lastName: null,
      firstName: null,
      birthDate: null,
      birthYear: 1990,
      email: null,
      pendingEmail: null,
      identifier: null,
      passwordHash: null,
      cardNumber: null,
      state: 'expired',
      activeUntil: '2026-11-22',
      libraryId: libA.id,
    });
    expect(row.anonymisedAt).not.toBeNull();

    const personal = ['N’Diaye-Lefèvre', 'Zoé', patron.email!, patron.identifier!, next, '57000999'];
    const history = await patronEvents(ctx, patron.id);
    expect(history.map((e) => e.action)).toContain('deleted_by_patron');
    const mails = await ctx.database.db.select().from(outbox).where(eq(outbox.patronId, patron.id));
    expect(mails.length).toBeGreaterThan(0);
    for (const text of personal) {
      expect(JSON.stringify(history)).not.toContain(text);
      expect(JSON.stringify(mails)).not.toContain(text);
    }
    const left = await ctx.database.db
      .select()
      .from(tokens)
      .where(and(eq(tokens.principalKind, 'patron'), eq(tokens.principalId, patron.id)));
    expect(left).toHaveLength(0);

    // Every session is over, and the old credentials open nothing.
    expect(await sessionCount(patron.id)).toBe(0);
    expect((await b.get('/mon-compte')).statusCode).toBe(303);
    expect((await elsewhere.get('/mon-compte')).statusCode).toBe(303);
    expect((await browser().logIn(patron.identifier!, PASSWORD)).statusCode).toBe(400);

    // The library hears who left, by name and identifiant.
    const told = (await mailsTo(ctx, libA.email)).filter((m) => m.template === 'account_deleted_by_patron');
    expect(told).toHaveLength(1);
    expect(told[0]!.subject).toMatch(/^Un usager a supprimé son compte/);
    expect(told[0]!.text).toContain(`Zoé N’Diaye-Lefèvre (identifiant ${patron.identifier})`);
    expect(told[0]!.patronId).toBeNull();
  });

  it('takes a temporary account out of the validation queue', async () => {
    const { patron, b } = await loggedInPatron({
      state: 'pending',
      activeUntil: null,
      decision: null,
      decidedAt: null,
      pendingSince: ctx.clock.now(),
    });
    const res = await b.post(
      '/mon-compte/supprimer',
      { password: PASSWORD },
      { from: '/mon-compte/supprimer' },
    );
    expect(res.statusCode).toBe(303);
    const row = await patronRow(ctx, patron.id);
    expect(row.state).toBe('expired');
    expect(row.pendingSince).toBeNull();
    const count = await ctx.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(and(eq(events.subjectId, patron.id), eq(events.action, 'deleted_by_patron')));
    expect(count[0]!.n).toBe(1);
  });
});
