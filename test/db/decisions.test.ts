import { eq } from 'drizzle-orm';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import { claimDueMail, findMail } from '../../src/db/repositories/outbox.js';
import { findPatronById } from '../../src/db/repositories/patrons.js';
import { outbox } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY, MINUTE } from '../../src/domain/clock.js';
import { DomainError, ValidationError } from '../../src/domain/errors.js';
import { defaultSettings } from '../../src/domain/settings.js';
import type { Deps } from '../../src/usecases/deps.js';
import { decideInBulk } from '../../src/usecases/patrons/decide-in-bulk.js';
import {
  AlreadyDecidedError,
  type DecisionInput,
  decideRequest,
} from '../../src/usecases/patrons/decide-request.js';
import { loadDecisionPanel } from '../../src/usecases/patrons/decision-panel.js';
import { UNDO_EXPIRED, undoDecision } from '../../src/usecases/patrons/undo-decision.js';
import { warnLibrary } from '../../src/usecases/patrons/warn-library.js';
import type { AppDeps } from '../../src/web/app.js';
import { ASSETS } from '../../src/web/assets.js';
import { queueReturnPath } from '../../src/web/routes/staff/decisions.js';
import { BulkDecisionBar } from '../../src/web/views/patron-queue/bulk-decision-bar.js';
import { DecisionPanel } from '../../src/web/views/patrons/decision-panel.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';
import {
  addPatron,
  eventCount,
  mailsTo,
  outboxCount,
  patronEvents,
  patronRow,
  staffActor,
} from '../helpers/decision-fixtures.js';

const START = '2026-11-23T09:00:00Z'; // 10:00 in Paris
let ctx: TestContext;
let libA: { id: string; name: string };
let libB: { id: string; name: string };
let alpha: StaffActor;
let alpha2: StaffActor;
let beta: StaffActor;
let admin: StaffActor;
const credentials = new Map<string, { identifier: string; password: string }>();
let ip = 10;

async function browserFor(actor: StaffActor): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, `198.51.100.${ip++}`);
  const c = credentials.get(actor.id)!;
  expect((await b.logIn(c.identifier, c.password)).statusCode).toBe(303);
  return b;
}

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const make = async (identifier: string, name: string, role: StaffActor['role'], libraryIds: string[]) => {
    const row = await addStaff(ctx, { identifier, name, role, libraryIds });
    credentials.set(row.id, { identifier, password: row.password });
    return staffActor(row, libraryIds);
  };
  alpha = await make('agent-alpha', 'Agnès Alpha', 'library_staff', [libA.id]);
  alpha2 = await make('collegue-alpha', 'Bruno Alpha', 'library_staff', [libA.id]);
  beta = await make('agent-beta', 'Béatrice Bêta', 'library_staff', [libB.id]);
  admin = await make('admin-reseau', 'Jeanne Réseau', 'network_admin', []);
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set(START));

