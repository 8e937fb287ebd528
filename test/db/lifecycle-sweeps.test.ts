import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/db/repositories/outbox.js';
import { anonymisePatron } from '../../src/db/repositories/patron-erasure.js';
import { events, outbox, patrons, sessions } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY } from '../../src/domain/clock.js';
import { ERASED_PATRON_LABEL, ERASED_REQUEST_LINE, scrubEventData } from '../../src/domain/erasure.js';
import { remindOverdueRequests } from '../../src/jobs/escalation-sweeps.js';
import {
  applyRetention,
  expireSubscriptions,
  sendRenewalReminders,
} from '../../src/jobs/lifecycle-sweeps.js';
import { SWEEPS } from '../../src/jobs/sweeps.js';
import { decideRequest } from '../../src/usecases/patrons/decide-request.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';
import { addPatron, mailsTo, patronEvents, patronRow, staffActor } from '../helpers/decision-fixtures.js';
import { addMember, dumpDatabase, loggedIn, mailsAbout, tokensOf } from '../helpers/lifecycle-fixtures.js';

const START = '2026-11-23T09:00:00Z'; // 23/11/2026, 10:00 in Paris
let ctx: TestContext;
let libA: { id: string; name: string; email: string };
let libB: { id: string; name: string; email: string };
let alpha: StaffActor;
let alphaLogin: { identifier: string; password: string };
let betaLogin: { identifier: string; password: string };
const sweepCtx = (c: TestContext = ctx) => ({ db: c.database.db, clock: c.clock, config: c.config });

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'agent-alpha', name: 'Agnès Alpha', libraryIds: [libA.id] });
  const b = await addStaff(ctx, { identifier: 'agent-beta', name: 'Béatrice Bêta', libraryIds: [libB.id] });
  alpha = staffActor(a, [libA.id]);
  alphaLogin = a;
  betaLogin = b;
});
afterAll(() => ctx?.close());
beforeEach(async () => {
  ctx.clock.set(START);
  // Each test starts from patrons of its own: earlier ones would be swept again.
  await ctx.database.db.delete(patrons);
});

const lastMailId = async () =>
  (await ctx.database.db.select({ id: sql<number>`coalesce(max(${outbox.id}), 0)::int` }).from(outbox))[0]!
    .id;
const remindersSince = (id: number) =>
  ctx.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.template, 'overdue_reminder'), sql`${outbox.id} > ${id}`))
    .orderBy(outbox.id);

async function staffBrowser(login: { identifier: string; password: string }) {
  const b = new TestBrowser(ctx.app, '198.51.100.9');
  expect((await b.logIn(login.identifier, login.password)).statusCode).toBe(303);
  return b;
}

