import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import { events, outbox, patrons } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY } from '../../src/domain/clock.js';
import { remindOverdueRequests } from '../../src/jobs/escalation-sweeps.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, patronEvents, patronRow, staffActor } from '../helpers/decision-fixtures.js';

/**
 * Staff registration on the MDO profile (SPEC §2 transition 3, MDO seed): the library registers
 * the patron without a password, the patron chooses it through the e-mailed link under the
 * network's rule, the library checks the record and presses "Enregistrer".
 */

const START = '2026-11-23T09:00:00Z'; // 10:00 in Paris
const NEW_URL = '/admin/usagers/nouveau';
const PASSWORD_LINK = /http:\/\/sesame\.test\/mot-de-passe\/([A-Za-z0-9_-]+)/;
const GOOD_PASSWORD = 'Lecture-2026!';

let ctx: TestContext;
let libA: Library;
let libB: Library;
let libC: Library;
let alpha: StaffActor;
let beta: StaffActor;
let multi: StaffActor;
let admin: StaffActor;
const credentials = new Map<string, { identifier: string; password: string }>();
let ip = 10;
let n = 0;

async function browserFor(actor: StaffActor): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, `198.51.100.${ip++}`);
  const c = credentials.get(actor.id)!;
  expect((await b.logIn(c.identifier, c.password)).statusCode).toBe(303);
  return b;
}

function visitor(): TestBrowser {
  return new TestBrowser(ctx.app, `203.0.113.${ip++}`);
}

/** A valid staff form for a new person (unique identifiant and e-mail per call). */
function form(overrides: Record<string, string> = {}): Record<string, string> {
  n++;
  return {
    lastName: 'Le Bihan-Kerjean',
    firstName: `Maëlys${String.fromCharCode(97 + (n % 26))}${String.fromCharCode(97 + Math.floor(n / 26))}`,
    birthDate: '03/02/2001',
    email: `maelys.lebihan${n}@exemple.fr`,
    identifier: `maelys.lb${n}`,
    newsletter: 'non',
    cardNumber: '',
    ...overrides,
  };
}

async function counts() {
  const [p] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(patrons);
  const [e] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(events);
  const [o] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
  return { patrons: p!.n, events: e!.n, outbox: o!.n };
}

async function patronByIdentifier(identifier: string) {
  const [row] = await ctx.database.db.select().from(patrons).where(eq(patrons.identifier, identifier));
  return row;
}

async function mailsTo(address: string) {
  return ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, address)).orderBy(outbox.id);
}

async function lastLinkTo(address: string): Promise<string> {
  const mails = await mailsTo(address);
  const m = PASSWORD_LINK.exec(mails[mails.length - 1]?.text ?? '');
  if (!m) throw new Error(`no password link in the e-mails to ${address}`);
  return m[1]!;
}

/** Registers through the form and returns the new patron's id. */
async function registerThroughForm(b: TestBrowser, values: Record<string, string>): Promise<string> {
  const res = await b.post(NEW_URL, values, { from: NEW_URL });
  expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
  const id = /\/admin\/usagers\/([0-9a-f-]{36})$/.exec(String(res.headers.location))?.[1];
  expect(id).toBeTruthy();
  return id!;
}

function fieldMessage(html: string, field: string): string {
  const m = new RegExp(`id="champ-${field}-message"[^>]*>(.*?)</div>`, 's').exec(html);
  return (m?.[1] ?? '').replace(/<[^>]+>/g, '').trim();
}

