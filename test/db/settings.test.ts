import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNetwork, type Network } from '../../src/db/repositories/network.js';
import { events, network as networkTable } from '../../src/db/schema.js';
import { defaultSettings, SETTING_GROUPS, SETTINGS, type SettingKey } from '../../src/domain/settings.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

let ctx: TestContext;
let admin: TestBrowser;
let staffA: TestBrowser;

beforeAll(async () => {
  ctx = await createTestApp();
  const lib = await addLibrary(ctx);
  const a = await addStaff(ctx, { identifier: 'admin-parametres', role: 'network_admin' });
  const s = await addStaff(ctx, { identifier: 'agent-parametres', libraryIds: [lib.id] });
  admin = new TestBrowser(ctx.app, '198.51.100.31');
  staffA = new TestBrowser(ctx.app, '198.51.100.32');
  expect((await admin.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staffA.logIn(s.identifier, s.password)).statusCode).toBe(303);
});
afterAll(() => ctx.close());
beforeEach(async () => {
  ctx.clock.set('2026-11-23T09:00:00Z');
  // Every test starts from the profile's values.
  await ctx.database.db
    .update(networkTable)
    .set({ name: 'NuMos', email: 'reseau@exemple.fr', settings: defaultSettings('numos') })
    .where(eq(networkTable.id, 1));
});

const KEYS = Object.keys(SETTINGS) as SettingKey[];
const rawNetwork = async () => (await ctx.database.db.select().from(networkTable))[0]!;
const settingsEvents = () =>
  ctx.database.db
    .select()
    .from(events)
    .where(and(eq(events.action, 'settings_updated'), eq(events.subjectKind, 'network')))
    .orderBy(asc(events.id));

/** The form as the page fills it: every field, with the version the page was drawn from. */
async function filledForm(b: TestBrowser): Promise<Record<string, string>> {
  const page = await b.get('/admin/parametres');
  expect(page.statusCode).toBe(200);
  const n: Network = await getNetwork(ctx.database.db);
  const form: Record<string, string> = {
    name: n.name,
    email: n.email,
    version: /name="version" value="([^"]+)"/.exec(page.body)![1]!,
  };
  for (const key of KEYS) {
    const v = n.settings[key];
    form[key] = typeof v === 'boolean' ? (v ? 'oui' : 'non') : String(v);
  }
  return form;
}

describe('settings page', () => {
  it('shows the network’s name and e-mail, then every setting grouped in fieldsets with its profile default', async () => {
    const res = await admin.get('/admin/parametres');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="NuMos"');
    expect(res.body).toContain('value="reseau@exemple.fr"');
    for (const label of Object.values(SETTING_GROUPS))
      expect(res.body).toMatch(new RegExp(`<legend[^>]*>${label}</legend>`));
    for (const def of Object.values(SETTINGS))
      expect(res.body).toContain(def.label.replaceAll('"', '&quot;'));
    expect(res.body).toContain('Valeur par défaut (profil numos) : 15 jours');
    expect(res.body).toContain('Valeur par défaut (profil numos) : Oui');
    expect(res.body).toContain('Valeur par défaut (profil numos) : la date de validation');
    expect(res.body).toMatch(/name="selfRegistration" value="oui" checked/);
    expect(res.body).toMatch(/name="membershipAnchor" value="decision" checked/);
    expect(res.body).toMatch(/name="confirmationDays"[^>]*value="15"/);
  });

  it('is closed to library staff (403), whatever they post', async () => {
    expect((await staffA.get('/admin/parametres')).statusCode).toBe(403);
    const before = await rawNetwork();
    const res = await staffA.post(
      '/admin/parametres',
      { name: 'Piraté', email: 'pirate@exemple.fr', confirmationDays: '90' },
      { from: '/admin' },
    );
    expect(res.statusCode).toBe(403);
    expect(await rawNetwork()).toEqual(before);
    expect(await settingsEvents()).toEqual([]);
  });
});