const accept = (patronId: string, over: Partial<DecisionInput> = {}): DecisionInput => ({
  patronId,
  decision: 'accept',
  templateKey: 'accept',
  subject: 'Votre compte [reseau] est actif',
  message:
    'Bonjour [prenom] [nom_destinataire],\n\nBienvenue ! Votre compte est actif jusqu’au [actif-jusquau].',
  checks: { membre: true, naissance: true },
  ...over,
});
const refuse = (patronId: string, templateKey = 'refuse_not_member'): DecisionInput => ({
  patronId,
  decision: 'refuse',
  templateKey,
  subject: 'Votre demande',
  message: 'Bonjour [prenom],\n\nNous ne pouvons pas donner suite.',
  checks: { membre: false, naissance: false },
});

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('deciding a request', () => {
  it('accepts with an edited message: active for 365 days from the decision, e-mail held until the undo window ends', async () => {
    const patron = await addPatron(ctx, libA.id);
    const outcome = await decideRequest(ctx.deps, alpha, accept(patron.id));
    const now = ctx.clock.now();

    const row = await patronRow(ctx, patron.id);
    expect(row.state).toBe('active');
    expect(row.activeUntil).toBe('2027-11-22');
    expect(row.decision).toBe('accepted');
    expect(row.decidedByLabel).toBe('Agnès Alpha');
    expect(row.decidedByStaffId).toBe(alpha.id);
    expect(row.decidedOnBehalf).toBe(false);
    expect(row.pendingSince).toBeNull();
    expect(row.undoUntil?.toISOString()).toBe(new Date(now.getTime() + 10 * MINUTE).toISOString());
    expect(row.undoSnapshot).toMatchObject({ state: 'pending', decision: null, activeUntil: null });
    expect(row.undoMailId).toBe(outcome.mailId);

    const [mail] = await mailsTo(ctx, patron.email!);
    expect(mail!.id).toBe(outcome.mailId);
    expect(mail!.subject).toBe('Votre compte NuMos est actif');
    expect(mail!.text).toContain(`Bonjour ${patron.firstName} ${patron.lastName},`);
    expect(mail!.text).toContain('Bienvenue ! Votre compte est actif jusqu’au 22/11/2027.');
    expect(mail!.notBefore.toISOString()).toBe(row.undoUntil!.toISOString());

    // Held during the grace period, due right after.
    expect((await claimDueMail(ctx.database.db, now, 100, MINUTE)).map((m) => m.id)).not.toContain(mail!.id);
    const later = new Date(now.getTime() + 10 * MINUTE);
    expect((await claimDueMail(ctx.database.db, later, 100, MINUTE)).map((m) => m.id)).toContain(mail!.id);

    const events = await patronEvents(ctx, patron.id);
    expect(events.map((e) => e.action)).toEqual(['accepted']);
    expect(events[0]!.actorLabel).toBe('Agnès Alpha (agent-alpha)');
    expect(events[0]!.onBehalfOfLibraryId).toBeNull();
    expect(events[0]!.data).toMatchObject({
      template: 'accept',
      checks: { membre: true, naissance: true },
      message: expect.stringContaining('Bienvenue !'),
    });
  });

  it('counts from the registration date with the MDO profile settings', async () => {
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: defaultSettings('mdo') });
    try {
      const patron = await addPatron(ctx, libA.id, { registeredAt: new Date('2026-11-10T15:00:00Z') });
      await decideRequest(ctx.deps, alpha, accept(patron.id));
      expect((await patronRow(ctx, patron.id)).activeUntil).toBe('2027-11-09');
    } finally {
      await updateNetwork(ctx.database.db, { settings: network.settings });
    }
  });

  it('refuses a first registration, keeping the reason', async () => {
    const patron = await addPatron(ctx, libA.id);
    await decideRequest(ctx.deps, alpha, refuse(patron.id, 'refuse_birth_date'));
    const row = await patronRow(ctx, patron.id);
    expect(row.state).toBe('refused');
    expect(row.decision).toBe('refused');
    expect(row.refusalReason).toBe('refuse_birth_date');
    expect(row.activeUntil).toBeNull();
    const [mail] = await mailsTo(ctx, patron.email!);
    expect(mail!.text).toContain(`Bonjour ${patron.firstName},`);
    expect((await patronEvents(ctx, patron.id)).map((e) => e.action)).toEqual(['refused']);
  });

  it('renews one period after the current end, and a refused renewal keeps the old end date', async () => {
    const early = await addPatron(ctx, libA.id, { state: 'renewal_pending', activeUntil: '2026-12-07' });
    await decideRequest(ctx.deps, alpha, accept(early.id, { templateKey: 'renewal_accept' }));
    let row = await patronRow(ctx, early.id);
    expect(row.state).toBe('active');
    expect(row.activeUntil).toBe('2027-12-07');
    expect((await patronEvents(ctx, early.id)).map((e) => e.action)).toEqual(['renewal_accepted']);

    const refused = await addPatron(ctx, libA.id, { state: 'renewal_pending', activeUntil: '2026-12-07' });
    await decideRequest(ctx.deps, alpha, {
      ...refuse(refused.id, 'renewal_refuse'),
      message: 'Bonjour [prenom], votre compte reste actif jusqu’au [actif-jusquau].',
    });
    row = await patronRow(ctx, refused.id);
    expect(row.state).toBe('active');
    expect(row.activeUntil).toBe('2026-12-07');
    expect(row.refusalReason).toBeNull();
    expect((await mailsTo(ctx, refused.email!))[0]!.text).toContain('reste actif jusqu’au 07/12/2026.');
    expect((await patronEvents(ctx, refused.id)).map((e) => e.action)).toEqual(['renewal_refused']);
  });

  it('refuses to accept without the two checks, with messages by the fields, and writes nothing', async () => {
    const patron = await addPatron(ctx, libA.id);
    const before = { mails: await outboxCount(ctx), events: await eventCount(ctx) };
    const error = await rejection(
      decideRequest(ctx.deps, alpha, accept(patron.id, { checks: { membre: false, naissance: false } })),
    );
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fieldErrors;
    expect(fields.membre).toContain('adhérent actif de la bibliothèque');
    expect(fields.naissance).toContain('date de naissance a été vérifiée');

    const bad = await rejection(
      decideRequest(ctx.deps, alpha, accept(patron.id, { message: 'Bonjour [prenon]', subject: '' })),
    );
    expect((bad as ValidationError).fieldErrors).toEqual({
      objet: 'Indiquez l’objet du courriel.',
      message:
        'Balise inconnue : [prenon]. Balises possibles : [prenom], [nom_destinataire], [actif-jusquau], [identifiant], [forfait], [lien-mot-de-passe], [lien-mode-emploi], [lien-contact], [lien-bibliotheques].',
    });
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');
    expect(await outboxCount(ctx)).toBe(before.mails);
    expect(await eventCount(ctx)).toBe(before.events);
  });

  it('asks to check the message when the end date it states has moved since the form was opened', async () => {
    const patron = await addPatron(ctx, libA.id);
    const error = await rejection(
      decideRequest(
        ctx.deps,
        alpha,
        accept(patron.id, { message: 'Bonjour, actif jusqu’au 21/11/2027.', expectedEnd: '2027-11-21' }),
      ),
    );
    expect((error as ValidationError).fieldErrors.message).toContain('désormais le 22/11/2027');
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');
  });

  it('lets exactly one of two simultaneous decisions win; the other names who decided', async () => {
    for (let round = 0; round < 3; round++) {
      const patron = await addPatron(ctx, libA.id);
      const other = onPostgres ? ctx.openAnother() : null;
      const otherDeps: Deps = other ? { ...ctx.deps, db: other.db } : ctx.deps;
      const results = await Promise.allSettled([
        decideRequest(ctx.deps, alpha, accept(patron.id)),
        decideRequest(otherDeps, alpha2, refuse(patron.id)),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const row = await patronRow(ctx, patron.id);
      expect(lost[0]!.reason).toBeInstanceOf(AlreadyDecidedError);
      expect(lost[0]!.reason.status).toBe(409);
      expect(lost[0]!.reason.message).toBe(
        `Demande déjà traitée par ${row.decidedByLabel} le 23/11/2026 à 10:00.`,
      );
      // Nothing of the loser was written: one e-mail, one event.
      expect(await mailsTo(ctx, patron.email!)).toHaveLength(1);
      expect(await patronEvents(ctx, patron.id)).toHaveLength(1);
      await other?.close();
    }
  });

  it('says who decided when the request was already decided', async () => {
    const patron = await addPatron(ctx, libA.id);
    await decideRequest(ctx.deps, alpha2, accept(patron.id));
    ctx.clock.advance(3 * MINUTE);
    const error = await rejection(decideRequest(ctx.deps, alpha, refuse(patron.id)));
    expect(error.message).toBe('Demande déjà traitée par Bruno Alpha le 23/11/2026 à 10:00.');
    expect(error.status).toBe(409);
  });
});