describe('lifecycle sweeps', () => {
  it('are registered with the scheduler', () => {
    const names = SWEEPS.map((s) => s.name);
    for (const n of ['renewal-reminders', 'expiries', 'retention']) expect(names).toContain(n);
  });

  it('expire active subscriptions the day after their end date (Paris), once, with the e-mail; a renewal request waiting past its end date stays waiting', async () => {
    const ended = await addMember(ctx, libA.id, { activeUntil: '2026-11-22' });
    const lastDay = await addMember(ctx, libA.id, { activeUntil: '2026-11-23' });
    const asking = await addMember(ctx, libA.id, { state: 'renewal_pending', activeUntil: '2026-11-22' });

    expect(await expireSubscriptions(sweepCtx())).toEqual({ expired: 1 });
    expect(await expireSubscriptions(sweepCtx())).toEqual({ expired: 0 });
    expect((await patronRow(ctx, ended.id)).state).toBe('expired');
    expect((await patronRow(ctx, lastDay.id)).state).toBe('active');
    expect((await patronRow(ctx, asking.id)).state).toBe('renewal_pending');

    const [mail] = await mailsTo(ctx, ended.email!);
    expect(mail!.subject).toBe('Votre abonnement à NuMos a expiré');
    expect(mail!.patronId).toBe(ended.id);
    expect(mail!.text).toContain('Votre abonnement à NuMos a expiré le 22/11/2026.');
    expect(mail!.text).toContain('choisissez « Demander le renouvellement » sur la page « Mon compte »');
    expect(mail!.text).toContain('vos données personnelles seront effacées le 23/11/2027');
    expect(mail!.text).toContain('http://sesame.test/connexion?suite=%2Fmon-compte');
    const history = await patronEvents(ctx, ended.id);
    expect(history.map((e) => [e.action, e.actorKind, e.data])).toEqual([
      ['expired', 'system', { activeUntil: '2026-11-22' }],
    ]);

    // 23:59 in Paris on the last day: still active; midnight: expired.
    ctx.clock.set('2026-11-23T22:59:00Z');
    expect(await expireSubscriptions(sweepCtx())).toEqual({ expired: 0 });
    ctx.clock.set('2026-11-23T23:00:00Z');
    expect(await expireSubscriptions(sweepCtx())).toEqual({ expired: 1 });
    expect(await expireSubscriptions(sweepCtx())).toEqual({ expired: 0 });
    expect((await patronRow(ctx, lastDay.id)).state).toBe('expired');

    // The expired patron can still log in and is shown the way back.
    const b = await loggedIn(ctx, ended);
    const account = await b.get('/mon-compte');
    expect(account.body).toContain('Abonnement expiré le 22/11/2026');
    expect(account.body).toContain('Demander le renouvellement');
    // Still waiting for the library past the end date: told that access has stopped meanwhile.
    const waiting = await (await loggedIn(ctx, asking)).get('/mon-compte');
    expect(waiting.body).toContain(
      'Votre abonnement est terminé : les contenus au Forfait rouvriront dès la validation.',
    );
  });

  it('warns 30 days before erasure, once; erases when the retention period ends; each run twice; statistics survive', async () => {
    // Expired on 22/12/2025: kept 365 days, erased on 23/12/2026, warned from 23/11/2026.
    const expired = await addMember(ctx, libA.id, {
      state: 'expired',
      identifier: 'conserve-expire',
      activeUntil: '2025-12-22',
      birthDate: '1984-03-09',
      birthYear: 1984,
      cardNumber: '5700000001234',
    });
    const nextDay = await addMember(ctx, libA.id, { state: 'expired', activeUntil: '2025-12-23' });
    const refused = await addMember(ctx, libB.id, {
      state: 'refused',
      identifier: 'conserve-refuse',
      decision: 'refused',
      refusalReason: 'refuse_not_member',
      activeUntil: null,
      decidedAt: new Date('2025-12-22T16:00:00Z'),
    });
    const active = await addMember(ctx, libA.id, { activeUntil: '2027-01-31' });

    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 2 });
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });
    const [warning] = await mailsTo(ctx, expired.email!);
    expect(warning!.subject).toBe('Vos données seront effacées le 23/12/2026 — NuMos');
    expect(warning!.patronId).toBe(expired.id);
    expect(warning!.text).toContain('choisissez « Demander le renouvellement »');
    const [refusedWarning] = await mailsTo(ctx, refused.email!);
    expect(refusedWarning!.subject).toBe('Vos données seront effacées le 23/12/2026 — NuMos');
    expect(refusedWarning!.text).toContain('faire une nouvelle demande d’inscription');
    expect(await mailsTo(ctx, nextDay.email!)).toHaveLength(0);
    expect((await patronRow(ctx, expired.id)).retentionWarnedAt?.toISOString()).toBe(
      '2026-11-23T09:00:00.000Z',
    );
    expect((await patronEvents(ctx, expired.id)).map((e) => e.action)).toEqual(['retention_warned']);

    // The record page names the warning in the history; the other library does not see it.
    const staff = await staffBrowser(alphaLogin);
    expect((await staff.get(`/admin/usagers/${expired.id}`)).body).toContain(
      'Avertissement envoyé : données bientôt effacées',
    );
    expect((await (await staffBrowser(betaLogin)).get(`/admin/usagers/${expired.id}`)).statusCode).toBe(404);

    const statistics = () =>
      ctx.database.db
        .select({
          library: patrons.libraryId,
          state: patrons.state,
          year: patrons.birthYear,
          registered: patrons.registeredAt,
          until: patrons.activeUntil,
          decision: patrons.decision,
          decidedAt: patrons.decidedAt,
          reason: patrons.refusalReason,
        })
        .from(patrons)
        .orderBy(patrons.registeredAt, patrons.id);
    const before = await statistics();

    // The last day of retention (22/12/2026, 23:59 in Paris): nothing erased yet.
    ctx.clock.set('2026-12-22T22:59:00Z');
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 1 });
    expect((await patronRow(ctx, expired.id)).lastName).not.toBeNull();
    ctx.clock.set('2026-12-22T23:00:00Z');
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 2, warned: 0 });
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });

    const erased = await patronRow(ctx, expired.id);
    expect(erased).toMatchObject({
      state: 'expired',
      libraryId: libA.id,
      activeUntil: '2025-12-22',
      birthYear: 1984,
      birthDate: null,
      lastName: null,
      firstName: null,
      email: null,
      identifier: null,
      passwordHash: null,
      cardNumber: null,
      pendingEmail: null,
      newsletter: false,
    });
    expect(erased.anonymisedAt?.toISOString()).toBe('2026-12-22T23:00:00.000Z');
    expect(await patronRow(ctx, refused.id)).toMatchObject({
      state: 'refused',
      refusalReason: 'refuse_not_member',
      lastName: null,
    });
    expect((await patronRow(ctx, nextDay.id)).lastName).not.toBeNull();
    expect((await patronRow(ctx, active.id)).lastName).not.toBeNull();
    expect(await statistics()).toEqual(before);
    const dump = await dumpDatabase(ctx);
    for (const gone of [
      expired.email!,
      expired.identifier!,
      '5700000001234',
      refused.email!,
      refused.identifier!,
    ])
      expect(dump).not.toContain(gone);
    expect(dump).toContain(nextDay.email!);
    expect((await patronEvents(ctx, expired.id)).map((e) => e.action)).toEqual([
      'retention_warned',
      'anonymised',
    ]);

    // The next day, the other one; then nothing.
    ctx.clock.set('2026-12-23T23:00:00Z');
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 1, warned: 0 });
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });
    // An erased patron cannot log in any more.
    const login = await new TestBrowser(ctx.app, '192.0.2.250').logIn(
      expired.identifier!,
      'Renouveler-2026!',
    );
    expect(login.statusCode).not.toBe(303);
  });

  it('a warned patron who renews is warned again only for their next end date', async () => {
    const p = await addMember(ctx, libA.id, { state: 'expired', activeUntil: '2025-12-22' });
    expect((await applyRetention(sweepCtx())).warned).toBe(1);
    const b = await loggedIn(ctx, p);
    await b.post('/mon-compte/renouveler', {}, { from: '/mon-compte/renouveler' });
    await decideRequest(ctx.deps, alpha, {
      patronId: p.id,
      decision: 'accept',
      templateKey: 'renewal_accept',
      subject: 'Renouvelé',
      message: 'Bonjour [prenom],\n\nActif jusqu’au [actif-jusquau].',
      checks: { membre: true, naissance: true },
    });
    // Renewed after expiry: a new period from the decision day.
    expect(await patronRow(ctx, p.id)).toMatchObject({ state: 'active', activeUntil: '2027-11-22' });
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });
    ctx.clock.set('2027-11-23T09:00:00Z');
    expect(await expireSubscriptions(sweepCtx())).toEqual({ expired: 1 });
    // Erased 366 days after 22/11/2027 (a leap year): 22/11/2028; warned 30 days before.
    ctx.clock.set('2028-10-22T09:00:00Z');
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });
    ctx.clock.set('2028-10-23T09:00:00Z');
    expect((await applyRetention(sweepCtx())).warned).toBe(1);
    const warnings = (await mailsAbout(ctx, p.id)).filter((m) => m.template === 'retention_warning');
    expect(warnings.map((m) => m.subject)).toEqual([
      'Vos données seront effacées le 23/12/2026 — NuMos',
      'Vos données seront effacées le 22/11/2028 — NuMos',
    ]);
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });
  });

  it('erases a patron from an overdue reminder listing several requests, and only them', async () => {
    const old = new Date(ctx.clock.now().getTime() - 6 * DAY);
    // Names that share pieces: erasing one must not touch the other's.
    const gone = await addPatron(ctx, libA.id, {
      pendingSince: old,
      firstName: 'Jean',
      lastName: 'Lemaire-Okafor',
      identifier: 'jean.lemaire.ok',
      email: 'jean.lemaire.ok@exemple.fr',
    });
    const stays = await addPatron(ctx, libA.id, {
      pendingSince: old,
      firstName: 'Jeanne',
      lastName: 'Lemaire',
      identifier: 'jeanne.lemaire',
    });
    const alone = await addPatron(ctx, libB.id, {
      pendingSince: old,
      firstName: 'Philomène',
      lastName: 'Arbois',
      identifier: 'philo.arbois',
    });
    expect(await remindOverdueRequests(ctx.deps)).toEqual({ requests: 3, mails: 2 });
    const reminders = await ctx.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.template, 'overdue_reminder'));
    const shared = reminders.find((m) => m.toAddress === libA.email)!;
    const single = reminders.find((m) => m.toAddress === libB.email)!;
    expect(shared.text).toContain('Jean Lemaire-Okafor (identifiant jean.lemaire.ok)');
    expect(single.subject).toContain('Philomène Arbois');

    await ctx.database.db.transaction((tx) =>
      anonymisePatron(tx, gone.id, ctx.clock.now(), 'deleted_by_staff'),
    );
    await ctx.database.db.transaction((tx) => anonymisePatron(tx, alone.id, ctx.clock.now(), 'retention'));

    const dump = (await dumpDatabase(ctx)).toLowerCase();
    for (const s of ['Lemaire-Okafor', 'jean.lemaire.ok', 'Philomène', 'Arbois', 'philo.arbois'])
      expect(dump).not.toContain(s.toLowerCase());
    const [after] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, shared.id));
    // The library still gets its reminder: the erased request's line is replaced, the other is whole.
    expect(after).toMatchObject({ toAddress: libA.email, status: 'pending', subject: shared.subject });
    expect(after!.text).toContain(ERASED_REQUEST_LINE);
    expect(after!.text).not.toContain(`/admin/usagers/${gone.id}`);
    expect(after!.text).toContain(
      `Jeanne Lemaire (identifiant jeanne.lemaire), en attente depuis le 17/11/2026 : http://sesame.test/admin/usagers/${stays.id}`,
    );
    expect(after!.html).toContain(`<p style="margin:0 0 16px">${ERASED_REQUEST_LINE}</p>`);
    expect(after!.html).toContain('Jeanne Lemaire (identifiant jeanne.lemaire)');
    // A reminder about the erased patron only is blanked, and not sent.
    const [blank] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, single.id));
    expect(blank).toMatchObject({
      toAddress: '(courriel effacé)',
      subject: '(courriel effacé)',
      status: 'cancelled',
    });
  });

  it('two erasures at once of patrons listed in the same reminder both take their line out', async () => {
    const old = new Date(ctx.clock.now().getTime() - 6 * DAY);
    const people = await Promise.all(
      ['Aubépine', 'Bérénice', 'Capucine'].map((firstName, i) =>
        addPatron(ctx, libA.id, {
          pendingSince: old,
          firstName,
          lastName: `Ravel${i}`,
          identifier: `ravel.${i}`,
        }),
      ),
    );
    const before = await lastMailId();
    expect(await remindOverdueRequests(ctx.deps)).toEqual({ requests: 3, mails: 1 });
    const other = onPostgres ? ctx.openAnother().db : ctx.database.db;
    await Promise.all([
      ctx.database.db.transaction((tx) => anonymisePatron(tx, people[0]!.id, ctx.clock.now(), 'retention')),
      other.transaction((tx) => anonymisePatron(tx, people[1]!.id, ctx.clock.now(), 'retention')),
    ]);
    const [mail] = await remindersSince(before);
    for (const gone of ['Aubépine', 'Bérénice', 'ravel.0', 'ravel.1']) {
      expect(mail!.text).not.toContain(gone);
      expect(mail!.html).not.toContain(gone);
    }
    expect(mail!.text).toContain('Capucine Ravel2 (identifiant ravel.2)');
  });

  it('anonymises lapsed requests that kept their data (earlier versions) at once', async () => {
    const old = await addMember(ctx, libA.id, { state: 'lapsed', activeUntil: null });
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 1, warned: 0 });
    expect(await patronRow(ctx, old.id)).toMatchObject({ state: 'lapsed', lastName: null, email: null });
    expect(await applyRetention(sweepCtx())).toEqual({ anonymised: 0, warned: 0 });
  });
});

