import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findPatronById } from '../../src/db/repositories/patrons.js';
import { findResponseTemplate, listResponseTemplates } from '../../src/db/repositories/response-templates.js';
import { events, responseTemplates } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DomainError, ValidationError } from '../../src/domain/errors.js';
import { DEFAULT_TEMPLATES } from '../../src/domain/response-templates.js';
import {
  resetResponseTemplate,
  saveResponseTemplate,
  templateVersion,
} from '../../src/usecases/network/save-response-template.js';
import { decideInBulk } from '../../src/usecases/patrons/decide-in-bulk.js';
import { loadDecisionPanel } from '../../src/usecases/patrons/decision-panel.js';
import type { AppDeps } from '../../src/web/app.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, mailsTo, staffActor } from '../helpers/decision-fixtures.js';

let ctx: TestContext;
let libA: { id: string };
let admin: StaffActor;
let alpha: StaffActor;
let adminBrowser: TestBrowser;
let staffBrowser: TestBrowser;

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  const a = await addStaff(ctx, {
    identifier: 'admin-modeles',
    name: 'Jeanne Réseau',
    role: 'network_admin',
  });
  const s = await addStaff(ctx, { identifier: 'agent-alpha', name: 'Agnès Alpha', libraryIds: [libA.id] });
  admin = staffActor(a);
  alpha = staffActor(s, [libA.id]);
  adminBrowser = new TestBrowser(ctx.app, '198.51.100.40');
  staffBrowser = new TestBrowser(ctx.app, '198.51.100.41');
  expect((await adminBrowser.logIn(a.identifier, a.password)).statusCode).toBe(303);
  expect((await staffBrowser.logIn(s.identifier, s.password)).statusCode).toBe(303);
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  ctx.clock.set('2026-11-23T09:00:00Z');
  await ctx.database.db.delete(responseTemplates);
});

const templateEvents = (key: string) =>
  ctx.database.db
    .select()
    .from(events)
    .where(and(eq(events.subjectKind, 'template'), eq(events.subjectId, key)))
    .orderBy(asc(events.id));