describe('undoing a decision', () => {
  it('within the grace period: request back to pending, e-mail cancelled, history shows it', async () => {
    const patron = await addPatron(ctx, libA.id);
    const { mailId } = await decideRequest(ctx.deps, alpha, accept(patron.id));
    ctx.clock.advance(9 * MINUTE);
    await undoDecision(ctx.deps, alpha2, { patronId: patron.id });

    const row = await patronRow(ctx, patron.id);
    expect(row.state).toBe('pending');
    expect(row.decision).toBeNull();
    expect(row.decidedAt).toBeNull();
    expect(row.activeUntil).toBeNull();
    expect(row.pendingSince?.toISOString()).toBe(patron.pendingSince!.toISOString());
    expect(row.undoUntil).toBeNull();
    expect(row.undoSnapshot).toBeNull();
    expect((await findMail(ctx.database.db, mailId!))!.status).toBe('cancelled');
    ctx.clock.advance(60 * MINUTE);
    expect(
      (await claimDueMail(ctx.database.db, ctx.clock.now(), 100, MINUTE)).map((m) => m.id),
    ).not.toContain(mailId);
    const events = await patronEvents(ctx, patron.id);
    expect(events.map((e) => e.action)).toEqual(['accepted', 'decision_undone']);
    expect(events[1]!.actorLabel).toBe('Bruno Alpha (collegue-alpha)');

    // The request can be decided again.
    await decideRequest(ctx.deps, alpha, refuse(patron.id));
    expect((await patronRow(ctx, patron.id)).state).toBe('refused');
  });

  it('after the grace period: refused with a message, the e-mail is due', async () => {
    const patron = await addPatron(ctx, libA.id);
    const { mailId } = await decideRequest(ctx.deps, alpha, refuse(patron.id));
    ctx.clock.advance(10 * MINUTE);
    const error = await rejection(undoDecision(ctx.deps, alpha, { patronId: patron.id }));
    expect(error.message).toBe(UNDO_EXPIRED);
    expect(error.message).toBe('Le délai d’annulation est dépassé : la décision a été envoyée.');
    expect(error.status).toBe(409);
    expect((await patronRow(ctx, patron.id)).state).toBe('refused');
    expect((await claimDueMail(ctx.database.db, ctx.clock.now(), 100, MINUTE)).map((m) => m.id)).toContain(
      mailId,
    );
  });

  it('refuses to undo when the e-mail already left, and never undoes a newer decision', async () => {
    const patron = await addPatron(ctx, libA.id);
    const first = await decideRequest(ctx.deps, alpha, accept(patron.id));
    await ctx.database.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.id, first.mailId!));
    const error = await rejection(undoDecision(ctx.deps, alpha, { patronId: patron.id }));
    expect(error.code).toBe('mail_already_sent');
    expect((await patronRow(ctx, patron.id)).state).toBe('active');

    const other = await addPatron(ctx, libA.id);
    const decided = await decideRequest(ctx.deps, alpha, accept(other.id));
    const stale = new Date(decided.patron.decidedAt!.getTime() - MINUTE).toISOString();
    expect(
      (await rejection(undoDecision(ctx.deps, alpha, { patronId: other.id, decidedAt: stale }))).code,
    ).toBe('decision_changed');
    expect((await patronRow(ctx, other.id)).state).toBe('active');
  });
});

