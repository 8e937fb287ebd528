import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DomainError, ValidationError } from '../../src/domain/errors.js';
import { parisToday, retentionCutoffs } from '../../src/domain/renewal-rules.js';
import {
  applyRetention,
  expireSubscriptions,
  sendRenewalReminders,
} from '../../src/jobs/lifecycle-sweeps.js';
import { decideRequest } from '../../src/usecases/patrons/decide-request.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, mailsTo, patronRow, staffActor } from '../helpers/decision-fixtures.js';
import { addMember, loggedIn, tokensOf } from '../helpers/lifecycle-fixtures.js';

/**
 * The seeds' own wording and rules (issue 17): the MDO profile renews at the library, each
 * network signs its e-mails with its own line, and a patron the library registered gets an
 * acceptance text that is true for them.
 */
const START = '2026-11-23T09:00:00Z';
let ctx: TestContext;
let lib: { id: string; name: string };
let agent: StaffActor;
const sweepCtx = () => ({ db: ctx.database.db, clock: ctx.clock, config: ctx.config });

beforeAll(async () => {
  ctx = await createTestApp({ profile: 'mdo' });
  lib = await addLibrary(ctx, 'Bibliothèque de Clermont-Exemple');
  const a = await addStaff(ctx, { identifier: 'agent-mdo', name: 'Agnès Exemple', libraryIds: [lib.id] });
  agent = staffActor(a, [lib.id]);
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set(START));

describe('MDO profile: renewal at the library', () => {
  it('has online renewal off by default; the reminder sends the patron to their library, with no link', async () => {
    expect((await getNetwork(ctx.database.db)).settings.onlineRenewal).toBe(false);
    const due = await addMember(ctx, lib.id, { activeUntil: '2026-12-08' });
    expect(await sendRenewalReminders(sweepCtx())).toEqual({ reminded: 1 });
    const [mail] = await mailsTo(ctx, due.email!);
    expect(mail!.text).toContain(
      'Le renouvellement se fait à votre bibliothèque (Bibliothèque de Clermont-Exemple) : rendez-vous-y pour vous réinscrire',
    );
    expect(mail!.text).not.toContain('/mon-compte/renouveler');
    expect(mail!.html).not.toContain('/mon-compte/renouveler');
    expect(await tokensOf(ctx, due.id)).toEqual([]);
  });

  it('offers no renewal button on “Mon compte” and refuses the renewal route with a French message', async () => {
    const expired = await addMember(ctx, lib.id, { state: 'expired', activeUntil: '2026-11-01' });
    const b = await loggedIn(ctx, expired);
    const account = await b.get('/mon-compte');
    expect(account.body).not.toContain('Demander le renouvellement');
    expect(account.body).toContain('Le renouvellement se fait à votre bibliothèque');
    const page = await b.get('/mon-compte/renouveler');
    expect(page.body).toContain('Le renouvellement se fait à votre bibliothèque');
    expect(page.body).not.toContain('<form method="post" action="/mon-compte/renouveler"');
    const forged = await b.post('/mon-compte/renouveler', {});
    expect(forged.statusCode).toBeGreaterThanOrEqual(400);
    expect(forged.body).toContain('Le renouvellement se fait à votre bibliothèque');
    expect((await patronRow(ctx, expired.id)).state).toBe('expired');
  });
});

describe('every renewal text is true in both modes (setting « renouvellement en ligne »)', () => {
  /** An expiry mail, a retention warning, the catalog and « Mon compte » of an expired patron. */
  async function renewalTexts() {
    const network = await getNetwork(ctx.database.db);
    const ending = await addMember(ctx, lib.id, { activeUntil: '2026-11-20' });
    await expireSubscriptions(sweepCtx());
    const { warnUpTo } = retentionCutoffs(parisToday(ctx.clock.now()), network.settings);
    const lapsing = await addMember(ctx, lib.id, { state: 'expired', activeUntil: warnUpTo });
    await applyRetention(sweepCtx());
    const [expiry] = await mailsTo(ctx, ending.email!);
    const [warning] = await mailsTo(ctx, lapsing.email!);
    const b = await loggedIn(ctx, ending);
    const catalog = (await b.get('/ressources')).body;
    const account = (await b.get('/mon-compte')).body;
    return { expiry: expiry!.text, warning: warning!.text, catalog, account };
  }

  it('MDO (off): the expiry and retention e-mails and the pages send the patron back to their library', async () => {
    const t = await renewalTexts();
    for (const text of [t.expiry, t.warning, t.catalog, t.account])
      expect(text).not.toContain('Demander le renouvellement');
    expect(t.expiry).toContain('rendez-vous-y pour vous réinscrire ; elle renouvellera vos droits');
    expect(t.expiry).toContain('Sans réinscription à votre bibliothèque');
    expect(t.warning).toContain('rendez-vous avant cette date à votre bibliothèque pour vous réinscrire');
    expect(t.catalog).toContain('Rendez-vous à votre bibliothèque pour vous réinscrire');
    expect(t.account).toContain('pour vous réinscrire');
    expect(t.account).not.toContain('href="/mon-compte/renouveler"');
  });

  it('online renewal on: the same texts point to « Demander le renouvellement » on « Mon compte »', async () => {
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, onlineRenewal: true } });
    try {
      const t = await renewalTexts();
      expect(t.expiry).toContain('choisissez « Demander le renouvellement » sur la page « Mon compte »');
      expect(t.expiry).not.toContain('pour vous réinscrire ;');
      expect(t.warning).toContain('choisissez « Demander le renouvellement »');
      expect(t.catalog).toContain('<a href="/mon-compte">Demander le renouvellement</a>');
      expect(t.account).toContain('href="/mon-compte/renouveler"');
      expect(t.account).not.toContain('Le renouvellement se fait à votre bibliothèque');
    } finally {
      await updateNetwork(ctx.database.db, { settings: network.settings });
    }
  });
});