describe('response templates pages', () => {
  it('lists every template for network administrators only', async () => {
    const page = await adminBrowser.get('/admin/modeles');
    expect(page.statusCode).toBe(200);
    for (const t of Object.values(DEFAULT_TEMPLATES).filter((t) => !t.retired))
      expect(page.body).toContain(t.label);
    expect(page.body).toContain('<caption>Modèles de réponse aux demandes</caption>');
    expect(page.body).toContain('href="/admin/modeles/refuse_birth_date"');
    expect((await staffBrowser.get('/admin/modeles')).statusCode).toBe(403);
    expect((await staffBrowser.get('/admin/modeles/accept')).statusCode).toBe(403);
    expect(
      (await staffBrowser.post('/admin/modeles/accept', { objet: 'x', texte: 'y' }, { from: '/admin' }))
        .statusCode,
    ).toBe(403);
    expect((await adminBrowser.get('/admin/modeles/inconnu')).statusCode).toBe(404);
    expect(await ctx.database.db.select().from(responseTemplates)).toHaveLength(0);
  });

  it('shows the text with a preview filled with sample data', async () => {
    const page = await adminBrowser.get('/admin/modeles/accept');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Modèle « Acceptation (inscription en ligne) »');
    expect(page.body).toContain(
      'Nous avons le plaisir de vous confirmer que votre compte est désormais actif jusqu’au [actif-jusquau].',
    );
    expect(page.body).toContain('Aperçu');
    expect(page.body).toContain('Bonjour Zoé N’Diaye-Lefèvre,');
    expect(page.body).toContain('actif jusqu’au 22/11/2027.');
    expect(page.body).toContain('Identifiant : zoe.ndiaye');
    expect(page.body).toContain('Votre compte NuMos est actif');
    expect(page.body).not.toContain('Rétablir le texte d’origine');
  });

  it('refuses an unknown placeholder next to the field, keeps the input, saves nothing', async () => {
    const res = await adminBrowser.post(
      '/admin/modeles/accept',
      {
        objet: 'Bienvenue [prenom]',
        texte: 'Bonjour [prénom] [nom_destinataire],\nÀ bientôt.',
        action: 'enregistrer',
      },
      { from: '/admin/modeles/accept' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      'Balise inconnue : [prénom]. Balises possibles : [prenom], [nom_destinataire], [actif-jusquau], [identifiant], [forfait], [lien-mot-de-passe], [lien-mode-emploi], [lien-contact], [lien-bibliotheques].',
    );
    expect(res.body).toContain('Bonjour [prénom] [nom_destinataire],');
    expect(res.body).toContain('aria-invalid="true"');
    expect(await ctx.database.db.select().from(responseTemplates)).toHaveLength(0);
    expect(await templateEvents('accept')).toHaveLength(0);

    const empty = await adminBrowser.post(
      '/admin/modeles/accept',
      { objet: ' ', texte: '', action: 'enregistrer' },
      { from: '/admin/modeles/accept' },
    );
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Indiquez l’objet du courriel.');
    expect(empty.body).toContain('Écrivez le message envoyé à l’usager.');
  });

  it('previews typed text without saving it', async () => {
    const res = await adminBrowser.post(
      '/admin/modeles/refuse_birth_date',
      {
        objet: 'Réponse pour [prenom]',
        texte: 'Bonjour [prenom] [nom_destinataire] ([identifiant]).',
        action: 'apercu',
      },
      { from: '/admin/modeles/refuse_birth_date' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Réponse pour Zoé');
    expect(res.body).toContain('Bonjour Zoé N’Diaye-Lefèvre (zoe.ndiaye).');
    expect(await ctx.database.db.select().from(responseTemplates)).toHaveLength(0);
  });

  it('saves a template, used by the next decisions, and restores the original text', async () => {
    const res = await adminBrowser.post(
      '/admin/modeles/refuse_not_member',
      {
        objet: 'Votre demande [reseau]',
        texte: 'Bonjour [prenom],\n\nInscrivez-vous d’abord à votre bibliothèque, [identifiant].',
        action: 'enregistrer',
        version: '',
      },
      { from: '/admin/modeles/refuse_not_member' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/modeles/refuse_not_member');
    const saved = await findResponseTemplate(ctx.database.db, 'refuse_not_member');
    expect(saved).toMatchObject({
      customised: true,
      subject: 'Votre demande [reseau]',
      updatedBy: 'Jeanne Réseau',
    });
    const [event] = await templateEvents('refuse_not_member');
    expect(event!.action).toBe('template_updated');
    expect(event!.actorLabel).toBe('Jeanne Réseau (admin-modeles)');
    const list = await adminBrowser.get('/admin/modeles');
    expect(list.body).toContain('Modifié par Jeanne Réseau le 23/11/2026 à 10:00');

    // The decision panel and bulk decisions use the network's text.
    const patron = await addPatron(ctx, libA.id);
    const panel = await loadDecisionPanel(
      ctx.deps as AppDeps,
      alpha,
      (await findPatronById(ctx.database.db, patron.id))!,
    );
    const tpl = panel!.decide!.templates.find((t) => t.key === 'refuse_not_member')!;
    expect(tpl.body).toBe(
      `Bonjour ${patron.firstName},\n\nInscrivez-vous d’abord à votre bibliothèque, ${patron.identifier}.`,
    );
    expect(tpl.subject).toBe('Votre demande NuMos');
    await decideInBulk(ctx.deps, alpha, {
      ids: [patron.id],
      decision: 'refuse',
      templateKey: 'refuse_not_member',
      checks: { membre: false, naissance: false },
    });
    expect((await mailsTo(ctx, patron.email!))[0]!.text).toContain(
      `Inscrivez-vous d’abord à votre bibliothèque, ${patron.identifier}.`,
    );

    // Back to the original.
    const page = await adminBrowser.get('/admin/modeles/refuse_not_member');
    expect(page.body).toContain('Rétablir le texte d’origine');
    const reset = await adminBrowser.post(
      '/admin/modeles/refuse_not_member/retablir',
      {},
      { from: '/admin/modeles/refuse_not_member' },
    );
    expect(reset.statusCode).toBe(303);
    expect((await findResponseTemplate(ctx.database.db, 'refuse_not_member')).customised).toBe(false);
    expect((await templateEvents('refuse_not_member')).map((e) => e.data)).toEqual([
      expect.objectContaining({ subject: 'Votre demande [reseau]' }),
      expect.objectContaining({ reset: true }),
    ]);
  });

  it('does not overwrite a colleague’s change made while the form was open', async () => {
    const opened = await findResponseTemplate(ctx.database.db, 'accept');
    await saveResponseTemplate(ctx.deps, admin, {
      key: 'accept',
      subject: 'Bienvenue sur [reseau]',
      body: 'Bonjour [prenom], compte actif jusqu’au [actif-jusquau].',
      version: templateVersion(opened),
    });
    ctx.clock.advance(60_000);
    let error: unknown;
    try {
      await saveResponseTemplate(ctx.deps, admin, {
        key: 'accept',
        subject: 'Autre objet',
        body: 'Autre texte',
        version: templateVersion(opened),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).status).toBe(409);
    expect((await findResponseTemplate(ctx.database.db, 'accept')).subject).toBe('Bienvenue sur [reseau]');
    await expect(
      saveResponseTemplate(ctx.deps, alpha, { key: 'accept', subject: 'x', body: 'y' }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      saveResponseTemplate(ctx.deps, admin, { key: 'accept', subject: 'x', body: '[inconnue]' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await resetResponseTemplate(ctx.deps, admin, 'accept')).toBe(true);
    expect(await resetResponseTemplate(ctx.deps, admin, 'accept')).toBe(false);
    expect((await listResponseTemplates(ctx.database.db)).every((t) => !t.customised)).toBe(true);
  });
});