describe('saving settings', () => {
  it('saves every value and records only what changed, before and after', async () => {
    const eventsBefore = (await settingsEvents()).length;
    const form = await filledForm(admin);
    const res = await admin.post('/admin/parametres', {
      ...form,
      name: 'Réseau des médiathèques d’Exemple',
      email: 'Contact.Reseau@Exemple.fr',
      confirmationDays: '20',
      selfRegistration: 'non',
      membershipAnchor: 'registration',
      licencePool: '12 500',
    });
    expect(res.statusCode).toBe(303);
    expect((await admin.get('/admin/parametres')).body).toContain('Paramètres enregistrés.');
    const n = await getNetwork(ctx.database.db);
    expect(n.name).toBe('Réseau des médiathèques d’Exemple');
    expect(n.email).toBe('contact.reseau@exemple.fr');
    expect(n.settings).toEqual({
      ...defaultSettings('numos'),
      confirmationDays: 20,
      selfRegistration: false,
      membershipAnchor: 'registration',
      licencePool: 12_500,
    });
    const [event, ...more] = (await settingsEvents()).slice(eventsBefore);
    expect(more).toEqual([]);
    expect(event?.data).toEqual({
      before: {
        name: 'NuMos',
        email: 'reseau@exemple.fr',
        confirmationDays: 15,
        selfRegistration: true,
        membershipAnchor: 'decision',
        licencePool: 20_000,
      },
      after: {
        name: 'Réseau des médiathèques d’Exemple',
        email: 'contact.reseau@exemple.fr',
        confirmationDays: 20,
        selfRegistration: false,
        membershipAnchor: 'registration',
        licencePool: 12_500,
      },
    });
    // The new name is what the next page shows.
    expect((await admin.get('/admin')).body).toContain('Réseau des médiathèques d’Exemple');
  });

  it('explains every bad value at once, keeps what was typed and saves nothing', async () => {
    const before = await rawNetwork();
    const eventsBefore = (await settingsEvents()).length;
    const form = await filledForm(admin);
    const res = await admin.post('/admin/parametres', {
      ...form,
      name: '   ',
      email: 'reseau@',
      confirmationDays: '91',
      escalationDays: 'cinq',
      undoMinutes: '2.5',
      selfRegistration: 'peut-être',
      membershipAnchor: 'jamais',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez le nom du réseau.');
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('Saisissez un nombre entier entre 1 et 90.');
    expect(res.body).toContain('Saisissez un nombre entier entre 1 et 60.');
    expect(res.body).toContain('Saisissez un nombre entier entre 0 et 60.');
    expect(res.body).toContain('Choisissez Oui ou Non.');
    expect(res.body).toContain('Choisissez l’une des possibilités.');
    expect(res.body).toContain('Le formulaire contient 7 erreurs');
    expect(res.body).toMatch(/name="confirmationDays"[^>]*value="91"/);
    expect(res.body).toMatch(/name="escalationDays"[^>]*value="cinq"/);
    expect(res.body).toContain('value="reseau@"');
    expect(await rawNetwork()).toEqual(before);
    expect(await settingsEvents()).toHaveLength(eventsBefore);
  });

  it('refuses a form with missing settings rather than guessing them', async () => {
    const before = await rawNetwork();
    const { confirmationDays: _, ...partial } = await filledForm(admin);
    const res = await admin.post('/admin/parametres', partial);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Saisissez un nombre entier entre 1 et 90.');
    expect(await rawNetwork()).toEqual(before);
  });

  it('checks settings that depend on each other', async () => {
    const before = await rawNetwork();
    const form = await filledForm(admin);
    const res = await admin.post('/admin/parametres', {
      ...form,
      capAlertLowPercent: '96',
      confirmationReminderDays: '15',
      selfRegistration: 'non',
      staffRegistration: 'non',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('La première alerte doit venir avant la seconde (95 %)');
    expect(res.body).toContain('Le rappel doit partir avant la fin du délai de confirmation (15 jours)');
    expect(res.body).toContain('Gardez au moins un moyen d’inscription');
    expect(await rawNetwork()).toEqual(before);
  });

  it('says so and records nothing when no value changed', async () => {
    const before = (await settingsEvents()).length;
    const res = await admin.post('/admin/parametres', await filledForm(admin));
    expect(res.statusCode).toBe(303);
    expect((await admin.get('/admin/parametres')).body).toContain('Aucune modification');
    expect(await settingsEvents()).toHaveLength(before);
  });

  it('does not put back values another administrator saved meanwhile', async () => {
    const stale = await filledForm(admin);
    const other = await filledForm(admin);
    expect((await admin.post('/admin/parametres', { ...other, quotaFilms: '6' })).statusCode).toBe(303);

    const res = await admin.post('/admin/parametres', { ...stale, quotaBooks: '9' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('modifiés par une autre personne');
    expect(res.body).toMatch(/name="quotaBooks"[^>]*value="9"/);
    const n = await getNetwork(ctx.database.db);
    expect(n.settings.quotaFilms).toBe(6);
    expect(n.settings.quotaBooks).toBe(7);

    // Sent again from the page that warned them, it goes through.
    const version = /name="version" value="([^"]+)"/.exec(res.body)![1]!;
    const again = await admin.post('/admin/parametres', {
      ...stale,
      quotaFilms: '6',
      quotaBooks: '9',
      version,
    });
    expect(again.statusCode).toBe(303);
    expect((await getNetwork(ctx.database.db)).settings).toMatchObject({ quotaFilms: 6, quotaBooks: 9 });
  });
});