beforeAll(async () => {
  ctx = await createTestApp({ profile: 'mdo' });
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  libC = await addLibrary(ctx, 'Point lecture Gamma');
  const make = async (identifier: string, name: string, role: StaffActor['role'], libraryIds: string[]) => {
    const row = await addStaff(ctx, { identifier, name, role, libraryIds });
    credentials.set(row.id, { identifier, password: row.password });
    return staffActor(row, libraryIds);
  };
  alpha = await make('agent-alpha', 'Agnès Alpha', 'library_staff', [libA.id]);
  beta = await make('agent-beta', 'Béatrice Bêta', 'library_staff', [libB.id]);
  multi = await make('agent-multi', 'Marc Multi', 'library_staff', [libA.id, libC.id]);
  admin = await make('admin-reseau', 'Jeanne Réseau', 'network_admin', []);
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set(START));

describe('staff registration, MDO journey', () => {
  it('registers without password, the patron sets it from the e-mail under the MDO rule, “Enregistrer” makes the account active until registration + 365 − 1', async () => {
    let b = await browserFor(alpha);
    const page = await b.get(NEW_URL);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Inscription usager ressources numériques');
    // One library: fixed, not chosen. No password field: the patron chooses it.
    expect(page.body).toContain('Médiathèque Alpha');
    expect(page.body).toContain(`name="libraryId" value="${libA.id}"`);
    expect(page.body).not.toContain('<select class="fr-select" id="champ-libraryId"');
    expect(page.body).not.toContain('name="password"');
    expect(page.body).toContain('dont une majuscule, une minuscule, un chiffre et un caractère spécial');

    const values = form({ cardNumber: '12 3456 789', newsletter: 'oui' });
    const id = await registerThroughForm(b, values);
    const registered = ctx.clock.now();
    const row = await patronRow(ctx, id);
    expect(row).toMatchObject({
      state: 'pending',
      channel: 'staff',
      libraryId: libA.id,
      passwordHash: null,
      emailConfirmedAt: null,
      cardNumber: '12 3456 789',
      newsletter: true,
      birthDate: '2001-02-03',
      birthYear: 2001,
    });
    expect(row.pendingSince?.toISOString()).toBe(registered.toISOString());
    expect(row.registeredAt.toISOString()).toBe(registered.toISOString());

    const [mail] = await mailsTo(values.email!);
    expect(mail?.subject).toBe('Définissez votre mot de passe — Médiathèque départementale');
    expect(mail?.patronId).toBe(id);
    expect(mail?.text).toContain('La bibliothèque Médiathèque Alpha vous a inscrit');
    expect(mail?.text).toContain(`Votre identifiant est : ${values.identifier}`);
    expect(mail?.text).toContain('au moins 8 caractères, dont une majuscule');
    // Valid setPasswordLinkDays (7): until 30/11/2026 at 10:00 Paris.
    expect(mail?.text).toContain('valable jusqu’au 30/11/2026 à 10:00');
    const [event] = (await patronEvents(ctx, id)).filter((e) => e.action === 'registered_by_staff');
    expect(event).toMatchObject({ actorId: alpha.id, data: { channel: 'staff', libraryId: libA.id } });

    // The record: yellow "à valider", address not verified yet, link can be sent again, "Enregistrer".
    const record = await b.get(`/admin/usagers/${id}`);
    expect(record.body).toContain('Usager inscrit à Médiathèque Alpha');
    expect(record.body).toContain('sesame-badge--yellow');
    expect(record.body).toContain('Adresse non encore vérifiée');
    expect(record.body).toContain('Renvoyer le lien');
    expect(record.body).toContain('Activer l’abonnement');
    expect(record.body).toContain('>Enregistrer</button>');
    expect(record.body).toContain('Inscription par la bibliothèque');

    // Nobody can log in before the patron chose a password (there is none).
    expect((await visitor().logIn(values.identifier!, GOOD_PASSWORD)).statusCode).toBe(400);

    // Two days later the patron opens the link: the rule is shown before anything is typed.
    ctx.clock.advance(2 * DAY);
    const token = await lastLinkTo(values.email!);
    const p = visitor();
    const linkPage = await p.get(`/mot-de-passe/${token}`);
    expect(linkPage.statusCode).toBe(200);
    expect(linkPage.body).toContain(
      'Au moins 8 caractères, dont une majuscule, une minuscule, un chiffre et un caractère spécial.',
    );

    // MDO rule table: each missing part is named, nothing is saved.
    const table: Array<[string, string]> = [
      ['lecture-2026!', 'Le mot de passe doit contenir une lettre majuscule.'],
      ['LECTURE-2026!', 'Le mot de passe doit contenir une lettre minuscule.'],
      ['Lecture-deux!', 'Le mot de passe doit contenir un chiffre.'],
      ['Lecture2026', 'Le mot de passe doit contenir un caractère spécial (par exemple ! ? # @ -).'],
      ['Le-2026', 'Le mot de passe doit contenir au moins 8 caractères.'],
      [
        'lecture',
        'Le mot de passe doit contenir au moins 8 caractères, une lettre majuscule, un chiffre et un caractère spécial (par exemple ! ? # @ -).',
      ],
    ];
    for (const [password, message] of table) {
      const res = await p.post(`/mot-de-passe/${token}`, { password, confirmation: password });
      expect(res.statusCode, password).toBe(400);
      expect(fieldMessage(res.body, 'password'), password).toBe(message);
      expect(res.body).not.toContain(password);
      expect((await patronRow(ctx, id)).passwordHash).toBeNull();
    }

    const set = await p.post(`/mot-de-passe/${token}`, {
      password: GOOD_PASSWORD,
      confirmation: GOOD_PASSWORD,
    });
    expect(set.statusCode).toBe(303);
    expect(set.headers.location).toMatch(/^\/connexion\?identifiant=maelys\.lb\d+$/);
    const withPassword = await patronRow(ctx, id);
    expect(withPassword.passwordHash).not.toBeNull();
    // Following the link proved the address.
    expect(withPassword.emailConfirmedAt?.toISOString()).toBe(ctx.clock.now().toISOString());
    const passwordSet = (await patronEvents(ctx, id)).find((e) => e.action === 'password_set');
    expect(passwordSet?.data).toEqual({ emailVerified: true });
    // The link works once.
    expect((await p.get(`/mot-de-passe/${token}`)).statusCode).toBe(410);
    // The temporary account opens.
    const login = await visitor().logIn(values.identifier!, GOOD_PASSWORD);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/mon-compte');

    // The next day the library activates it: both checks are required.
    ctx.clock.advance(DAY);
    b = await browserFor(alpha); // the morning session ended long ago
    const before = await b.get(`/admin/usagers/${id}`);
    expect(before.body).toContain('Adresse confirmée le 25/11/2026');
    expect(before.body).not.toContain('Renvoyer le lien');
    // 365 days from the registration date (23/11/2026), not from today.
    expect(before.body).toContain('actif jusqu’au <strong>22/11/2027</strong>');
    const end = /name="fin_prevue" value="([\d-]+)"/.exec(before.body)?.[1];
    expect(end).toBe('2027-11-22');
    const decision = {
      action: 'decider',
      decision: 'accepter',
      modele: 'accept_library',
      modele_affiche: 'accept_library',
      fin_prevue: end!,
      objet: 'Votre compte [reseau] est actif',
      message: 'Bonjour [prenom] [nom_destinataire],\n\nVotre compte est actif jusqu’au [actif-jusquau].',
    };
    const missing = await b.post(`/admin/usagers/${id}/decision`, decision, { from: `/admin/usagers/${id}` });
    expect(missing.statusCode).toBe(400);
    expect(fieldMessage(missing.body, 'membre')).toContain('confirmez que le demandeur est adhérent actif');
    expect(fieldMessage(missing.body, 'naissance')).toContain(
      'confirmez que la date de naissance a été vérifiée',
    );
    expect((await patronRow(ctx, id)).state).toBe('pending');

    const ok = await b.post(
      `/admin/usagers/${id}/decision`,
      { ...decision, membre: 'oui', naissance: 'oui' },
      { from: `/admin/usagers/${id}` },
    );
    expect(ok.statusCode).toBe(303);
    const active = await patronRow(ctx, id);
    expect(active.state).toBe('active');
    expect(active.activeUntil).toBe('2027-11-22');
    expect(active.decidedByStaffId).toBe(alpha.id);
    const after = await b.get(`/admin/usagers/${id}`);
    expect(after.body).toContain('Actif jusqu’au 22/11/2027');
    expect(after.body).toContain('fr-badge--success');
    // The acceptance e-mail waits for the undo window, with the filled end date.
    const accepted = (await mailsTo(values.email!)).at(-1);
    expect(accepted?.text).toContain('actif jusqu’au 22/11/2027');
  });

  it('reminds the acceptance text of the password when the patron has not chosen one yet', async () => {
    const b = await browserFor(alpha);
    const id = await registerThroughForm(b, form());
    const record = await b.get(`/admin/usagers/${id}`);
    expect(record.body).toContain(
      'Si vous n’avez pas encore choisi votre mot de passe, utilisez le lien du courriel « Définissez votre mot de passe »',
    );
  });

  it('goes to the network after 7 days without “Enregistrer” (MDO escalation)', async () => {
    const b = await browserFor(alpha);
    const values = form();
    const id = await registerThroughForm(b, values);
    const reminded = async () =>
      (await patronEvents(ctx, id)).filter((e) => e.action === 'overdue_reminded').length;

    ctx.clock.advance(6 * DAY);
    await remindOverdueRequests(ctx.deps);
    expect(await reminded()).toBe(0);

    ctx.clock.advance(DAY);
    await remindOverdueRequests(ctx.deps);
    expect(await reminded()).toBe(1);
    const toLibrary = await mailsTo(libA.email);
    expect(toLibrary.at(-1)?.subject).toContain('attente depuis plus de 7 jours');
    // The network's "En retard" page lists it; an administrator may then activate it himself.
    const a = await browserFor(admin);
    const overdue = await a.get('/admin/retards');
    expect(overdue.body).toContain(values.lastName!);
    const record = await a.get(`/admin/usagers/${id}`);
    expect(record.body).toContain('Vous activez l’abonnement à la place de la bibliothèque');
    await remindOverdueRequests(ctx.deps);
    expect(await reminded()).toBe(1);
  });

  it('lets the patron use “mot de passe oublié” instead of the link, which verifies the address too', async () => {
    const b = await browserFor(alpha);
    const values = form();
    const id = await registerThroughForm(b, values);
    const v = visitor();
    await v.post('/mot-de-passe-oublie', { login: values.identifier! }, { from: '/mot-de-passe-oublie' });
    const reset = (await mailsTo(values.email!)).at(-1);
    expect(reset?.template).toBe('reset_password');
    const token = PASSWORD_LINK.exec(reset!.text)![1]!;
    const res = await v.post(`/mot-de-passe/${token}`, {
      password: GOOD_PASSWORD,
      confirmation: GOOD_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    const row = await patronRow(ctx, id);
    expect(row.passwordHash).not.toBeNull();
    expect(row.emailConfirmedAt).not.toBeNull();
  });
});

describe('the registration form', () => {
  it('offers library staff of several libraries a choice among theirs only, administrators every active library', async () => {
    const m = await browserFor(multi);
    const page = await m.get(NEW_URL);
    expect(page.body).toContain(`value="${libA.id}"`);
    expect(page.body).toContain(`value="${libC.id}"`);
    expect(page.body).not.toContain(`value="${libB.id}"`);
    const id = await registerThroughForm(m, form({ libraryId: libC.id }));
    expect((await patronRow(ctx, id)).libraryId).toBe(libC.id);

    // A library outside theirs, forged in the form: refused next to the field, nothing written.
    const before = await counts();
    const forged = await m.post(NEW_URL, form({ libraryId: libB.id }), { from: NEW_URL });
    expect(forged.statusCode).toBe(400);
    expect(fieldMessage(forged.body, 'libraryId')).toContain(
      'vous ne pouvez inscrire un usager que dans l’une de vos bibliothèques',
    );
    expect(await counts()).toEqual(before);
    const missing = await m.post(NEW_URL, form({ libraryId: '' }), { from: NEW_URL });
    expect(fieldMessage(missing.body, 'libraryId')).toBe('Sélectionnez la bibliothèque de l’usager.');

    const a = await browserFor(admin);
    const adminPage = await a.get(NEW_URL);
    for (const lib of [libA, libB, libC]) expect(adminPage.body).toContain(`value="${lib.id}"`);
    const byAdmin = await registerThroughForm(a, form({ libraryId: libB.id }));
    const [event] = (await patronEvents(ctx, byAdmin)).filter((e) => e.action === 'registered_by_staff');
    expect(event?.onBehalfOfLibraryId).toBe(libB.id);
  });

  it('a single library’s staff cannot register into another library even by forging the field', async () => {
    const b = await browserFor(alpha);
    const before = await counts();
    const res = await b.post(NEW_URL, form({ libraryId: libB.id }), { from: NEW_URL });
    expect(res.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('keeps what was typed, says what is wrong next to each field, and writes nothing', async () => {
    const b = await browserFor(alpha);
    const before = await counts();
    const values = form({
      lastName: '',
      firstName: 'Zoé2',
      birthDate: '31/02/1990',
      email: 'zoe-at-exemple.fr',
      identifier: 'zoé',
      newsletter: 'peut-être',
      cardNumber: 'carte n°5',
    });
    const res = await b.post(NEW_URL, values, { from: NEW_URL });
    expect(res.statusCode).toBe(400);
    expect(fieldMessage(res.body, 'lastName')).toBe('Saisissez le nom.');
    expect(fieldMessage(res.body, 'firstName')).toContain('ne peut contenir que des lettres');
    expect(fieldMessage(res.body, 'birthDate')).toContain('Cette date n’existe pas');
    expect(fieldMessage(res.body, 'email')).toContain('Saisissez une adresse électronique valide');
    expect(fieldMessage(res.body, 'identifier')).toContain('Évitez les accents');
    expect(fieldMessage(res.body, 'newsletter')).toBe(
      'Indiquez si l’usager souhaite recevoir la newsletter : Oui ou Non.',
    );
    expect(fieldMessage(res.body, 'cardNumber')).toContain('Le numéro de carte ne peut contenir');
    for (const kept of ['Zoé2', '31/02/1990', 'zoe-at-exemple.fr', 'carte n°5'])
      expect(res.body).toContain(`value="${kept}"`);
    expect(res.body).toContain('Le formulaire contient 7 erreurs');
    expect(await counts()).toEqual(before);
  });

  it('refuses an identifiant already used by a patron or a staff member, whatever the case', async () => {
    const b = await browserFor(alpha);
    const first = form();
    await registerThroughForm(b, first);
    const before = await counts();
    for (const identifier of [first.identifier!.toUpperCase(), 'AGENT-BETA']) {
      const res = await b.post(NEW_URL, form({ identifier }), { from: NEW_URL });
      expect(res.statusCode).toBe(400);
      expect(fieldMessage(res.body, 'identifier')).toBe(
        'Cet identifiant est déjà utilisé : choisissez-en un autre avec l’usager.',
      );
    }
    expect(await counts()).toEqual(before);
  });

  it('is closed when the network does not let libraries register patrons', async () => {
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, staffRegistration: false } });
    try {
      const b = await browserFor(alpha);
      expect((await b.get(NEW_URL)).statusCode).toBe(403);
      expect((await b.get('/admin/usagers')).body).not.toContain('Inscrire un usager');
      const before = await counts();
      const res = await b.post(NEW_URL, form(), { from: '/admin/usagers' });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('n’est pas activée sur ce réseau');
      expect(await counts()).toEqual(before);
    } finally {
      await updateNetwork(ctx.database.db, { settings: network.settings });
    }
    expect((await (await browserFor(alpha)).get('/admin/usagers')).body).toContain('Inscrire un usager');
  });

  it('is for staff only', async () => {
    const v = visitor();
    const res = await v.get(NEW_URL);
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toContain('/connexion');
  });
});

describe('duplicate warning', () => {
  it('refuses an e-mail already used in another library (one account per address), without a link to that record', async () => {
    const other = await addPatron(ctx, libB.id, {
      state: 'active',
      activeUntil: '2027-05-01',
      email: 'zoe.partout@exemple.fr',
    });
    const b = await browserFor(alpha);
    const before = await counts();
    const res = await b.post(NEW_URL, form({ email: 'Zoe.Partout@Exemple.fr' }), { from: NEW_URL });
    expect(res.statusCode).toBe(409);
    expect(fieldMessage(res.body, 'email')).toContain('une seule inscription par adresse');
    expect(res.body).toContain('Cette adresse électronique a déjà un compte');
    expect(res.body).toContain('Bibliothèque Bêta');
    expect(res.body).toContain('Dans une autre bibliothèque : contactez l’administration du réseau');
    expect(res.body).not.toContain(`/admin/usagers/${other.id}`);
    // No way to force it.
    expect(res.body).not.toContain('name="confirmer_doublon"');
    const forced = await b.post(
      NEW_URL,
      { ...form({ email: 'zoe.partout@exemple.fr' }), doublons: other.id, confirmer_doublon: 'oui' },
      { from: NEW_URL },
    );
    expect(forced.statusCode).toBe(409);
    expect(await counts()).toEqual(before);

    // The administrator sees the same refusal, with the link (every library is theirs).
    const a = await browserFor(admin);
    const byAdmin = await a.post(NEW_URL, form({ email: 'zoe.partout@exemple.fr', libraryId: libA.id }), {
      from: NEW_URL,
    });
    expect(byAdmin.body).toContain(`href="/admin/usagers/${other.id}"`);
  });

  it('warns about the same name and birth date (case and accents ignored), links to a record of one’s library, then creates once confirmed', async () => {
    const existing = await addPatron(ctx, libA.id, {
      state: 'active',
      activeUntil: '2027-03-01',
      firstName: 'Zoé',
      lastName: 'N’Diaye-Lefèvre',
      birthDate: '1994-05-06',
      birthYear: 1994,
    });
    const b = await browserFor(alpha);
    const values = form({ firstName: 'zoe', lastName: "N'DIAYE-LEFEVRE", birthDate: '06/05/1994' });
    const before = await counts();
    const warned = await b.post(NEW_URL, values, { from: NEW_URL });
    expect(warned.statusCode).toBe(409);
    expect(warned.body).toContain('Cette personne est peut-être déjà inscrite');
    expect(warned.body).toContain('Mêmes nom, prénom et date de naissance');
    expect(warned.body).toContain(`href="/admin/usagers/${existing.id}"`);
    expect(warned.body).toContain(
      'Je confirme qu’il s’agit d’une autre personne / je veux créer ce compte quand même',
    );
    expect(warned.body).toContain(`name="doublons" value="${existing.id}"`);
    expect(warned.body).toContain(`value="${values.email}"`);
    expect(await counts()).toEqual(before);

    // Sent again without ticking the box: the box is asked for, still nothing written.
    const unticked = await b.post(NEW_URL, { ...values, doublons: existing.id }, { from: NEW_URL });
    expect(unticked.statusCode).toBe(400);
    expect(fieldMessage(unticked.body, 'confirmer_doublon')).toContain('Cochez la case');
    expect(await counts()).toEqual(before);

    const res = await b.post(
      NEW_URL,
      { ...values, doublons: existing.id, confirmer_doublon: 'oui' },
      { from: NEW_URL },
    );
    expect(res.statusCode).toBe(303);
    const created = await patronByIdentifier(values.identifier!);
    expect(created?.state).toBe('pending');
    const [event] = (await patronEvents(ctx, created!.id)).filter((e) => e.action === 'registered_by_staff');
    expect(event?.data).toMatchObject({ duplicatesConfirmed: [existing.id] });
  });

  it('warns about a look-alike in another library without a link; a confirmation for other records does not count', async () => {
    const elsewhere = await addPatron(ctx, libB.id, {
      state: 'pending',
      firstName: 'Inès',
      lastName: 'D’Almeida',
      birthDate: '1987-12-24',
      birthYear: 1987,
    });
    const b = await browserFor(alpha);
    const values = form({ firstName: 'Ines', lastName: 'd’almeida', birthDate: '24/12/1987' });
    const warned = await b.post(NEW_URL, values, { from: NEW_URL });
    expect(warned.statusCode).toBe(409);
    expect(warned.body).toContain('Bibliothèque Bêta');
    expect(warned.body).toContain('Dans une autre bibliothèque : contactez l’administration du réseau');
    expect(warned.body).not.toContain(`/admin/usagers/${elsewhere.id}`);
    const before = await counts();
    const wrong = await b.post(
      NEW_URL,
      { ...values, doublons: '00000000-0000-4000-8000-000000000000', confirmer_doublon: 'oui' },
      { from: NEW_URL },
    );
    expect(wrong.statusCode).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('ignores erased records, and lets a refused request’s address be registered after confirmation', async () => {
    await addPatron(ctx, libA.id, {
      state: 'lapsed',
      firstName: null,
      lastName: null,
      email: null,
      identifier: null,
      birthDate: null,
      birthYear: 1979,
      anonymisedAt: ctx.clock.now(),
    });
    const refused = await addPatron(ctx, libB.id, { state: 'refused', email: 'refusee@exemple.fr' });
    const b = await browserFor(alpha);
    const warned = await b.post(NEW_URL, form({ email: 'refusee@exemple.fr' }), { from: NEW_URL });
    expect(warned.statusCode).toBe(409);
    expect(warned.body).toContain('demande refusée : une nouvelle inscription est possible');
    expect(warned.body).toContain('name="confirmer_doublon"');
    const values = form({ email: 'refusee@exemple.fr' });
    const res = await b.post(
      NEW_URL,
      { ...values, doublons: refused.id, confirmer_doublon: 'oui' },
      { from: NEW_URL },
    );
    expect(res.statusCode).toBe(303);
  });
});

describe('“Renvoyer le lien”', () => {
  it('sends a new link that revokes the old one, is recorded, and stops once the password is set', async () => {
    let b = await browserFor(alpha);
    const values = form();
    const id = await registerThroughForm(b, values);
    const first = await lastLinkTo(values.email!);

    ctx.clock.advance(8 * DAY); // the first link has expired anyway
    b = await browserFor(alpha);
    const v = visitor();
    expect((await v.get(`/mot-de-passe/${first}`)).statusCode).toBe(410);
    const res = await b.post(`/admin/usagers/${id}/renvoyer-lien`, {}, { from: `/admin/usagers/${id}` });
    expect(res.statusCode).toBe(303);
    expect((await b.get(`/admin/usagers/${id}`)).body).toContain(
      'Nouveau lien « Définissez votre mot de passe » envoyé à',
    );
    const mails = await mailsTo(values.email!);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.template).toBe('patron_set_password_resent');
    expect(mails[1]?.patronId).toBe(id);
    const second = await lastLinkTo(values.email!);
    expect(second).not.toBe(first);
    const events1 = (await patronEvents(ctx, id)).filter((e) => e.action === 'password_link_resent');
    expect(events1).toHaveLength(1);
    expect(events1[0]?.actorId).toBe(alpha.id);

    // A third link revokes the second.
    await b.post(`/admin/usagers/${id}/renvoyer-lien`, {}, { from: `/admin/usagers/${id}` });
    const third = await lastLinkTo(values.email!);
    expect((await v.get(`/mot-de-passe/${second}`)).statusCode).toBe(410);
    expect(
      (await v.post(`/mot-de-passe/${third}`, { password: GOOD_PASSWORD, confirmation: GOOD_PASSWORD }))
        .statusCode,
    ).toBe(303);

    // The password is the patron's now: nothing more to send.
    const count = (await mailsTo(values.email!)).length;
    const again = await b.post(`/admin/usagers/${id}/renvoyer-lien`, {}, { from: `/admin/usagers/${id}` });
    expect(again.statusCode).toBe(303);
    expect((await b.get(`/admin/usagers/${id}`)).body).toContain('Cet usager a déjà défini son mot de passe');
    expect(await mailsTo(values.email!)).toHaveLength(count);
  });

  it('is refused (404) for another library’s patron, nothing sent', async () => {
    const b = await browserFor(alpha);
    const values = form();
    const id = await registerThroughForm(b, values);
    const other = await browserFor(beta);
    const before = await counts();
    expect((await other.get(`/admin/usagers/${id}`)).statusCode).toBe(404);
    expect(
      (await other.post(`/admin/usagers/${id}/renvoyer-lien`, {}, { from: '/admin/usagers' })).statusCode,
    ).toBe(404);
    const row = await patronRow(ctx, id);
    const decision = await other.post(
      `/admin/usagers/${id}/decision`,
      {
        action: 'decider',
        decision: 'accepter',
        membre: 'oui',
        naissance: 'oui',
        modele: 'accept_library',
        objet: 'x',
        message: 'y',
      },
      { from: '/admin/usagers' },
    );
    expect(decision.statusCode).toBe(404);
    expect(await patronRow(ctx, id)).toEqual(row);
    expect(await counts()).toEqual(before);
    expect(
      await ctx.database.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.patronId, id), eq(outbox.template, 'patron_set_password_resent'))),
    ).toHaveLength(0);
  });
});
