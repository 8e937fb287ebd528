import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentPages, contentPageVersions, events } from '../../src/db/schema.js';
import { hashPassword } from '../../src/security/passwords.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron } from '../helpers/decision-fixtures.js';

const PASSWORD = 'Lune-de-miel-42';
let ctx: TestContext;
let admin: TestBrowser;
let staff: TestBrowser;
let patron: TestBrowser;
let visitor: TestBrowser;

beforeAll(async () => {
  ctx = await createTestApp();
  const lib = await addLibrary(ctx, 'Médiathèque Alpha');
  const a = await addStaff(ctx, {
    identifier: 'admin-contenus',
    name: 'Jeanne Réseau',
    role: 'network_admin',
  });
  const s = await addStaff(ctx, { identifier: 'agent-contenus', name: 'Agnès Alpha', libraryIds: [lib.id] });
  const p = await addPatron(ctx, lib.id, { state: 'active', passwordHash: await hashPassword(PASSWORD) });
  admin = new TestBrowser(ctx.app, '198.51.100.70');
  staff = new TestBrowser(ctx.app, '198.51.100.71');
  patron = new TestBrowser(ctx.app, '198.51.100.72');
  visitor = new TestBrowser(ctx.app, '198.51.100.73');
  expect((await admin.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staff.logIn(s.identifier, s.password)).statusCode).toBe(303);
  expect((await patron.logIn(p.identifier!, PASSWORD)).statusCode).toBe(303);
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  await ctx.database.db.delete(contentPageVersions);
  await ctx.database.db.delete(contentPages);
  await ctx.database.db.delete(events).where(eq(events.subjectKind, 'content_page'));
});

const versions = () => ctx.database.db.select().from(contentPageVersions);
const contentEvents = () =>
  ctx.database.db.select().from(events).where(eq(events.subjectKind, 'content_page'));

describe('help pages', () => {
  it('shows the default texts of the profile when nobody edited them', async () => {
    const faq = await visitor.get('/aide/faq');
    expect(faq.statusCode).toBe(200);
    expect(faq.body).toContain('<h1>Questions fréquentes</h1>');
    expect(faq.body).toContain('id="j-ai-oublie-mon-mot-de-passe"');
    expect(faq.body).toContain('href="#j-ai-oublie-mon-mot-de-passe"');
    const guide = await visitor.get('/aide/mode-d-emploi');
    expect(guide.body).toContain('La validation par votre bibliothèque');
    const privacy = await visitor.get('/donnees-personnelles');
    // The network's retention setting (numos: 365 days) is in the privacy notice.
    expect(privacy.body).toContain('conservées 365 jours après sa fin');
    expect((await visitor.get('/accessibilite')).body).toContain('RGAA 4.1');
    const help = await visitor.get('/aide');
    expect(help.body).toContain('href="/aide/faq"');
    expect(help.body).toContain('href="/aide/mode-d-emploi"');
    expect(help.body).not.toContain('href="/admin/aide"');
    expect((await staff.get('/aide')).body).toContain('href="/admin/aide"');
    const staffFaq = await staff.get('/admin/aide');
    expect(staffFaq.statusCode).toBe(200);
    expect(staffFaq.body).toContain('se présente à la bibliothèque');
    expect(staffFaq.body).toContain('href="/admin/aide/idees"');
    expect((await staff.get('/admin/aide/idees')).body).toContain('Boîte à idées numériques');
    expect((await staff.get('/admin')).body).toContain('href="/admin/aide/idees"');
  });

  it('searches the FAQ without JavaScript, ignoring case and accents', async () => {
    const found = await visitor.get(`/aide/faq?q=${encodeURIComponent('MOT DE PASSÉ')}`);
    expect(found.body).toContain('id="j-ai-oublie-mon-mot-de-passe"');
    expect(found.body).not.toContain('Qu’est-ce que le Forfait ?');
    expect(found.body).toMatch(/\d+ questions? pour « MOT DE PASSÉ »/);
    const none = await visitor.get('/aide/faq?q=zzzyx');
    expect(none.body).toContain('Aucune question ne contient « zzzyx »');
  });

  it('keeps the staff pages from visitors and patrons', async () => {
    for (const url of ['/admin/aide', '/admin/aide/idees']) {
      const res = await visitor.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/connexion\?suite=/);
      expect((await patron.get(url)).statusCode).toBe(403);
    }
  });
});