describe('bulk decisions', () => {
  it('decides each selected request with its own message and skips the ones decided meanwhile', async () => {
    const p1 = await addPatron(ctx, libA.id);
    const p2 = await addPatron(ctx, libA.id);
    const decided = await addPatron(ctx, libA.id);
    const foreign = await addPatron(ctx, libB.id);
    const renewal = await addPatron(ctx, libA.id, { state: 'renewal_pending', activeUntil: '2026-12-31' });
    await decideRequest(ctx.deps, alpha2, refuse(decided.id));

    const outcome = await decideInBulk(ctx.deps, alpha, {
      ids: [p1.id, decided.id, foreign.id, p2.id, renewal.id, 'pas-un-identifiant'],
      decision: 'accept',
      checks: { membre: true, naissance: true },
    });
    const name = (p: { firstName: string | null; lastName: string | null }) => `${p.firstName} ${p.lastName}`;
    expect(outcome.done).toEqual([name(p1), name(p2), name(renewal)]);
    expect(outcome.skipped).toEqual([
      { name: name(decided), reason: 'Déjà traitée par Bruno Alpha le 23/11/2026 à 10:00' },
      { name: foreign.id, reason: 'introuvable' },
      { name: 'pas-un-identifiant', reason: 'introuvable' },
    ]);

    for (const p of [p1, p2]) {
      const row = await patronRow(ctx, p.id);
      expect(row.state).toBe('active');
      expect(row.activeUntil).toBe('2027-11-22');
      const [mail] = await mailsTo(ctx, p.email!);
      expect(mail!.text).toContain(`Bonjour ${p.firstName} ${p.lastName},`);
      expect(mail!.text).toContain(`Identifiant : ${p.identifier}`);
      expect(mail!.notBefore.getTime()).toBe(ctx.clock.now().getTime() + 10 * MINUTE);
      const [event] = await patronEvents(ctx, p.id);
      expect(event!.data).toMatchObject({ template: 'accept', bulk: true });
    }
    expect((await patronRow(ctx, renewal.id)).activeUntil).toBe('2027-12-31');
    expect((await mailsTo(ctx, renewal.email!))[0]!.subject).toBe('Votre abonnement à NuMos est renouvelé');
    // The other library's request was never touched.
    expect(await patronRow(ctx, foreign.id)).toEqual(foreign);
    expect(await mailsTo(ctx, foreign.email!)).toHaveLength(0);
    expect((await patronRow(ctx, decided.id)).state).toBe('refused');
  });

  it('refuses with one reason; checks are required to accept; at most 200 at once', async () => {
    const p = await addPatron(ctx, libA.id);
    const out = await decideInBulk(ctx.deps, alpha, {
      ids: [p.id],
      decision: 'refuse',
      templateKey: 'refuse_not_member',
      checks: { membre: false, naissance: false },
    });
    expect(out.done).toHaveLength(1);
    expect((await patronRow(ctx, p.id)).refusalReason).toBe('refuse_not_member');
    expect((await mailsTo(ctx, p.email!))[0]!.text).toContain(
      'Nous vous invitons à vous rapprocher de votre bibliothèque',
    );

    const q = await addPatron(ctx, libA.id);
    const missing = await rejection(
      decideInBulk(ctx.deps, alpha, {
        ids: [q.id],
        decision: 'accept',
        checks: { membre: true, naissance: false },
      }),
    );
    expect((missing as ValidationError).fieldErrors.naissance).toBeDefined();
    const noReason = await rejection(
      decideInBulk(ctx.deps, alpha, {
        ids: [q.id],
        decision: 'refuse',
        checks: { membre: false, naissance: false },
      }),
    );
    expect((noReason as ValidationError).fieldErrors.modele).toBe('Choisissez le motif du refus.');
    const tooMany = await rejection(
      decideInBulk(ctx.deps, alpha, {
        ids: Array.from({ length: 201 }, (_, i) => `id-${i}`),
        decision: 'refuse',
        templateKey: 'refuse_birth_date',
        checks: { membre: false, naissance: false },
      }),
    );
    expect((tooMany as ValidationError).fieldErrors.ids).toContain('au plus 200');
    expect((await patronRow(ctx, q.id)).state).toBe('pending');
  });
});