describe('an anonymised record', () => {
  it('leaves no personal data anywhere: patron row, history data and labels, e-mails, links, sessions', async () => {
    const secrets = {
      firstName: 'Zéphyrine',
      lastName: 'Quenault-Brébeuf',
      email: 'zephyrine.qb@exemple.fr',
      identifier: 'zephyq',
      cardNumber: '5712340009876',
      pendingEmail: 'zephy.nouvelle@exemple.org',
    };
    const p = await addMember(ctx, libA.id, {
      ...secrets,
      state: 'renewal_pending',
      activeUntil: '2026-12-05',
      pendingSince: new Date('2026-11-22T09:00:00Z'),
      birthDate: '1979-05-17',
      birthYear: 1979,
    });
    const bystander = await addMember(ctx, libA.id, { activeUntil: '2027-03-01' });

    // A history and mailbox like a real one: patron's own actions, a decision with its message,
    // an identity correction, an e-mail change, a session, links.
    const b = await loggedIn(ctx, p);
    expect((await b.get('/mon-compte')).statusCode).toBe(200);
    await ctx.database.db.insert(events).values([
      {
        at: new Date(),
        actorKind: 'patron',
        actorId: p.id,
        actorLabel: `${secrets.firstName} ${secrets.lastName} (${secrets.identifier})`,
        action: 'email_change_requested',
        subjectKind: 'patron',
        subjectId: p.id,
        data: { newEmail: secrets.pendingEmail, until: '2026-11-24T09:00:00.000Z' },
      },
      {
        at: new Date(),
        actorKind: 'staff',
        actorId: alpha.id,
        actorLabel: 'Agnès Alpha (agent-alpha)',
        action: 'identity_corrected',
        subjectKind: 'patron',
        subjectId: p.id,
        data: {
          fields: ['lastName', 'cardNumber'],
          before: { lastName: 'Quenault', cardNumber: null },
          after: { lastName: secrets.lastName, cardNumber: secrets.cardNumber },
        },
      },
      {
        at: new Date(),
        actorKind: 'staff',
        actorId: alpha.id,
        actorLabel: 'Agnès Alpha (agent-alpha)',
        action: 'note',
        subjectKind: 'patron',
        subjectId: p.id,
        data: { unforeseen: `Appel de ${secrets.firstName.toUpperCase()} au sujet de sa carte` },
      },
    ]);
    await decideRequest(ctx.deps, alpha, {
      patronId: p.id,
      decision: 'refuse',
      templateKey: 'renewal_refuse',
      subject: 'Votre demande, [prenom] [nom_destinataire]',
      message: 'Bonjour [prenom] [nom_destinataire],\n\nIdentifiant : [identifiant].',
      checks: { membre: false, naissance: false },
    });
    await enqueueMail(
      ctx.database.db,
      {
        to: secrets.email,
        subject: `Bonjour ${secrets.firstName}`,
        text: `Votre identifiant : ${secrets.identifier}`,
        html: `<p>${secrets.lastName}</p>`,
        template: 'test',
        patronId: p.id,
      },
      ctx.clock.now(),
    );
    const bystanderMail = await enqueueMail(
      ctx.database.db,
      {
        to: bystander.email!,
        subject: 'Autre',
        text: 'Autre',
        html: '<p>Autre</p>',
        template: 'test',
        patronId: bystander.id,
      },
      ctx.clock.now(),
    );
    expect(await sendRenewalReminders(sweepCtx())).toEqual({ reminded: 1 });
    expect(await tokensOf(ctx, p.id)).toHaveLength(1);
    const before = await dumpDatabase(ctx);
    for (const s of Object.values(secrets)) expect(before.toLowerCase()).toContain(s.toLowerCase());

    await ctx.database.db.transaction((tx) => anonymisePatron(tx, p.id, ctx.clock.now(), 'deleted_by_staff'));

    const dump = (await dumpDatabase(ctx)).toLowerCase();
    for (const s of Object.values(secrets)) expect(dump).not.toContain(s.toLowerCase());
    expect(dump).not.toContain('quenault');
    expect(dump).toContain(bystander.email!.toLowerCase());

    const row = await patronRow(ctx, p.id);
    expect(row).toMatchObject({
      state: 'active',
      libraryId: libA.id,
      birthYear: 1979,
      birthDate: null,
      activeUntil: '2026-12-05',
      decision: 'refused',
      undoSnapshot: null,
    });
    const history = await patronEvents(ctx, p.id);
    for (const e of history.filter((e) => e.actorKind === 'patron'))
      expect(e.actorLabel).toBe(ERASED_PATRON_LABEL);
    expect(history.find((e) => e.actorKind === 'staff')!.actorLabel).toBe('Agnès Alpha (agent-alpha)');
    const decision = history.find((e) => e.action === 'renewal_refused')!;
    expect(decision.data).toMatchObject({
      template: 'renewal_refuse',
      subject: '(effacé)',
      message: '(effacé)',
    });
    const corrected = history.find((e) => e.action === 'identity_corrected')!;
    expect(corrected.data).toEqual({
      fields: ['lastName', 'cardNumber'],
      before: { lastName: '(effacé)', cardNumber: null },
      after: { lastName: '(effacé)', cardNumber: '(effacé)' },
    });
    const mails = await mailsAbout(ctx, p.id);
    expect(mails.length).toBeGreaterThanOrEqual(3);
    for (const m of mails) {
      expect(m.toAddress).toBe('(courriel effacé)');
      expect(m.subject).toBe('(courriel effacé)');
      // Not sent yet: it never will be, its address is gone.
      expect(m.status).toBe('cancelled');
    }
    expect(await tokensOf(ctx, p.id)).toHaveLength(0);
    const open = await ctx.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.principalKind, 'patron'), eq(sessions.principalId, p.id)));
    expect(open).toHaveLength(0);
    expect((await b.get('/mon-compte')).statusCode).toBe(303);
    const [other] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, bystanderMail));
    expect(other).toMatchObject({ toAddress: bystander.email, status: 'pending' });

    // A second erasure finds nothing to do.
    expect(
      await ctx.database.db.transaction((tx) => anonymisePatron(tx, p.id, ctx.clock.now(), 'retention')),
    ).toBe(false);
  });

  it('scrubs personal keys and any string holding the patron’s own values, keeps the facts', () => {
    expect(
      scrubEventData(
        {
          template: 'accept',
          checks: { membre: true },
          activeUntil: '2027-11-22',
          libraryName: 'Médiathèque Alpha',
          list: ['zoé.n@exemple.fr', 'ok'],
          nested: { note: 'Zoé a appelé', count: 3 },
          message: 'Bonjour',
        },
        ['Zoé', 'N’Diaye', 'zoé.n@exemple.fr', 'Li'],
      ),
    ).toEqual({
      template: 'accept',
      checks: { membre: true },
      activeUntil: '2027-11-22',
      libraryName: 'Médiathèque Alpha',
      list: ['(effacé)', 'ok'],
      nested: { note: '(effacé)', count: 3 },
      message: '(effacé)',
    });
  });
});