describe('editing a help page', () => {
  it('saves a new text shown at once, keeps its versions and restores one', async () => {
    expect((await admin.get('/admin/contenus')).body).toContain('href="/admin/contenus/faq"');
    const first = '## Compte\n\n### Comment changer de mot de passe ?\n\nDepuis *Mon compte*.';
    const saved = await admin.post('/admin/contenus/faq', { texte: first, action: 'enregistrer' });
    expect(saved.statusCode).toBe(303);
    let page = await visitor.get('/aide/faq');
    expect(page.body).toContain('id="comment-changer-de-mot-de-passe"');
    expect(page.body).toContain('<em>Mon compte</em>');
    expect(page.body).not.toContain('Qu’est-ce que le Forfait ?');
    const second = '## Autre\n\n### Nouvelle question\n\nRéponse.';
    await admin.post('/admin/contenus/faq', { texte: second, action: 'enregistrer' });
    expect((await visitor.get('/aide/faq')).body).toContain('Nouvelle question');
    const rows = await versions();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.createdBy === 'Jeanne Réseau')).toBe(true);
    expect(await contentEvents()).toHaveLength(2);
    const editor = await admin.get('/admin/contenus/faq');
    expect(editor.body).toContain('Rétablir cette version');
    const older = rows.find((r) => r.body === first)!;
    const restored = await admin.post(
      '/admin/contenus/faq/retablir',
      { version: String(older.id) },
      { from: '/admin/contenus/faq' },
    );
    expect(restored.statusCode).toBe(303);
    page = await visitor.get('/aide/faq');
    expect(page.body).toContain('Comment changer de mot de passe ?');
    expect(page.body).not.toContain('Nouvelle question');
    expect(await versions()).toHaveLength(3);
  });

  it('refuses a save from a form opened before a colleague’s save: French message, typed text kept, changes shown; saving again replaces knowingly', async () => {
    const b = await addStaff(ctx, {
      identifier: 'admin-contenus-2',
      name: 'Paul Réseau',
      role: 'network_admin',
    });
    const colleague = new TestBrowser(ctx.app, '198.51.100.74');
    expect((await colleague.logIn(b.identifier, b.password)).statusCode).toBe(303);
    // The edit form's version (the first one on the page; an empty value is rendered bare).
    const versionIn = (html: string) => {
      const m = /name="version" value(?:="([^"]*)")?/.exec(html);
      if (!m) throw new Error('no version field in the edit form');
      return m[1] ?? '';
    };

    // Both open the editor on the default text (no version yet).
    const mine = versionIn((await admin.get('/admin/contenus/mode-d-emploi')).body);
    const theirs = versionIn((await colleague.get('/admin/contenus/mode-d-emploi')).body);
    expect(mine).toBe('');
    expect(theirs).toBe('');
    const colleagueText = '# Mode d’emploi\n\nHoraires du guichet numérique : mardi et samedi.';
    const first = await colleague.post('/admin/contenus/mode-d-emploi', {
      texte: colleagueText,
      version: theirs,
      action: 'enregistrer',
    });
    expect(first.statusCode).toBe(303);

    // My save, from the form opened before: refused, nothing written, my text kept.
    const myText = '# Mode d’emploi\n\nMon texte & mes <idées> à moi.';
    const stale = await admin.post('/admin/contenus/mode-d-emploi', {
      texte: myText,
      version: mine,
      action: 'enregistrer',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Cette page a été modifiée par Paul Réseau le ');
    expect(stale.body).toContain('votre texte n’est pas enregistré');
    expect(stale.body).toContain('Mon texte &amp; mes &lt;idées> à moi.</textarea>');
    expect(stale.body).toContain('Lignes ajoutées par votre collègue :');
    expect(stale.body).toContain('<code>Horaires du guichet numérique : mardi et samedi.</code>');
    expect(stale.body).toContain('Recharger la version actuelle');
    expect((await visitor.get('/aide/mode-d-emploi')).body).toContain('Horaires du guichet numérique');
    expect(await versions()).toHaveLength(1);

    // The form now carries the colleague's version: saving again replaces it, knowingly.
    const now = versionIn(stale.body);
    expect(now).toBe(String((await versions())[0]!.id));
    const again = await admin.post('/admin/contenus/mode-d-emploi', {
      texte: myText,
      version: now,
      action: 'enregistrer',
    });
    expect(again.statusCode).toBe(303);
    expect((await visitor.get('/aide/mode-d-emploi')).body).toContain(
      'Mon texte &amp; mes &lt;idées&gt; à moi.',
    );

    // The colleague's form, opened on their own version, is now stale in turn: it shows what
    // changed between the two saved versions.
    const late = await colleague.post('/admin/contenus/mode-d-emploi', {
      texte: 'Autre chose',
      version: now,
      action: 'enregistrer',
    });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('Lignes retirées par votre collègue :');
    expect(late.body).toContain('<code>Horaires du guichet numérique : mardi et samedi.</code>');
    expect(await versions()).toHaveLength(2);
  });

  it('/mentions-legales is a content page: the profile’s default text, then the administrators’ own', async () => {
    const before = await visitor.get('/mentions-legales');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('<h1>Mentions légales</h1>');
    expect(before.body).toContain('une initiative du Département de la Moselle');
    expect((await admin.get('/admin/contenus')).body).toContain('href="/admin/contenus/mentions-legales"');
    const saved = await admin.post('/admin/contenus/mentions-legales', {
      texte: '## Éditeur\n\nConseil départemental d’Exemple, 1 place de l’Exemple.',
      action: 'enregistrer',
    });
    expect(saved.statusCode).toBe(303);
    const after = await visitor.get('/mentions-legales');
    expect(after.body).toContain('Conseil départemental d’Exemple');
    expect(after.body).not.toContain('une initiative du Département de la Moselle');
    const { defaultContent } = await import('../../src/domain/content-pages.js');
    const { defaultSettings } = await import('../../src/domain/settings.js');
    const mdo = defaultContent('mentions-legales', {
      profile: 'mdo',
      networkName: 'MDO',
      settings: defaultSettings('mdo'),
    });
    expect(mdo).toContain('MDO est édité par la Médiathèque départementale');
    expect(mdo).not.toContain('Moselle');
  });

  it('previews without writing anything', async () => {
    const res = await admin.post('/admin/contenus/mode-d-emploi', {
      texte: '## Essai\n\n**gras**',
      action: 'apercu',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Aperçu (non enregistré)');
    expect(res.body).toContain('<strong>gras</strong>');
    expect(await versions()).toHaveLength(0);
    expect((await visitor.get('/aide/mode-d-emploi')).body).not.toContain('Essai');
  });

  it('renders hostile Markdown harmless, in the preview and on the page', async () => {
    const hostile = [
      '## Piège',
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[x](javascript:alert(1))',
      '<iframe src="https://evil.example/"></iframe>',
      '[ok](https://exemple.fr/) [mail](mailto:a@exemple.fr) [local](/aide)',
    ].join('\n\n');
    const preview = await admin.post('/admin/contenus/accessibilite', { texte: hostile, action: 'apercu' });
    await admin.post('/admin/contenus/accessibilite', { texte: hostile, action: 'enregistrer' });
    const page = await visitor.get('/accessibilite');
    for (const html of [preview.body, page.body]) {
      expect(html).not.toMatch(/<script>alert/);
      expect(html).not.toMatch(/<img[^>]*onerror/i);
      expect(html).not.toMatch(/href="javascript:/i);
      expect(html).not.toMatch(/<iframe/i);
      expect(html).toContain('&lt;script&gt;alert(1)');
      expect(html).toContain('href="https://exemple.fr/"');
      expect(html).toContain('href="mailto:a@exemple.fr"');
    }
  });

  it('refuses an empty or too long text with a message, keeping what was typed', async () => {
    const empty = await admin.post('/admin/contenus/faq', { texte: '   ', action: 'enregistrer' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Saisissez le texte de la page.');
    expect(empty.body).toContain('fr-input-group--error');
    const long = `## Long\n\n${'a'.repeat(50_001)}`;
    const tooLong = await admin.post('/admin/contenus/faq', { texte: long, action: 'enregistrer' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('Le texte dépasse 50');
    expect(tooLong.body).toContain('a'.repeat(1000));
    expect(await versions()).toHaveLength(0);
    expect(await contentEvents()).toHaveLength(0);
  });

  it('refuses library staff (403) and writes nothing from a forged form', async () => {
    expect((await staff.get('/admin/contenus')).statusCode).toBe(403);
    expect((await staff.get('/admin/contenus/faq')).statusCode).toBe(403);
    const forged = await staff.post(
      '/admin/contenus/faq',
      { texte: '## Piraté', action: 'enregistrer' },
      { from: '/admin' },
    );
    expect(forged.statusCode).toBe(403);
    const restore = await staff.post('/admin/contenus/faq/retablir', { version: '1' }, { from: '/admin' });
    expect(restore.statusCode).toBe(403);
    expect(await versions()).toHaveLength(0);
    expect((await admin.get('/admin/contenus/inconnue')).statusCode).toBe(404);
  });
});

describe('default texts per profile', () => {
  it('tells MDO patrons to renew at their library, NuMos patrons from their account', async () => {
    const { defaultContent } = await import('../../src/domain/content-pages.js');
    const { defaultSettings } = await import('../../src/domain/settings.js');
    const mdo = defaultContent('mode-d-emploi', {
      profile: 'mdo',
      networkName: 'MDO',
      settings: defaultSettings('mdo'),
    });
    const numos = defaultContent('mode-d-emploi', {
      profile: 'numos',
      networkName: 'NuMos',
      settings: defaultSettings('numos'),
    });
    expect(mdo).toContain('présentez-vous à votre bibliothèque');
    expect(numos).toContain('demandez le renouvellement depuis « Mon compte »');
  });
});