describe('other library and network administrators', () => {
  it('refuses every cross-library attempt and changes nothing', async () => {
    const patron = await addPatron(ctx, libA.id);
    const before = { mails: await outboxCount(ctx), events: await eventCount(ctx) };
    expect((await rejection(decideRequest(ctx.deps, beta, accept(patron.id)))).status).toBe(404);
    expect((await rejection(undoDecision(ctx.deps, beta, { patronId: patron.id }))).status).toBe(404);
    expect((await rejection(warnLibrary(ctx.deps, beta, patron.id))).status).toBe(403);
    const bulk = await decideInBulk(ctx.deps, beta, {
      ids: [patron.id],
      decision: 'accept',
      checks: { membre: true, naissance: true },
    });
    expect(bulk).toEqual({ done: [], skipped: [{ name: patron.id, reason: 'introuvable' }] });
    expect(await patronRow(ctx, patron.id)).toEqual(patron);

    // A decision of library A cannot be undone from library B either.
    await decideRequest(ctx.deps, alpha, accept(patron.id));
    const decided = await patronRow(ctx, patron.id);
    expect((await rejection(undoDecision(ctx.deps, beta, { patronId: patron.id }))).status).toBe(404);
    expect(await patronRow(ctx, patron.id)).toEqual(decided);
    expect(await outboxCount(ctx)).toBe(before.mails + 1);
    expect(await eventCount(ctx)).toBe(before.events + 1);
  });

  it('records a network administrator’s decision “pour <bibliothèque>”', async () => {
    const patron = await addPatron(ctx, libA.id);
    const panelBefore = await loadDecisionPanel(
      ctx.deps as AppDeps,
      admin,
      (await findPatronById(ctx.database.db, patron.id))!,
    );
    expect(renderToString(h(DecisionPanel, { data: panelBefore!, csrf: 'jeton' }))).toContain(
      'la décision sera enregistrée « par Jeanne Réseau pour Médiathèque Alpha »',
    );
    const outcome = await decideRequest(ctx.deps, admin, accept(patron.id));
    expect(outcome.onBehalf).toBe(true);
    const row = await patronRow(ctx, patron.id);
    expect(row.decidedOnBehalf).toBe(true);
    expect(row.decidedByLabel).toBe('Jeanne Réseau');
    const [event] = await patronEvents(ctx, patron.id);
    expect(event!.onBehalfOfLibraryId).toBe(libA.id);
    expect(event!.data).toMatchObject({ libraryName: 'Médiathèque Alpha' });

    const panel = await loadDecisionPanel(
      ctx.deps as AppDeps,
      alpha,
      (await findPatronById(ctx.database.db, patron.id))!,
    );
    const html = renderToString(h(DecisionPanel, { data: panel!, csrf: 'jeton' }));
    expect(html).toContain(
      'Décision enregistrée : accepté par Jeanne Réseau pour Médiathèque Alpha à 10:00.',
    );
    expect(html).toContain('Le courriel partira à 10:10.');
  });

  it('warns the library of an overdue request: e-mail with a direct link, history, date', async () => {
    const patron = await addPatron(ctx, libA.id, {
      pendingSince: new Date(ctx.clock.now().getTime() - 6 * DAY),
    });
    const young = await addPatron(ctx, libA.id);
    expect((await rejection(warnLibrary(ctx.deps, admin, young.id))).code).toBe('not_overdue');
    const result = await warnLibrary(ctx.deps, admin, patron.id);
    expect(result.libraryName).toBe('Médiathèque Alpha');
    expect((await patronRow(ctx, patron.id)).lastWarnedAt?.toISOString()).toBe(ctx.clock.now().toISOString());
    const mails = await ctx.database.db.select().from(outbox).where(eq(outbox.template, 'overdue_warning'));
    const mail = mails.find((m) => m.text.includes(patron.id))!;
    expect(mail.toAddress).toMatch(/^biblio\d+@exemple\.fr$/);
    expect(mail.text).toContain(`http://sesame.test/admin/usagers/${patron.id}`);
    expect(mail.text).toContain('Jeanne Réseau');
    const [event] = await patronEvents(ctx, patron.id);
    expect(event!.action).toBe('warned');
  });
});

