import { and, eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertLibrary, type Library, setLibraryActive } from '../../src/db/repositories/libraries.js';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import { insertPatron } from '../../src/db/repositories/patrons.js';
import { insertSelfRegistration } from '../../src/db/repositories/self-registration.js';
import { events, outbox, patrons, tokens } from '../../src/db/schema.js';
import { DAY, MINUTE } from '../../src/domain/clock.js';
import type { NetworkSettings } from '../../src/domain/settings.js';
import {
  ERASED_PATRON_LABEL,
  lapseUnconfirmed,
  sendConfirmationReminders,
} from '../../src/jobs/registration-sweeps.js';
import { SWEEPS } from '../../src/jobs/sweeps.js';
import { hashPassword } from '../../src/security/passwords.js';
import { sha256 } from '../../src/security/tokens.js';
import { issuePasswordLink } from '../../src/usecases/auth/password-links.js';
import { registerPatron } from '../../src/usecases/patrons/register-patron.js';
import { addStaff, createTestApp, TEST_BASE_URL, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';

const START = '2026-11-23T09:00:00Z';
const LINK = /http:\/\/sesame\.test\/inscription\/confirmer\/([A-Za-z0-9_-]+)/;

let ctx: TestContext;
let libA: Library;
let libB: Library;
let closedLibrary: Library;
let n = 0;

/** Each test browses from its own address, so the per-IP counters of one never affect another. */
function browser(c: TestContext = ctx): TestBrowser {
  n++;
  return new TestBrowser(c.app, `198.51.100.${n}`);
}

/** A valid form for a new person (unique identifiant and e-mail per call). */
function form(overrides: Record<string, string> = {}): Record<string, string> {
  n++;
  return {
    lastName: "N'Diaye-Lefèvre",
    firstName: 'Zoé',
    birthDate: '14/07/1990',
    email: `zoe.ndiaye${n}@exemple.fr`,
    identifier: `zoe.ndiaye${n}`,
    password: 'lune-de-miel-42',
    confirmation: 'lune-de-miel-42',
    libraryId: libA.id,
    newsletter: 'oui',
    site_web: '',
    ...overrides,
  };
}

function register(b: TestBrowser, values: Record<string, string>) {
  return b.post('/inscription', values, { from: '/inscription' });
}

async function mailsTo(c: TestContext, address: string) {
  return c.database.db.select().from(outbox).where(eq(outbox.toAddress, address)).orderBy(outbox.id);
}

async function patronByIdentifier(c: TestContext, identifier: string) {
  const [row] = await c.database.db.select().from(patrons).where(eq(patrons.identifier, identifier));
  return row;
}

async function counts(c: TestContext = ctx) {
  const one = async (table: typeof patrons | typeof outbox | typeof events | typeof tokens) => {
    const [row] = await c.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
    return row!.n;
  };
  return {
    patrons: await one(patrons),
    outbox: await one(outbox),
    events: await one(events),
    tokens: await one(tokens),
  };
}

/** Registers through the form and returns the patron row and the clear token of its e-mail. */
async function registered(c: TestContext, values: Record<string, string>) {
  const res = await register(browser(c), values);
  expect(res.statusCode).toBe(303);
  const patron = await patronByIdentifier(c, values.identifier!);
  const [mail] = await mailsTo(c, values.email!);
  const token = LINK.exec(mail!.text)![1]!;
  return { patron: patron!, token, mail: mail! };
}

async function withSettings(c: TestContext, change: Partial<NetworkSettings>, fn: () => Promise<void>) {
  const { settings } = await getNetwork(c.database.db);
  await updateNetwork(c.database.db, { settings: { ...settings, ...change } });
  try {
    await fn();
  } finally {
    await updateNetwork(c.database.db, { settings });
  }
}

async function addLibraries(c: TestContext) {
  const a = await insertLibrary(c.database.db, {
    code: 'L-A',
    name: 'Médiathèque du Pontiffroy',
    town: 'Metz',
    email: 'pontiffroy@exemple.fr',
  });
  const b = await insertLibrary(c.database.db, {
    code: 'L-B',
    name: 'Bibliothèque Jean-Morette',
    town: 'Nilvange',
    email: 'morette@exemple.fr',
  });
  return { a, b };
}

beforeAll(async () => {
  ctx = await createTestApp();
  ({ a: libA, b: libB } = await addLibraries(ctx));
  await insertLibrary(ctx.database.db, {
    code: 'L-C',
    name: 'Médiathèque Émile-Zola',
    town: 'Épinal-sur-Moselle',
    email: 'zola@exemple.fr',
  });
  await insertLibrary(ctx.database.db, {
    code: 'L-D',
    name: 'Annexe des Arènes',
    town: 'Metz',
    email: 'arenes@exemple.fr',
  });
  closedLibrary = await insertLibrary(ctx.database.db, {
    code: 'L-X',
    name: 'Bibliothèque fermée',
    town: 'Amnéville',
    email: 'fermee@exemple.fr',
  });
  await setLibraryActive(ctx.database.db, closedLibrary.id, false, ctx.clock.now());
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.clock.set(START);
});

describe('the registration form', () => {
  it('shows the seed’s fields, hints and the password rule before anything is typed', async () => {
    const res = await browser().get('/inscription');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>Formulaire d’inscription</h1>');
    expect(html).toContain('Les champs avec un astérisque sont obligatoires');
    for (const label of ['Nom', 'Prénom', 'Date de naissance', 'Courriel', 'Identifiant', 'Mot de passe'])
      expect(html).toMatch(
        new RegExp(`<label class="fr-label" for="champ-\\w+">${label}<span aria-hidden="true"> \\*</span>`),
      );
    expect(html).toContain('JJ/MM/AAAA. La mention d’âge détermine les contenus consultables.');
    expect(html).toContain('Celui de votre choix, évitez les accents');
    expect(html).toContain('Au moins 8 caractères');
    expect(html).toContain('Entrez à nouveau votre mot de passe');
    expect(html).toContain('Sélectionnez votre bibliothèque de proximité');
    expect(html).toContain('Je souhaite recevoir la newsletter pour connaître toutes les nouveautés.');
    expect(html).toContain('href="/donnees-personnelles"');
    expect(html).toContain('autocomplete="new-password"');
  });

  it('asks Oui or Non for the newsletter without a preselected answer', async () => {
    const html = (await browser().get('/inscription')).body;
    const radios = html.match(/<input type="radio"[^>]*name="newsletter"[^>]*>/g) ?? [];
    expect(radios).toHaveLength(2);
    for (const r of radios) expect(r).not.toContain('checked');
  });

  it('takes no newsletter answer as no: the field is optional, without an asterisk', async () => {
    const html = (await browser().get('/inscription')).body;
    const legend = /<legend[^>]*id="champ-newsletter-legende"[\s\S]*?<\/legend>/.exec(html)![0];
    expect(legend).not.toContain('*');
    expect(legend).toContain('Facultatif');
    const values = form();
    delete values.newsletter;
    const res = await register(browser(), values);
    expect(res.statusCode).toBe(303);
    const patron = await patronByIdentifier(ctx, values.identifier!);
    expect(patron?.newsletter).toBe(false);
  });

  it('lists the active libraries by town then name, grouped by initial, as “Commune — Nom”', async () => {
    const html = (await browser().get('/inscription')).body;
    const select = /<select[^>]*name="libraryId"[\s\S]*?<\/select>/.exec(html)![0];
    const labels = [...select.matchAll(/<option value="[^"]+"[^>]*>([^<]+)<\/option>/g)].map((m) => m[1]);
    expect(labels).toEqual([
      'Épinal-sur-Moselle — Médiathèque Émile-Zola',
      'Metz — Annexe des Arènes',
      'Metz — Médiathèque du Pontiffroy',
      'Nilvange — Bibliothèque Jean-Morette',
    ]);
    expect(select).toContain('<optgroup label="E">');
    expect(select).toContain('<optgroup label="M">');
    expect(select).not.toContain('Bibliothèque fermée');
    expect(select).toMatch(/<option value(="")? selected>Sélectionnez une bibliothèque<\/option>/);
  });

  it('hides the honeypot from people and assistive technologies', async () => {
    const html = (await browser().get('/inscription')).body;
    expect(html).toMatch(
      /<div class="fr-hidden" aria-hidden="true"><label for="champ-site-web">Ne pas remplir ce champ<\/label><input type="text" id="champ-site-web" name="site_web" value(="")? tabindex="-1" autocomplete="off"\/><\/div>/,
    );
  });
});

describe('registering', () => {
  it('creates a request waiting for confirmation and e-mails a single-use link, then says “Vérifiez votre messagerie”', async () => {
    const values = form({ identifier: 'Zoe.NDiaye', email: 'Zoe.NDiaye@exemple.fr' });
    const b = browser();
    const res = await register(b, values);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/inscription/envoyee');
    const page = await b.get('/inscription/envoyee');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Vérifiez votre messagerie');
    expect(page.body).toContain('dans les 15 jours');

    const patron = (await patronByIdentifier(ctx, 'Zoe.NDiaye'))!;
    expect(patron).toMatchObject({
      state: 'awaiting_confirmation',
      channel: 'self',
      lastName: "N'Diaye-Lefèvre",
      firstName: 'Zoé',
      birthDate: '1990-07-14',
      birthYear: 1990,
      email: 'Zoe.NDiaye@exemple.fr',
      libraryId: libA.id,
      newsletter: true,
      emailConfirmedAt: null,
      pendingSince: null,
    });
    expect(patron.registeredAt.toISOString()).toBe(new Date(START).toISOString());
    expect(patron.passwordHash).toMatch(/^\$argon2id\$/);

    const [mail, ...others] = await mailsTo(ctx, 'Zoe.NDiaye@exemple.fr');
    expect(others).toHaveLength(0);
    expect(mail!.subject).toBe('Confirmez votre inscription à NuMos');
    expect(mail!.text).toContain("Bonjour Zoé N'Diaye-Lefèvre,");
    expect(mail!.text).toContain('Médiathèque du Pontiffroy');
    expect(mail!.text).toContain('jusqu’au 08/12/2026 à 10:00');
    const token = LINK.exec(mail!.text)![1]!;
    expect(mail!.html).toContain(`${TEST_BASE_URL}/inscription/confirmer/${token}`);

    const [stored] = await ctx.database.db
      .select()
      .from(tokens)
      .where(and(eq(tokens.principalKind, 'patron'), eq(tokens.principalId, patron.id)));
    // Only the hash is kept: the database alone cannot confirm anyone.
    expect(stored).toMatchObject({ purpose: 'confirm_email', hash: sha256(token), usedAt: null });
    expect(stored!.expiresAt.toISOString()).toBe(
      new Date(new Date(START).getTime() + 15 * DAY).toISOString(),
    );

    const history = await ctx.database.db.select().from(events).where(eq(events.subjectId, patron.id));
    expect(history.map((e) => e.action)).toEqual(['registered']);
    expect(history[0]).toMatchObject({ actorKind: 'patron', actorLabel: "Zoé N'Diaye-Lefèvre (Zoe.NDiaye)" });
  });

  it('confirms once: temporary account, e-mails to the library and the network, then “déjà confirmée”', async () => {
    const values = form();
    const { patron, token } = await registered(ctx, values);
    ctx.clock.advance(2 * DAY);
    const b = browser();
    const res = await b.get(`/inscription/confirmer/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('Votre inscription est confirmée');
    expect(res.body).toContain('Accès libre');
    expect(res.body).toContain('Forfait');
    expect(res.body).toContain('validée par Médiathèque du Pontiffroy');
    expect(res.body).toContain('au plus 31 jours, jusqu’au 26/12/2026');
    expect(res.body).toContain('href="/connexion"');

    const row = (await patronByIdentifier(ctx, values.identifier!))!;
    expect(row.state).toBe('pending');
    expect(row.emailConfirmedAt?.toISOString()).toBe(ctx.clock.now().toISOString());
    expect(row.pendingSince?.toISOString()).toBe(ctx.clock.now().toISOString());
    const [used] = await ctx.database.db.select().from(tokens).where(eq(tokens.principalId, patron.id));
    expect(used!.usedAt).not.toBeNull();

    const [toLibrary, ...more] = await mailsTo(ctx, 'pontiffroy@exemple.fr').then((m) =>
      m.filter((x) => x.text.includes(patron.id)),
    );
    expect(more).toHaveLength(0);
    expect(toLibrary!.subject).toBe("Nouvelle demande d’inscription à valider : Zoé N'Diaye-Lefèvre");
    expect(toLibrary!.text).toContain(`${TEST_BASE_URL}/admin/usagers/${patron.id}`);
    expect(toLibrary!.text).toContain('date de naissance : 14/07/1990 (36 ans)');
    expect(toLibrary!.text).toContain('Demande faite le 23/11/2026');
    const [copy] = await mailsTo(ctx, 'reseau@exemple.fr').then((m) =>
      m.filter((x) => x.text.includes(patron.id)),
    );
    expect(copy!.subject).toContain('Copie pour information');
    expect(copy!.text).toContain('Copie pour information');
    expect(copy!.text).toContain('Médiathèque du Pontiffroy');

    const actions = (await ctx.database.db.select().from(events).where(eq(events.subjectId, patron.id))).map(
      (e) => e.action,
    );
    expect(actions.sort()).toEqual(['email_confirmed', 'registered']);

    const before = await counts();
    const again = await b.get(`/inscription/confirmer/${token}`);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Votre inscription est déjà confirmée');
    expect(again.body).toContain('href="/connexion"');
    expect(await counts()).toEqual(before);
  });

  it('opens the temporary account: the patron logs in and “Mon compte” shows the banner', async () => {
    const values = form({ lastName: 'Le Bihan-Kerjean', firstName: 'Maël' });
    const { token } = await registered(ctx, values);
    await browser().get(`/inscription/confirmer/${token}`);
    const b = browser();
    const login = await b.logIn(values.identifier!, values.password!);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/mon-compte');
    const account = await b.get('/mon-compte');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain(
      'Compte temporaire : votre inscription est en attente de validation par Médiathèque du Pontiffroy',
    );
    expect(account.body).toContain('jusqu’au 24/12/2026 au plus tard');
    expect(account.body).toContain('Accès libre');
    for (const shown of ['Le Bihan-Kerjean', 'Maël', '14/07/1990', values.email!, values.identifier!])
      expect(account.body).toContain(shown);
    expect(account.body).toMatch(/<th scope="row">Newsletter<\/th><td>Oui<\/td>/);
  });

  it('files the request with the library chosen, read as the form checks it (spaces around the id)', async () => {
    const values = form({ libraryId: ` ${libA.id} ` });
    const { patron, mail } = await registered(ctx, values);
    expect(patron.libraryId).toBe(libA.id);
    expect(mail.text).toContain(libA.name);
  });

  it('refuses to log in before confirmation, with a French explanation', async () => {
    const values = form();
    await registered(ctx, values);
    const res = await browser().logIn(values.identifier!, values.password!);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Votre inscription n’est pas encore confirmée');
    expect(res.cookies.find((c) => c.name === 'sesame_session')).toBeUndefined();
  });

  it('sends /mon-compte visitors to the login page', async () => {
    const res = await browser().get('/mon-compte');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/connexion?suite=%2Fmon-compte');
  });
});

describe('bad input', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['a name with digits', { lastName: 'R2-D2' }, 'lastName', 'Le nom ne peut contenir que des lettres'],
    ['an empty first name', { firstName: '  ' }, 'firstName', 'Saisissez le prénom.'],
    ['31/02/2000', { birthDate: '31/02/2000' }, 'birthDate', 'Cette date n’existe pas.'],
    [
      'a future birth date',
      { birthDate: '01/01/2030' },
      'birthDate',
      'La date de naissance doit être passée.',
    ],
    [
      'a birth date in 1890',
      { birthDate: '14/07/1890' },
      'birthDate',
      'cette date donnerait plus de 120 ans',
    ],
    ['an e-mail without domain', { email: 'zoe@' }, 'email', 'Saisissez une adresse électronique valide'],
    [
      'an identifiant with an accent',
      { identifier: 'zoé' },
      'identifier',
      'Évitez les accents : lettres sans accents, chiffres, point, tiret ou souligné.',
    ],
    ['a short password', { password: 'court', confirmation: 'court' }, 'password', 'au moins 8 caractères'],
    ['a common password', { password: 'motdepasse', confirmation: 'motdepasse' }, 'password', 'trop courant'],
    [
      'a password equal to the identifiant',
      { identifier: 'lune.rousse', password: 'lune.rousse', confirmation: 'lune.rousse' },
      'password',
      'ne doit pas être votre identifiant',
    ],
    ['a different confirmation', { confirmation: 'lune-de-miel-43' }, 'confirmation', 'pas identiques'],
    ['no library', { libraryId: '' }, 'libraryId', 'Sélectionnez votre bibliothèque de proximité.'],
    ['an inactive library', { libraryId: 'closed' }, 'libraryId', 'ne participe pas (ou plus)'],
    [
      'a forged newsletter answer',
      { newsletter: 'peut-être' },
      'newsletter',
      'Indiquez si vous souhaitez recevoir la newsletter',
    ],
  ];

  it.each(cases)(
    'refuses %s with a message by the field, keeps the input, writes nothing',
    async (_, change, field, message) => {
      const values = form(change.libraryId === 'closed' ? { libraryId: closedLibrary.id } : change);
      const before = await counts();
      const res = await register(browser(), values);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Le formulaire contient une erreur');
      expect(res.body).toContain(`<a href="#champ-${field}">`);
      expect(res.body).toMatch(
        new RegExp(
          `id="champ-${field}-message" aria-live="polite"><p class="fr-message fr-message--error">[^<]*${message.replace(/[.()]/g, '\\$&')}`,
        ),
      );
      // What was typed comes back, except the passwords.
      for (const kept of ['lastName', 'firstName', 'birthDate', 'email', 'identifier'] as const)
        expect(res.body).toContain(
          `name="${kept}" type="${kept === 'email' ? 'email' : 'text'}" value="${values[kept]}"`,
        );
      if (values.libraryId && values.libraryId !== closedLibrary.id)
        expect(res.body).toMatch(new RegExp(`<option value="${values.libraryId}" selected`));
      if (values.newsletter === 'oui') expect(res.body).toMatch(/value="oui" checked/);
      expect(res.body).not.toMatch(/name="(password|confirmation)"[^>]*value=/);
      for (const secret of [values.password!, values.confirmation!])
        if (secret !== values.identifier) expect(res.body).not.toContain(secret);
      expect(await counts()).toEqual(before);
    },
  );

  it('says that an identifiant is taken, whatever its case, by a patron or by staff', async () => {
    const first = form({ identifier: 'lea.martin' });
    await registered(ctx, first);
    await addStaff(ctx, { identifier: 'Agent5201', libraryIds: [libA.id] });
    for (const identifier of ['LEA.MARTIN', 'Lea.Martin', 'agent5201']) {
      const values = form({ identifier });
      const before = await counts();
      const res = await register(browser(), values);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Cet identifiant est déjà utilisé : choisissez-en un autre.');
      expect(res.body).toContain(`value="${identifier}"`);
      expect(await counts()).toEqual(before);
    }
  });

  it('rejects a forged form without its CSRF token', async () => {
    const before = await counts();
    const res = await browser().post('/inscription', form(), { csrf: null });
    expect(res.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe('no enumeration', () => {
  it('answers the same for an address that already has an account, which gets “Vous avez déjà un compte”', async () => {
    const original = form();
    const { token } = await registered(ctx, original);
    await browser().get(`/inscription/confirmer/${token}`);

    const fresh = await register(browser(), form());
    const again = form({ email: original.email!.toUpperCase() });
    const before = await counts();
    const res = await register(browser(), again);
    expect(res.statusCode).toBe(fresh.statusCode);
    expect(res.headers.location).toBe(fresh.headers.location);
    expect(res.body).toBe(fresh.body);

    const after = await counts();
    expect(after.patrons).toBe(before.patrons);
    expect(after.outbox).toBe(before.outbox + 1);
    expect(await patronByIdentifier(ctx, again.identifier!)).toBeUndefined();
    const [mail] = await mailsTo(ctx, again.email!);
    expect(mail!.subject).toBe('Vous avez déjà un compte — NuMos');
    expect(mail!.text).toContain(`Votre identifiant : ${original.identifier}.`);
    expect(mail!.text).toContain(`${TEST_BASE_URL}/mot-de-passe-oublie`);
    expect(mail!.text).toContain('aucun second compte n’a été créé');
  });

  it('sends a fresh link when the existing request is not confirmed yet, and the old link stops working', async () => {
    const original = form();
    const { patron, token: oldToken } = await registered(ctx, original);
    const before = await counts();
    const res = await register(browser(), form({ email: original.email! }));
    expect(res.statusCode).toBe(303);
    expect((await counts()).patrons).toBe(before.patrons);
    const mails = await mailsTo(ctx, original.email!);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe('Vous avez déjà un compte — NuMos');
    expect(mails[1]!.text).toContain(`identifiant ${original.identifier}`);
    const newToken = LINK.exec(mails[1]!.text)![1]!;
    expect(newToken).not.toBe(oldToken);

    const old = await browser().get(`/inscription/confirmer/${oldToken}`);
    expect(old.statusCode).toBe(410);
    expect(old.body).toContain('Ce lien a été remplacé');
    const ok = await browser().get(`/inscription/confirmer/${newToken}`);
    expect(ok.body).toContain('Votre inscription est confirmée');
    expect((await ctx.database.db.select().from(patrons).where(eq(patrons.id, patron.id)))[0]!.state).toBe(
      'pending',
    );
  });

  it('lets a refused person apply again with the same address', async () => {
    const refused = await insertPatron(ctx.database.db, {
      libraryId: libA.id,
      state: 'refused',
      channel: 'self',
      lastName: 'Refusé',
      firstName: 'Paul',
      birthDate: '1980-01-01',
      birthYear: 1980,
      email: 'paul.refuse@exemple.fr',
      identifier: 'paul.refuse',
      registeredAt: new Date(START),
      createdAt: new Date(START),
      updatedAt: new Date(START),
    });
    const values = form({ email: 'paul.refuse@exemple.fr', identifier: 'paul.refuse2' });
    await registered(ctx, values);
    const row = await patronByIdentifier(ctx, 'paul.refuse2');
    expect(row?.state).toBe('awaiting_confirmation');
    expect(row?.id).not.toBe(refused.id);
  });

  it('treats a filled honeypot like a success and writes nothing', async () => {
    const before = await counts();
    const res = await register(browser(), form({ site_web: 'http://promo.example' }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/inscription/envoyee');
    // The counter of attempts is the only write.
    expect(await counts()).toEqual(before);
  });
});

describe('limits and settings', () => {
  it('limits registrations per IP address with a French 429 page', async () => {
    await withSettings(ctx, { loginIpPerQuarterHour: 5 }, async () => {
      const b = browser();
      for (let i = 0; i < 5; i++) expect((await register(b, form({ birthDate: 'x' }))).statusCode).toBe(400);
      const before = await counts();
      const blocked = await register(b, form());
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Trop de demandes d’inscription depuis votre réseau');
      expect(await counts()).toEqual(before);
      // Another address is not affected; a quarter of an hour later this one may try again.
      expect((await register(browser(), form())).statusCode).toBe(303);
      ctx.clock.advance(16 * MINUTE);
      expect((await register(b, form())).statusCode).toBe(303);
    });
  });

  it('counts valid forms in the database too, so that instances sharing it share the limit', async () => {
    // registerPatron without this instance's counter: as if each form reached another instance.
    await withSettings(ctx, { loginIpPerQuarterHour: 5 }, async () => {
      const deps = { db: ctx.database.db, clock: ctx.clock, baseUrl: TEST_BASE_URL };
      const ip = '203.0.113.90';
      for (let i = 0; i < 5; i++)
        expect((await registerPatron(deps, { form: form(), ip })).kind).toBe('registered');
      const before = await counts();
      await expect(registerPatron(deps, { form: form(), ip })).rejects.toMatchObject({
        code: 'register_rate_limited',
        status: 429,
      });
      expect(await counts()).toEqual(before);
    });
  });

  it('refuses a library deactivated an instant before the form is written', async () => {
    const library = await insertLibrary(ctx.database.db, {
      code: 'L-FERME-BIENTOT',
      name: 'Bibliothèque qui ferme',
      town: 'Thionville',
      email: 'ferme@exemple.fr',
    });
    try {
      // The first form loads the list of active libraries that the next one reuses.
      expect((await register(browser(), form({ libraryId: library.id }))).statusCode).toBe(303);
      await setLibraryActive(ctx.database.db, library.id, false, ctx.clock.now());
      const before = await counts();
      const values = form({ libraryId: library.id });
      const res = await register(browser(), values);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('ne participe pas (ou plus) au service');
      expect(res.body).toContain(`value="${values.identifier}"`);
      expect(await counts()).toEqual(before);
    } finally {
      await setLibraryActive(ctx.database.db, library.id, true, ctx.clock.now());
    }
  });

  it('limits confirmation attempts per IP address', async () => {
    await withSettings(ctx, { loginIpPerQuarterHour: 5 }, async () => {
      const b = browser();
      for (let i = 0; i < 5; i++)
        expect((await b.get(`/inscription/confirmer/${'x'.repeat(43)}${i}`)).statusCode).toBe(404);
      const blocked = await b.get(`/inscription/confirmer/${'y'.repeat(43)}`);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Trop de tentatives depuis votre réseau');
    });
  });

  it('says registration is done at the library when self-registration is off, and refuses posts', async () => {
    await withSettings(ctx, { selfRegistration: false }, async () => {
      const b = browser();
      const page = await b.get('/inscription');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('L’inscription se fait en bibliothèque');
      expect(page.body).toContain('href="/bibliotheques"');
      expect(page.body).not.toContain('name="identifier"');
      const before = await counts();
      const res = await b.post('/inscription', form(), { from: '/connexion' });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('L’inscription se fait en bibliothèque');
      expect({ ...(await counts()) }).toEqual(before);
    });
  });
});

describe('confirmation links', () => {
  it('says the request expired after the deadline, and changes nothing', async () => {
    const { patron, token } = await registered(ctx, form());
    ctx.clock.advance(15 * DAY);
    const res = await browser().get(`/inscription/confirmer/${token}`);
    expect(res.statusCode).toBe(410);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('Votre demande a expiré, vous pouvez vous inscrire à nouveau');
    expect(res.body).toContain('href="/inscription"');
    const [row] = await ctx.database.db.select().from(patrons).where(eq(patrons.id, patron.id));
    expect(row!.state).toBe('awaiting_confirmation');
  });

  it('answers 404 in French for an unknown or malformed token', async () => {
    for (const token of ['A'.repeat(43), 'court', '%3Cscript%3E']) {
      const res = await browser().get(`/inscription/confirmer/${token}`);
      expect(res.statusCode).toBe(404);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.body).toContain('Lien de confirmation inconnu');
    }
  });

  it('does not mix confirmation links and password links', async () => {
    const values = form();
    const { token } = await registered(ctx, values);
    const agent = await addStaff(ctx, { identifier: 'agent-liens', libraryIds: [libA.id] });
    const { url } = await issuePasswordLink(
      ctx.database.db,
      { kind: 'staff', id: agent.id },
      'set_password',
      ctx.clock.now(),
      DAY,
      TEST_BASE_URL,
    );
    const passwordToken = url.split('/').pop()!;
    expect((await browser().get(`/inscription/confirmer/${passwordToken}`)).statusCode).toBe(404);
    expect((await browser().get(`/mot-de-passe/${token}`)).statusCode).toBe(404);
    expect((await patronByIdentifier(ctx, values.identifier!))!.state).toBe('awaiting_confirmation');
  });
});

describe('at the same time', () => {
  it('confirms once when the link is opened twice at once', async () => {
    const { patron, token } = await registered(ctx, form());
    const pages = await Promise.all([
      browser().get(`/inscription/confirmer/${token}`),
      browser().get(`/inscription/confirmer/${token}`),
    ]);
    const titles = pages.map((p) => /<h1>([^<]+)<\/h1>/.exec(p.body)![1]).sort();
    expect(titles).toEqual(['Votre inscription est confirmée', 'Votre inscription est déjà confirmée']);
    const toLibrary = (await mailsTo(ctx, 'pontiffroy@exemple.fr')).filter((m) => m.text.includes(patron.id));
    expect(toLibrary).toHaveLength(1);
    const confirmations = await ctx.database.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, patron.id), eq(events.action, 'email_confirmed')));
    expect(confirmations).toHaveLength(1);
  });

  it('creates one account when the same address is sent twice at once', async () => {
    const email = 'double.envoi@exemple.fr';
    const results = await Promise.all([
      register(browser(), form({ email })),
      register(browser(), form({ email })),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([303, 303]);
    const rows = await ctx.database.db.select().from(patrons).where(eq(patrons.email, email));
    expect(rows).toHaveLength(1);
    const subjects = (await mailsTo(ctx, email)).map((m) => m.subject).sort();
    expect(subjects).toEqual(['Confirmez votre inscription à NuMos', 'Vous avez déjà un compte — NuMos']);
  });
  it('answers as a repeat a form whose address another instance is writing at that very moment', async () => {
    // The first request is written but not yet committed when the second arrives: on PostgreSQL
    // the second's insert waits on the unconfirmed-address index, then falls back to the
    // locked answer; on PGlite (one connection) it waits for the commit and finds the request.
    const email = 'au.meme.instant@exemple.fr';
    const other = onPostgres ? ctx.openAnother().db : ctx.database.db;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const wasWritten = new Promise<void>((resolve) => {
      written = resolve;
    });
    const now = ctx.clock.now();
    const first = ctx.database.db.transaction(async (tx) => {
      const insert = await insertSelfRegistration(
        tx,
        {
          patron: {
            libraryId: libA.id,
            lastName: 'Premier',
            firstName: 'Envoi',
            birthDate: '1990-01-01',
            birthYear: 1990,
            email: email.toUpperCase(),
            identifier: 'premier.envoi',
            passwordHash: await hashPassword('Un-mot-de-passe-9'),
            newsletter: false,
          },
          tokenHash: sha256('jeton-du-premier-envoi'),
          deadline: new Date(now.getTime() + 15 * DAY),
          mail: {
            to: email,
            subject: 'Premier envoi',
            text: 'texte',
            html: '<p>texte</p>',
            template: 'test',
          },
          eventLabel: 'Envoi Premier (premier.envoi)',
          eventData: {},
          now,
        },
        { throttleKey: 'register-ip:203.0.113.76', windowStart: new Date(now.getTime() - DAY), limit: 50 },
      );
      expect(insert.kind).toBe('registered');
      written();
      await held;
    });
    await wasWritten;
    const second = registerPatron(
      { db: other, clock: ctx.clock, baseUrl: TEST_BASE_URL },
      { form: form({ email, identifier: 'second.envoi' }), ip: '203.0.113.77' },
    );
    setTimeout(release, 300);
    const [, outcome] = await Promise.all([first, second]);
    expect(outcome.kind).toBe('existing_account');
    const rows = await ctx.database.db.select().from(patrons).where(sql`lower(${patrons.email}) = ${email}`);
    expect(rows.map((r) => r.identifier)).toEqual(['premier.envoi']);
    const subjects = (await mailsTo(ctx, email)).map((m) => m.subject).sort();
    expect(subjects).toEqual(['Premier envoi', 'Vous avez déjà un compte — NuMos']);
  });

  it('gives an identifiant to one of two forms sent at once, and says so to the other', async () => {
    const identifier = 'meme.identifiant';
    const results = await Promise.all([
      register(browser(), form({ identifier })),
      register(browser(), form({ identifier })),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 400]);
    expect(results.find((r) => r.statusCode === 400)!.body).toContain('Cet identifiant est déjà utilisé');
    const rows = await ctx.database.db
      .select()
      .from(patrons)
      .where(sql`lower(${patrons.identifier}) = ${identifier}`);
    expect(rows).toHaveLength(1);
  });
});

describe('Mon compte', () => {
  it('shows an active account with its end date; staff cannot open it', async () => {
    const password = 'lune-de-miel-42';
    await insertPatron(ctx.database.db, {
      libraryId: libB.id,
      state: 'active',
      channel: 'self',
      lastName: 'Le Bihan-Kerjean',
      firstName: 'Yann',
      birthDate: '2001-03-09',
      birthYear: 2001,
      email: 'yann.lebihan@exemple.fr',
      identifier: 'yann.lebihan',
      passwordHash: await hashPassword(password),
      newsletter: false,
      activeUntil: '2027-11-22',
      registeredAt: new Date(START),
      createdAt: new Date(START),
      updatedAt: new Date(START),
    });
    const b = browser();
    await b.logIn('yann.lebihan', password);
    const page = await b.get('/mon-compte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Actif jusqu’au 22/11/2027');
    expect(page.body).not.toContain('Compte temporaire');
    expect(page.body).toContain('Bibliothèque Jean-Morette');
    expect(page.body).toMatch(/<th scope="row">Newsletter<\/th><td>Non<\/td>/);

    const agent = await addStaff(ctx, { identifier: 'agent-compte', libraryIds: [libB.id] });
    const sb = browser();
    await sb.logIn(agent.identifier, agent.password);
    expect((await sb.get('/mon-compte')).statusCode).toBe(403);
  });

  it('sends a logged-in patron from /inscription to their account', async () => {
    const values = form();
    const { token } = await registered(ctx, values);
    await browser().get(`/inscription/confirmer/${token}`);
    const b = browser();
    await b.logIn(values.identifier!, values.password!);
    const res = await b.get('/inscription');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/mon-compte');
  });
});

describe('the library’s direct link', () => {
  it('goes through the login page to the record; another library’s staff get 404', async () => {
    const { patron, token } = await registered(ctx, form());
    await browser().get(`/inscription/confirmer/${token}`);
    const [mail] = (await mailsTo(ctx, 'pontiffroy@exemple.fr')).filter((m) => m.text.includes(patron.id));
    const url = `${TEST_BASE_URL}/admin/usagers/${patron.id}`;
    expect(mail!.text).toContain(url);
    const path = url.slice(TEST_BASE_URL.length);

    const a = await addStaff(ctx, { identifier: 'pontiffroy1', libraryIds: [libA.id] });
    const b = browser();
    const asked = await b.get(path);
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe(`/connexion?suite=%2Fadmin%2Fusagers%2F${patron.id}`);
    await b.get(asked.headers.location as string);
    const login = await b.post('/connexion', { login: a.identifier, password: a.password, suite: path }, {});
    expect(login.headers.location).toBe(path);

    const other = await addStaff(ctx, { identifier: 'morette1', libraryIds: [libB.id] });
    const ob = browser();
    await ob.logIn(other.identifier, other.password);
    const refused: LightMyRequestResponse = await ob.get(path);
    expect(refused.statusCode).toBe(404);
  });
});

describe('sweeps', () => {
  let sc: TestContext;
  let lib: Library;
  const sweepCtx = () => ({ db: sc.database.db, clock: sc.clock, config: sc.config });

  beforeAll(async () => {
    sc = await createTestApp();
    lib = (await addLibraries(sc)).a;
  });
  afterAll(() => sc.close());
  beforeEach(() => sc.clock.set(START));

  it('are registered with the scheduler', () => {
    const names = SWEEPS.map((s) => s.name);
    expect(names).toContain('confirmation-reminders');
    expect(names).toContain('lapse-unconfirmed');
  });

  it('reminds once, three days before the deadline, with a fresh link that works', async () => {
    const values = form({ libraryId: lib.id });
    const { patron, token: first } = await registered(sc, values);

    sc.clock.advance(12 * DAY - MINUTE);
    expect(await sendConfirmationReminders(sweepCtx())).toEqual({ reminded: 0 });
    sc.clock.advance(MINUTE);
    expect(await sendConfirmationReminders(sweepCtx())).toEqual({ reminded: 1 });
    expect(await sendConfirmationReminders(sweepCtx())).toEqual({ reminded: 0 });

    const mails = await mailsTo(sc, values.email!);
    expect(mails.map((m) => m.subject)).toEqual([
      'Confirmez votre inscription à NuMos',
      'Rappel : confirmez votre inscription à NuMos',
    ]);
    const reminder = mails[1]!;
    expect(reminder.text).toContain('avant le 08/12/2026 à 10:00');
    expect(reminder.text).toContain('Ce lien remplace celui du courriel précédent, qui ne fonctionne plus.');
    const fresh = LINK.exec(reminder.text)![1]!;
    expect(fresh).not.toBe(first);
    const [row] = await sc.database.db.select().from(patrons).where(eq(patrons.id, patron.id));
    expect(row!.confirmationRemindedAt?.toISOString()).toBe(sc.clock.now().toISOString());

    const old = await browser(sc).get(`/inscription/confirmer/${first}`);
    expect(old.statusCode).toBe(410);
    expect(old.body).toContain('Ce lien a été remplacé');
    const ok = await browser(sc).get(`/inscription/confirmer/${fresh}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Votre inscription est confirmée');
  });

  it('lapses unconfirmed requests after the deadline, purging personal data, once', async () => {
    sc.clock.set('2026-12-01T09:00:00Z');
    const unconfirmed = await registered(
      sc,
      form({ libraryId: lib.id, firstName: 'Anaïs', lastName: "D'Arc" }),
    );
    const confirmed = await registered(sc, form({ libraryId: lib.id }));
    await browser(sc).get(`/inscription/confirmer/${confirmed.token}`);

    sc.clock.advance(15 * DAY - MINUTE);
    // The reminder (due 3 days before the deadline) leaves first; the lapse erases it too.
    expect(await sendConfirmationReminders(sweepCtx())).toEqual({ reminded: 1 });
    expect(await lapseUnconfirmed(sweepCtx())).toEqual({ lapsed: 0 });
    sc.clock.advance(DAY + MINUTE);
    expect(await lapseUnconfirmed(sweepCtx())).toEqual({ lapsed: 1 });
    expect(await lapseUnconfirmed(sweepCtx())).toEqual({ lapsed: 0 });

    const [row] = await sc.database.db.select().from(patrons).where(eq(patrons.id, unconfirmed.patron.id));
    expect(row).toMatchObject({
      state: 'lapsed',
      lastName: null,
      firstName: null,
      birthDate: null,
      email: null,
      identifier: null,
      passwordHash: null,
      cardNumber: null,
      birthYear: 1990,
      libraryId: lib.id,
    });
    expect(row!.registeredAt.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(row!.anonymisedAt?.toISOString()).toBe(sc.clock.now().toISOString());
    const left = await sc.database.db
      .select()
      .from(tokens)
      .where(eq(tokens.principalId, unconfirmed.patron.id));
    expect(left).toHaveLength(0);

    const history = await sc.database.db
      .select()
      .from(events)
      .where(eq(events.subjectId, unconfirmed.patron.id))
      .orderBy(events.id);
    expect(history.map((e) => e.action)).toEqual(['registered', 'confirmation_reminded', 'lapsed']);
    expect(history[0]!.actorLabel).toBe(ERASED_PATRON_LABEL);
    expect(history[1]!.actorKind).toBe('system');
    const serialised = JSON.stringify(history);
    for (const secret of ['Anaïs', "D'Arc", unconfirmed.patron.email!, unconfirmed.patron.identifier!])
      expect(serialised).not.toContain(secret);
    const mailbox = JSON.stringify(await sc.database.db.select().from(outbox));
    for (const secret of [
      'Anaïs',
      "D'Arc",
      'D&#39;Arc',
      unconfirmed.patron.email!,
      unconfirmed.patron.identifier!,
    ])
      expect(mailbox).not.toContain(secret);

    const [still] = await sc.database.db.select().from(patrons).where(eq(patrons.id, confirmed.patron.id));
    expect(still!.state).toBe('pending');
    expect(still!.firstName).toBe('Zoé');

    // The link now leads to a page inviting to register again; the address and identifiant are free.
    const link = await browser(sc).get(`/inscription/confirmer/${unconfirmed.token}`);
    expect(link.statusCode).toBe(404);
    expect(link.body).toContain('vous pouvez vous inscrire à nouveau');
    const again = form({
      libraryId: lib.id,
      email: unconfirmed.mail.toAddress,
      identifier: unconfirmed.patron.identifier!,
    });
    const { patron: renewed } = await registered(sc, again);
    expect(renewed.state).toBe('awaiting_confirmation');
  });
});