describe('interrupted and concurrent runs', () => {
  it('an expiry run killed after its first batch leaves each record done or not done; the next run finishes, once each', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await addMember(ctx, libA.id, { activeUntil: '2026-11-20' })).id);

    let batches = 0;
    await expect(
      expireSubscriptions(sweepCtx(), {
        batchSize: 3,
        onBatch: () => {
          batches++;
          if (batches === 2) throw new Error('processus arrêté');
        },
      }),
    ).rejects.toThrow('processus arrêté');
    const state = async () => {
      const rows = await ctx.database.db
        .select({ id: patrons.id, state: patrons.state })
        .from(patrons)
        .where(inArray(patrons.id, ids));
      return rows.filter((r) => r.state === 'expired').map((r) => r.id);
    };
    const doneFirst = await state();
    expect(doneFirst).toHaveLength(3);
    // Exactly the expired ones have their e-mail and event: the rolled-back batch left nothing.
    const mailed = async () =>
      (await ctx.database.db.select().from(outbox).where(inArray(outbox.patronId, ids))).map(
        (m) => m.patronId,
      );
    expect((await mailed()).sort()).toEqual([...doneFirst].sort());

    expect(await expireSubscriptions(sweepCtx(), { batchSize: 3 })).toEqual({ expired: 4 });
    expect(await expireSubscriptions(sweepCtx(), { batchSize: 3 })).toEqual({ expired: 0 });
    expect(await state()).toHaveLength(7);
    expect((await mailed()).sort()).toEqual([...ids].sort());
    const expiredEvents = await ctx.database.db
      .select({ subject: events.subjectId })
      .from(events)
      .where(and(eq(events.action, 'expired'), inArray(events.subjectId, ids)));
    expect(expiredEvents.map((e) => e.subject).sort()).toEqual([...ids].sort());
  });

  it('a reminder run killed mid-way sends no link twice and loses none', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await addMember(ctx, libA.id, { activeUntil: '2026-12-01' })).id);
    await expect(
      sendRenewalReminders(sweepCtx(), {
        batchSize: 2,
        onBatch: () => {
          throw new Error('coupure');
        },
      }),
    ).rejects.toThrow('coupure');
    // The very first batch was rolled back: nothing half-written.
    expect(await ctx.database.db.select().from(outbox).where(inArray(outbox.patronId, ids))).toHaveLength(0);
    for (const id of ids) expect(await tokensOf(ctx, id)).toHaveLength(0);
    expect(await sendRenewalReminders(sweepCtx(), { batchSize: 2 })).toEqual({ reminded: 5 });
    for (const id of ids) {
      expect(await tokensOf(ctx, id)).toHaveLength(1);
      expect(await mailsAbout(ctx, id)).toHaveLength(1);
    }
  });

  it('a retention run killed mid-way anonymises each record once, with its one event', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await addMember(ctx, libA.id, { state: 'expired', activeUntil: '2025-10-01' })).id);
    let calls = 0;
    await expect(
      applyRetention(sweepCtx(), {
        batchSize: 2,
        onBatch: () => {
          if (++calls === 2) throw new Error('arrêt');
        },
      }),
    ).rejects.toThrow('arrêt');
    const erased = await ctx.database.db
      .select({ id: patrons.id })
      .from(patrons)
      .where(and(inArray(patrons.id, ids), sql`${patrons.anonymisedAt} is not null`));
    expect(erased).toHaveLength(2);
    expect(await applyRetention(sweepCtx(), { batchSize: 2 })).toEqual({ anonymised: 3, warned: 0 });
    const anonymisedEvents = await ctx.database.db
      .select({ subject: events.subjectId })
      .from(events)
      .where(and(eq(events.action, 'anonymised'), inArray(events.subjectId, ids)));
    expect(anonymisedEvents.map((e) => e.subject).sort()).toEqual([...ids].sort());
  });

  // Two connection pools: defined only on PostgreSQL.
  if (onPostgres)
    it('two instances sweeping at once act once per record (PostgreSQL)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++)
        ids.push((await addMember(ctx, libA.id, { activeUntil: '2026-11-22' })).id);
      const second = ctx.openAnother();
      try {
        const [one, two] = await Promise.all([
          expireSubscriptions(sweepCtx(), { batchSize: 5 }),
          expireSubscriptions({ db: second.db, clock: ctx.clock, config: ctx.config }, { batchSize: 5 }),
        ]);
        expect(one.expired + two.expired).toBe(40);
      } finally {
        await second.close();
      }
      const expiredEvents = await ctx.database.db
        .select({ subject: events.subjectId })
        .from(events)
        .where(and(eq(events.action, 'expired'), inArray(events.subjectId, ids)));
      expect(expiredEvents).toHaveLength(40);
      expect(new Set(expiredEvents.map((e) => e.subject)).size).toBe(40);
      expect(await ctx.database.db.select().from(outbox).where(inArray(outbox.patronId, ids))).toHaveLength(
        40,
      );
    });
});