describe('decision panel', () => {
  it('prefills the acceptance text with this patron’s details and explains the checks', async () => {
    const patron = await addPatron(ctx, libA.id, { birthDate: '2014-03-02', birthYear: 2014 });
    const data = await loadDecisionPanel(
      ctx.deps as AppDeps,
      alpha,
      (await findPatronById(ctx.database.db, patron.id))!,
    );
    const html = renderToString(h(DecisionPanel, { data: data!, csrf: 'jeton' }));
    expect(html).toContain('Que décidez-vous ?');
    expect(html).toContain('Accepter');
    expect(html).toContain('Refuser');
    expect(html).toContain('Adhérent actif de la bibliothèque (inscrit ou réinscrit depuis moins d’un an)');
    expect(html).toContain('Date de naissance vérifiée (au moins l’année)');
    expect(html).toContain('Date déclarée : 02/03/2014 (12 ans).');
    expect(html).toContain('Les deux cases sont obligatoires pour accepter');
    expect(html).toContain(`Bonjour ${patron.firstName} ${patron.lastName},`);
    expect(html).toContain('actif jusqu’au 22/11/2027');
    expect(html).toContain(`Identifiant : ${patron.identifier}`);
    expect(html).not.toContain('[prenom]');
    expect(html).toContain('name="action" value="modele"');
    expect(html).toContain('Utiliser ce modèle');
    expect(html).toContain('Valider la décision');
    expect(html).toContain(`<script src="${ASSETS.decisionJs}" defer`);
    expect(html).not.toContain('pour Médiathèque Alpha');
    // The seed's two refusal reasons (① and ②), and nothing else.
    for (const label of ['pas adhérent actif', 'date de naissance incorrecte']) expect(html).toContain(label);
    expect(html).not.toContain('compte déjà existant');
    expect(html).not.toContain('autre motif');
    // The acceptance text of an online registration, with the network's quotas and links.
    expect(html).toContain('- 4 documents de l’espace films ;');
    expect(html).toContain('[ce lien](http://sesame.test/mot-de-passe-oublie)');

    // Chosen template without JavaScript: its text, filled.
    const refused = renderToString(
      h(DecisionPanel, {
        data: data!,
        csrf: 'jeton',
        values: { decision: 'refuser', modele: 'refuse_not_member' },
      }),
    );
    expect(refused).toContain('Nous vous invitons à vous rapprocher de votre bibliothèque');
    expect(refused).toMatch(/value="refuse_not_member"[^>]*selected/);
  });

  it('offers nothing for a request that does not await a decision', async () => {
    const patron = await addPatron(ctx, libA.id, { state: 'awaiting_confirmation', pendingSince: null });
    expect(
      await loadDecisionPanel(
        ctx.deps as AppDeps,
        alpha,
        (await findPatronById(ctx.database.db, patron.id))!,
      ),
    ).toBeNull();
  });

  it('renders the bulk bar with both checks and the refusal reasons', () => {
    const html = renderToString(h(BulkDecisionBar, { actor: alpha }));
    expect(html).toContain('Décision groupée pour la sélection');
    expect(html).toContain('pour toutes les demandes sélectionnées');
    expect(html).toContain('value="refuse_not_member"');
    expect(html).not.toContain('value="accept"');
  });
});