describe('e-mail footer and acceptance text of a patron registered by the library', () => {
  it('signs with the network’s own line and does not speak of a chosen identifier or password', async () => {
    const network = await getNetwork(ctx.database.db);
    expect(network.settings.mailFooter).toBe(
      'La médiathèque numérique, un service de la Médiathèque départementale',
    );
    await updateNetwork(ctx.database.db, {
      settings: { ...network.settings, mailFooter: 'MDO, une initiative du Département <Exemple>' },
    });
    const patron = await addPatron(ctx, lib.id, { channel: 'staff' });
    await decideRequest(ctx.deps, agent, {
      patronId: patron.id,
      decision: 'accept',
      templateKey: 'accept_library',
      subject: 'Votre compte [reseau] est actif',
      message:
        'Bonjour [prenom],\n\nVotre bibliothèque vous a inscrit.\n\nSi vous n’avez pas encore choisi votre mot de passe, utilisez [ce lien]([lien-mot-de-passe]).\n\n[forfait]',
      checks: { membre: true, naissance: true },
    });
    const [mail] = await mailsTo(ctx, patron.email!);
    expect(mail!.text).toContain('--\nMDO, une initiative du Département <Exemple>\n');
    expect(mail!.html).toContain('MDO, une initiative du Département &lt;Exemple&gt;');
    expect(mail!.html).not.toContain('signature-reseau');
    expect(mail!.text).toContain('utilisez ce lien (http://sesame.test/mot-de-passe-oublie).');
    expect(mail!.text).toContain('- 4 documents de l’espace films ;');

    // The online acceptance text is not offered for this patron: its words would be false.
    const other = await addPatron(ctx, lib.id, { channel: 'staff' });
    const refused = await decideRequest(ctx.deps, agent, {
      patronId: other.id,
      decision: 'accept',
      templateKey: 'accept',
      subject: 's',
      message: 'Bonjour,\n\nTexte.',
      checks: { membre: true, naissance: true },
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((await patronRow(ctx, other.id)).state).toBe('pending');
    await updateNetwork(ctx.database.db, { settings: network.settings });
  });

  it('asks to confirm, naming the seed’s rule, before refusing a patron ticked as a member', async () => {
    const patron = await addPatron(ctx, lib.id, { channel: 'self' });
    const refused = await decideRequest(ctx.deps, agent, {
      patronId: patron.id,
      decision: 'refuse',
      templateKey: 'refuse_birth_date',
      subject: 'Votre demande',
      message: 'Bonjour,\n\nTexte.',
      checks: { membre: true, naissance: false },
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fieldErrors.confirmer_refus).toContain(
      'ne peut en aucun cas refuser une inscription',
    );
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');
    await decideRequest(ctx.deps, agent, {
      patronId: patron.id,
      decision: 'refuse',
      templateKey: 'refuse_birth_date',
      subject: 'Votre demande',
      message: 'Bonjour,\n\nTexte.',
      checks: { membre: true, naissance: false },
      confirmRefusal: true,
    });
    expect((await patronRow(ctx, patron.id)).state).toBe('refused');
  });
});

describe('contact block and home page', () => {
  it('shows the network’s contact details in the footer and on /aide, and the way in on the home page', async () => {
    const visitor = new TestBrowser(ctx.app, '198.51.100.60');
    const help = await visitor.get('/aide');
    expect(help.body).toContain('Un souci ? Une question ?');
    expect(help.body).toContain('12 avenue des Exemples · 60000 Beauvais');
    expect(help.body).toContain('href="mailto:contact-mdo@exemple.fr"');
    expect(help.body).toContain('href="/aide/contact"');
    const home = await visitor.get('/');
    expect(home.body).toContain('Ressources libres, sans inscription');
    expect(home.body).toContain('href="/connexion"');
    expect(home.body).toContain('href="/aide"');
    // MDO registers at the library: no online registration button.
    expect(home.body).not.toContain('href="/inscription"');
    expect(home.body).toContain('Horaires : du lundi au vendredi, de 9 h à 17 h');
  });

  it('serves the mode d’emploi that the acceptance e-mail links to, and /aide points to it', async () => {
    const visitor = new TestBrowser(ctx.app, '198.51.100.61');
    const guide = await visitor.get('/aide/mode-d-emploi');
    expect(guide.statusCode).toBe(200);
    expect(guide.body).toContain('<h1>Mode d’emploi</h1>');
    expect(guide.body).toContain('La validation par votre bibliothèque');
    expect(guide.body, 'no link to itself').not.toContain('href="/aide/mode-d-emploi"');
    expect((await visitor.get('/aide')).body).toContain('href="/aide/mode-d-emploi"');
  });
});