it('moves through a whole year with the clock: reminder, expiry, warning, erasure; each day run twice touches nothing the second time', async () => {
  ctx.clock.set(START);
  await ctx.database.db.delete(patrons);
  const p = await addMember(ctx, libA.id, { activeUntil: '2026-12-31' });
  const counts: Record<string, number> = {};
  // Every fifth day, and each transition's eve, day and morrow (checked below), at 10:00 Paris.
  const transitions = ['2026-12-16', '2027-01-01', '2027-12-02', '2028-01-01'].map(
    (d) => (Date.parse(`${d}T09:00:00Z`) - Date.parse(START)) / DAY,
  );
  const days = new Set<number>();
  for (let day = 0; day < 420; day += 5) days.add(day);
  for (const t of transitions) for (const d of [t - 1, t, t + 1]) days.add(Math.round(d));
  for (const day of [...days].sort((a, b) => a - b)) {
    ctx.clock.set(new Date(Date.parse(START) + day * DAY));
    for (const run of [sendRenewalReminders, expireSubscriptions, applyRetention]) {
      const first = await run(sweepCtx());
      for (const [k, v] of Object.entries(first)) counts[k] = (counts[k] ?? 0) + v;
      const second = await run(sweepCtx());
      expect(Object.values(second).every((v) => v === 0)).toBe(true);
    }
  }
  expect(counts).toEqual({ reminded: 1, expired: 1, warned: 1, anonymised: 1 });
  const history = (await patronEvents(ctx, p.id)).map((e) => [e.action, e.at.toISOString().slice(0, 10)]);
  expect(history).toEqual([
    ['renewal_reminded', '2026-12-16'],
    ['expired', '2027-01-01'],
    ['retention_warned', '2027-12-02'],
    ['anonymised', '2028-01-01'],
  ]);
});