describe('decision routes', () => {
  it('decides through the form: flash and redirect to the record', async () => {
    const patron = await addPatron(ctx, libA.id);
    const b = await browserFor(alpha);
    const res = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      {
        action: 'decider',
        decision: 'accepter',
        membre: 'oui',
        naissance: 'oui',
        modele: 'accept',
        modele_affiche: 'accept',
        objet: 'Votre compte NuMos est actif',
        message: 'Bonjour [prenom],\r\nBienvenue.',
        fin_prevue: '2027-11-22',
      },
      { from: '/admin' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/usagers/${patron.id}`);
    const flash = decodeURIComponent(String(b.cookies.get('sesame_flash')));
    expect(flash).toContain(
      'Demande acceptée : le courriel partira dans 10 minutes (annulation possible d’ici là).',
    );
    expect((await patronRow(ctx, patron.id)).state).toBe('active');

    // A second decision on the same request: the colleague learns who decided, nothing changes.
    const c = await browserFor(alpha2);
    const again = await c.post(
      `/admin/usagers/${patron.id}/decision`,
      { decision: 'refuser', modele: 'refuse_birth_date', objet: 'Refus', message: 'Bonjour' },
      { from: '/admin' },
    );
    expect(again.statusCode).toBe(303);
    expect(decodeURIComponent(String(c.cookies.get('sesame_flash')))).toContain(
      'Demande déjà traitée par Agnès Alpha le 23/11/2026 à 10:00',
    );
    expect((await patronRow(ctx, patron.id)).state).toBe('active');

    // Undo through the form.
    const undo = await b.post(`/admin/usagers/${patron.id}/annuler`, {}, { from: '/admin' });
    expect(undo.statusCode).toBe(303);
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');
  });

  it('answers 404 to another library’s staff on every decision URL, and changes nothing', async () => {
    const patron = await addPatron(ctx, libA.id);
    const b = await browserFor(beta);
    const before = { mails: await outboxCount(ctx), events: await eventCount(ctx) };
    const form = {
      action: 'decider',
      decision: 'accepter',
      membre: 'oui',
      naissance: 'oui',
      modele: 'accept',
      objet: 'x',
      message: 'y',
    };
    expect((await b.post(`/admin/usagers/${patron.id}/decision`, form, { from: '/admin' })).statusCode).toBe(
      404,
    );
    expect(
      (await b.post(`/admin/usagers/${patron.id}/decision`, { decision: '' }, { from: '/admin' })).statusCode,
    ).toBe(404);
    expect((await b.post(`/admin/usagers/${patron.id}/annuler`, {}, { from: '/admin' })).statusCode).toBe(
      404,
    );
    expect((await b.post(`/admin/usagers/${patron.id}/avertir`, {}, { from: '/admin' })).statusCode).toBe(
      403,
    );
    const bulk = await b.post(
      '/admin/usagers/decisions',
      { ids: [patron.id], decision: 'accepter', membre: 'oui', naissance: 'oui', retour: '?etat=a_valider' },
      { from: '/admin' },
    );
    expect(bulk.statusCode).toBe(303);
    expect(bulk.headers.location).toBe('/admin/usagers?etat=a_valider');
    expect(decodeURIComponent(String(b.cookies.get('sesame_flash')))).toContain('introuvable');
    expect(await patronRow(ctx, patron.id)).toEqual(patron);
    expect(await outboxCount(ctx)).toBe(before.mails);
    expect(await eventCount(ctx)).toBe(before.events);
  });

  it('applies a bulk decision from the list and says what was skipped', async () => {
    const p1 = await addPatron(ctx, libA.id);
    const p2 = await addPatron(ctx, libA.id);
    await decideRequest(ctx.deps, alpha2, refuse(p2.id));
    const b = await browserFor(alpha);
    const res = await b.post(
      '/admin/usagers/decisions',
      {
        ids: [p1.id, p2.id],
        decision: 'refuser',
        modele: 'refuse_birth_date',
        retour: '/admin/usagers?etat=a_valider&tri=attente',
      },
      { from: '/admin' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/usagers?etat=a_valider&tri=attente');
    const flash = decodeURIComponent(String(b.cookies.get('sesame_flash')));
    expect(flash).toContain(`1 demande refusée : ${p1.firstName} ${p1.lastName}.`);
    expect(flash).toContain(
      `${p2.firstName} ${p2.lastName} (Déjà traitée par Bruno Alpha le 23/11/2026 à 10:00)`,
    );
    expect((await patronRow(ctx, p1.id)).state).toBe('refused');

    const none = await b.post(
      '/admin/usagers/decisions',
      { decision: 'refuser', retour: 'https://ailleurs.example/' },
      { from: '/admin' },
    );
    expect(none.headers.location).toBe('/admin/usagers');
    expect(decodeURIComponent(String(b.cookies.get('sesame_flash')))).toContain(
      'Sélectionnez au moins une demande',
    );
  });

  it('only follows a local return path under the queue', () => {
    expect(queueReturnPath('?etat=retard')).toBe('/admin/usagers?etat=retard');
    expect(queueReturnPath('/admin/usagers?q=zoe')).toBe('/admin/usagers?q=zoe');
    expect(queueReturnPath('//ailleurs.example/admin/usagers')).toBe('/admin/usagers');
    expect(queueReturnPath('/admin/parametres')).toBe('/admin/usagers');
    expect(queueReturnPath('/admin/usagersX')).toBe('/admin/usagers');
    expect(queueReturnPath(undefined)).toBe('/admin/usagers');
    // Checked after the browser's own resolution of dots, tabs and backslashes.
    expect(queueReturnPath('/admin/usagers/../parametres')).toBe('/admin/usagers');
    expect(queueReturnPath('/admin/usagers/\t/../../x')).toBe('/admin/usagers');
    expect(queueReturnPath('/admin/usagers?q=Zo\u20ac')).toBe('/admin/usagers');
  });
});

describe('decision form on the record page', () => {
  it('re-renders with the chosen template without deciding, then shows errors by the fields', async () => {
    const patron = await addPatron(ctx, libA.id);
    const b = await browserFor(alpha);
    const record = await b.get(`/admin/usagers/${patron.id}`);
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('Que décidez-vous ?');
    expect(record.body).toContain(`Bonjour ${patron.firstName} ${patron.lastName},`);

    const chosen = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      {
        action: 'modele',
        modele: 'refuse_birth_date',
        modele_affiche: 'accept',
        objet: 'Votre compte NuMos est actif',
        message: 'Texte modifié',
      },
      { from: `/admin/usagers/${patron.id}` },
    );
    expect(chosen.statusCode).toBe(200);
    expect(chosen.body).toContain('La date de naissance indiquée ne correspond pas');
    expect(chosen.body).not.toContain('Texte modifié');
    expect(chosen.body).toMatch(/value="refuser"[^>]*checked/);
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');

    // Enter pressed in a field (same template): nothing typed is lost, nothing decided.
    const same = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      {
        action: 'modele',
        modele: 'accept',
        modele_affiche: 'accept',
        objet: 'Mon objet',
        message: 'Mon texte gardé',
      },
      { from: `/admin/usagers/${patron.id}` },
    );
    expect(same.statusCode).toBe(200);
    expect(same.body).toContain('Mon texte gardé');

    const invalid = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      {
        action: 'decider',
        decision: 'accepter',
        modele: 'accept',
        modele_affiche: 'accept',
        objet: 'Mon objet',
        message: 'Bonjour [prenon], texte gardé',
      },
      { from: `/admin/usagers/${patron.id}` },
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain(
      'Pour accepter, confirmez que le demandeur est adhérent actif de la bibliothèque',
    );
    expect(invalid.body).toContain('Pour accepter, confirmez que la date de naissance a été vérifiée');
    expect(invalid.body).toContain('Balise inconnue : [prenon].');
    expect(invalid.body).toContain('Bonjour [prenon], texte gardé');
    expect(invalid.body).toMatch(/value="accepter"[^>]*checked/);

    const noChoice = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      { action: 'decider', modele: 'accept', objet: 'Mon objet', message: 'Texte' },
      { from: `/admin/usagers/${patron.id}` },
    );
    expect(noChoice.statusCode).toBe(400);
    expect(noChoice.body).toContain('Choisissez Accepter ou Refuser.');
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');
    expect(await mailsTo(ctx, patron.email!)).toHaveLength(0);

    // Another library's staff cannot even load a template into the form.
    const other = await browserFor(beta);
    const foreign = await other.post(
      `/admin/usagers/${patron.id}/decision`,
      { action: 'modele', modele: 'refuse_birth_date', modele_affiche: 'accept' },
      { from: '/admin' },
    );
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain(patron.lastName!);
  });

  it('shows “pour <bibliothèque>” on the record after a network administrator decided', async () => {
    const patron = await addPatron(ctx, libA.id);
    await decideRequest(ctx.deps, admin, accept(patron.id));
    const b = await browserFor(alpha);
    const record = await b.get(`/admin/usagers/${patron.id}`);
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('pour Médiathèque Alpha');
    expect(record.body).toContain('Annuler la décision');
    ctx.clock.advance(11 * MINUTE);
    const later = await (await browserFor(alpha)).get(`/admin/usagers/${patron.id}`);
    expect(later.body).toContain('Jeanne Réseau');
    expect(later.body).toContain('pour Médiathèque Alpha');
    expect(later.body).not.toContain('Annuler la décision');
  });
});

describe('record page laid out for the decision', () => {
  it('puts the decision form before Informations, Statut and Ressources, first in the summary', async () => {
    const patron = await addPatron(ctx, libA.id);
    const page = (await (await browserFor(alpha)).get(`/admin/usagers/${patron.id}`)).body;
    const form = page.indexOf('id="formulaire-decision"');
    expect(form).toBeGreaterThan(0);
    for (const section of ['id="informations"', 'id="statut"', 'id="ressources"', 'id="historique"'])
      expect(page.indexOf(section)).toBeGreaterThan(form);
    expect(page).toMatch(/<ol class="fr-summary__list"><li><a class="fr-summary__link" href="#decision">/);
  });

  it('brings staff back to the form, not the top of the page, after “Utiliser ce modèle”', async () => {
    const patron = await addPatron(ctx, libA.id);
    const page = (await (await browserFor(alpha)).get(`/admin/usagers/${patron.id}`)).body;
    expect(page).toMatch(
      new RegExp(
        `<button type="submit" name="action" value="modele" formaction="/admin/usagers/${patron.id}/decision#formulaire-decision"`,
      ),
    );
  });

  it('says next to the template list that a refusal template cannot go with “Accepter”, and refuses it on the server', async () => {
    const patron = await addPatron(ctx, libA.id);
    const b = await browserFor(alpha);
    const record = await b.get(`/admin/usagers/${patron.id}`);
    expect(record.body).toContain('Un modèle de refus ne peut pas être envoyé avec « Accepter »');

    // "Utiliser ce modèle" with Accepter ticked: the texts change, and the form says it will not go.
    const chosen = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      { action: 'modele', decision: 'accepter', modele: 'refuse_birth_date', modele_affiche: 'accept' },
      { from: `/admin/usagers/${patron.id}` },
    );
    expect(chosen.statusCode).toBe(200);
    expect(chosen.body).toMatch(
      /id="champ-modele-message"[^>]*><p class="fr-message fr-message--error">Ce modèle annonce un refus/,
    );

    // Sent anyway, without JavaScript: 400, the message by the field, nothing decided or mailed.
    const sent = await b.post(
      `/admin/usagers/${patron.id}/decision`,
      {
        action: 'decider',
        decision: 'accepter',
        membre: 'oui',
        naissance: 'oui',
        modele: 'refuse_birth_date',
        modele_affiche: 'refuse_birth_date',
        objet: 'Votre demande',
        message: 'La date de naissance indiquée ne correspond pas.',
      },
      { from: `/admin/usagers/${patron.id}` },
    );
    expect(sent.statusCode).toBe(400);
    expect(sent.body).toMatch(
      /id="champ-modele-message"[^>]*><p class="fr-message fr-message--error">Ce modèle annonce un refus/,
    );
    expect((await patronRow(ctx, patron.id)).state).toBe('pending');
    expect(await mailsTo(ctx, patron.email!)).toHaveLength(0);
  });
});
