import { and, asc, eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { outbox, patrons } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY, HOUR, MINUTE } from '../../src/domain/clock.js';
import {
  ESCALATION_SWEEPS,
  remindOverdueRequests,
  sendOverdueDigest,
} from '../../src/jobs/escalation-sweeps.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { SWEEPS } from '../../src/jobs/sweeps.js';
import { decideRequest } from '../../src/usecases/patrons/decide-request.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, patronEvents, patronRow, staffActor } from '../helpers/decision-fixtures.js';

const log = pino({ level: 'silent' });
let ctx: TestContext;
let libA: Library;
let libB: Library;
let alpha: StaffActor;
let adminLogin: { identifier: string; password: string };
let staffLogin: { identifier: string; password: string };
let ip = 20;

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'agent-alpha', name: 'Agnès Alpha', libraryIds: [libA.id] });
  alpha = staffActor(a, [libA.id]);
  staffLogin = a;
  adminLogin = await addStaff(ctx, {
    identifier: 'admin-reseau',
    name: 'Jeanne Réseau',
    role: 'network_admin',
  });
});
afterAll(() => ctx?.close());

/** Every test starts from no waiting request. */
beforeEach(async () => {
  await ctx.database.db
    .update(patrons)
    .set({ state: 'refused', pendingSince: null })
    .where(inArray(patrons.state, ['pending', 'renewal_pending']));
});

const mailsWith = (template: string) =>
  ctx.database.db.select().from(outbox).where(eq(outbox.template, template)).orderBy(asc(outbox.id));
const scheduler = () =>
  createScheduler({
    database: ctx.database,
    clock: ctx.clock,
    config: ctx.config,
    log,
    sweeps: ESCALATION_SWEEPS,
  });

async function logIn(login: { identifier: string; password: string }): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, `198.51.100.${ip++}`);
  expect((await b.logIn(login.identifier, login.password)).statusCode).toBe(303);
  return b;
}

describe('overdue reminder to the library', () => {
  it('is registered with the scheduler', () => {
    expect(SWEEPS.map((s) => s.name)).toEqual(expect.arrayContaining(['overdue-requests', 'overdue-digest']));
  });

  it('reminds once when a request becomes overdue, however often the sweep runs', async () => {
    ctx.clock.set('2026-11-23T09:00:00Z');
    const patron = await addPatron(ctx, libA.id, { pendingSince: ctx.clock.now() });
    const before = (await mailsWith('overdue_reminder')).length;

    ctx.clock.advance(5 * DAY - MINUTE);
    expect(await scheduler().run('overdue-requests')).toEqual({
      status: 'done',
      counts: { requests: 0, mails: 0 },
    });
    ctx.clock.advance(MINUTE);
    expect(await scheduler().run('overdue-requests')).toEqual({
      status: 'done',
      counts: { requests: 1, mails: 1 },
    });
    ctx.clock.advance(HOUR);
    expect(await scheduler().run('overdue-requests')).toEqual({
      status: 'done',
      counts: { requests: 0, mails: 0 },
    });
    expect((await remindOverdueRequests(ctx.deps)).requests).toBe(0);

    const mails = await mailsWith('overdue_reminder');
    expect(mails).toHaveLength(before + 1);
    const mail = mails.at(-1)!;
    expect(mail.toAddress).toBe(libA.email);
    expect(mail.subject).toBe(
      `Demande en attente depuis plus de 5 jours : ${patron.firstName} ${patron.lastName}`,
    );
    expect(mail.text).toContain(`http://sesame.test/admin/usagers/${patron.id}`);
    expect(mail.text).toContain('en attente depuis le 23/11/2026');
    expect((await patronRow(ctx, patron.id)).overdueNotifiedAt?.toISOString()).toBe(
      '2026-11-28T09:00:00.000Z',
    );
    expect((await patronEvents(ctx, patron.id)).map((e) => e.action)).toEqual(['overdue_reminded']);
  });

  it('groups a library’s newly overdue requests in one e-mail, one per library', async () => {
    ctx.clock.set('2026-12-10T09:00:00Z');
    const old = new Date(ctx.clock.now().getTime() - 6 * DAY);
    const a1 = await addPatron(ctx, libA.id, { pendingSince: old });
    const a2 = await addPatron(ctx, libA.id, {
      state: 'renewal_pending',
      activeUntil: '2026-12-31',
      pendingSince: old,
    });
    const b1 = await addPatron(ctx, libB.id, { pendingSince: old });
    await addPatron(ctx, libB.id); // waiting one day only
    const before = (await mailsWith('overdue_reminder')).length;
    expect(await remindOverdueRequests(ctx.deps)).toEqual({ requests: 3, mails: 2 });
    const mails = (await mailsWith('overdue_reminder')).slice(before);
    const toA = mails.find((m) => m.toAddress === libA.email)!;
    expect(toA.subject).toBe('2 demandes en attente depuis plus de 5 jours');
    expect(toA.text).toContain(`/admin/usagers/${a1.id}`);
    expect(toA.text).toContain(`/admin/usagers/${a2.id}`);
    expect(toA.text).not.toContain(b1.id);
    expect(mails.find((m) => m.toAddress === libB.email)!.text).toContain(`/admin/usagers/${b1.id}`);
  });

  it('reminds again for a later request of the same patron (a renewal after an old reminder)', async () => {
    ctx.clock.set('2026-12-20T09:00:00Z');
    const patron = await addPatron(ctx, libA.id, {
      state: 'renewal_pending',
      activeUntil: '2027-01-05',
      pendingSince: new Date(ctx.clock.now().getTime() - 5 * DAY),
      overdueNotifiedAt: new Date('2025-12-01T09:00:00Z'),
    });
    expect((await remindOverdueRequests(ctx.deps)).requests).toBe(1);
    expect((await patronRow(ctx, patron.id)).overdueNotifiedAt?.toISOString()).toBe(
      ctx.clock.now().toISOString(),
    );
  });

  it('counts elapsed 24-hour periods across the change to winter time (25/10/2026)', async () => {
    // Waiting since Thursday 22/10/2026 at 10:00 in Paris (summer time).
    ctx.clock.set('2026-10-22T08:00:00Z');
    const patron = await addPatron(ctx, libA.id, { pendingSince: ctx.clock.now() });
    // Tuesday 27/10 at 08:59 in Paris (winter time): not yet five 24-hour periods.
    ctx.clock.set('2026-10-27T07:59:00Z');
    expect((await remindOverdueRequests(ctx.deps)).requests).toBe(0);
    // 09:00 in Paris: five times 24 hours have elapsed, though the wall clock reads one hour less.
    ctx.clock.set('2026-10-27T08:00:00Z');
    expect((await remindOverdueRequests(ctx.deps)).requests).toBe(1);
    expect((await patronRow(ctx, patron.id)).overdueNotifiedAt?.toISOString()).toBe(
      '2026-10-27T08:00:00.000Z',
    );
  });

  it('leaves decided requests alone', async () => {
    ctx.clock.set('2027-01-10T09:00:00Z');
    const patron = await addPatron(ctx, libA.id, {
      pendingSince: new Date(ctx.clock.now().getTime() - 4 * DAY),
    });
    await decideRequest(ctx.deps, alpha, {
      patronId: patron.id,
      decision: 'refuse',
      templateKey: 'refuse_not_member',
      subject: 'Votre demande',
      message: 'Bonjour [prenom].',
      checks: { membre: false, naissance: false },
    });
    ctx.clock.advance(3 * DAY);
    expect((await remindOverdueRequests(ctx.deps)).requests).toBe(0);
  });
});

describe('daily digest to the network', () => {
  it('sends nothing when no request is overdue', async () => {
    ctx.clock.set('2027-02-01T08:00:00Z');
    await addPatron(ctx, libA.id);
    const before = (await mailsWith('overdue_digest')).length;
    expect(await scheduler().run('overdue-digest')).toEqual({
      status: 'done',
      counts: { sent: 0, requests: 0 },
    });
    expect(await mailsWith('overdue_digest')).toHaveLength(before);
  });

  it('sends once per Paris day, from 07:00, listing overdue requests per library', async () => {
    // Monday 02/03/2027 at 06:30 in Paris.
    ctx.clock.set('2027-03-02T05:30:00Z');
    const old = (days: number) => new Date(ctx.clock.now().getTime() - days * DAY);
    await addPatron(ctx, libA.id, { pendingSince: old(6) });
    await addPatron(ctx, libA.id, { pendingSince: old(9) });
    await addPatron(ctx, libB.id, { pendingSince: old(7) });
    await addPatron(ctx, libB.id, { pendingSince: old(1) });
    const before = (await mailsWith('overdue_digest')).length;

    expect((await sendOverdueDigest(ctx.deps)).sent).toBe(0); // before 07:00
    ctx.clock.set('2027-03-02T06:05:00Z'); // 07:05
    const [first, second] = await Promise.all([sendOverdueDigest(ctx.deps), sendOverdueDigest(ctx.deps)]);
    expect(first!.sent + second!.sent).toBe(1);
    ctx.clock.advance(12 * HOUR);
    expect((await scheduler().run('overdue-digest')).status).toBe('done');
    expect((await sendOverdueDigest(ctx.deps)).sent).toBe(0);

    const mails = (await mailsWith('overdue_digest')).slice(before);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.toAddress).toBe('reseau@exemple.fr');
    expect(mail.subject).toBe('Demandes en retard au 02/03/2027 : 3 demandes, 2 bibliothèques');
    expect(mail.text).toContain(
      `${libA.name} (${libA.code}) : 2 demandes, la plus ancienne en attente depuis 9 jours`,
    );
    expect(mail.text).toContain(
      `${libB.name} (${libB.code}) : 1 demande, la plus ancienne en attente depuis 7 jours`,
    );
    expect(mail.text).toContain(`http://sesame.test/admin/retards?bibliotheque=${libA.id}`);

    // The next Paris day brings a new digest (the day turns at midnight Paris time, 23:00 UTC).
    ctx.clock.set('2027-03-02T23:30:00Z'); // 00:30 on the 3rd: before 07:00
    expect((await sendOverdueDigest(ctx.deps)).sent).toBe(0);
    ctx.clock.set('2027-03-03T06:00:00Z');
    expect((await sendOverdueDigest(ctx.deps)).sent).toBe(1);
    expect((await mailsWith('overdue_digest')).slice(before)).toHaveLength(2);
  });
});

describe('“Demandes en retard” page', () => {
  it('lists overdue requests per library with days overdue; warns the library from there', async () => {
    ctx.clock.set('2027-04-12T08:00:00Z');
    const late = await addPatron(ctx, libB.id, {
      pendingSince: new Date(ctx.clock.now().getTime() - 8 * DAY - HOUR),
    });
    const fresh = await addPatron(ctx, libA.id, { pendingSince: new Date(ctx.clock.now().getTime() - DAY) });
    const b = await logIn(adminLogin);
    const page = await b.get('/admin/retards');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Demandes en retard</h1>');
    expect(page.body).toContain('Bibliothèque Bêta');
    expect(page.body).toContain(`${late.firstName} ${late.lastName}`);
    expect(page.body).toContain('3 jours'); // 8 days waiting, 5 allowed
    expect(page.body).toContain('Non avertie');
    expect(page.body).toContain('Avertir la bibliothèque');
    expect(page.body).toContain(`/admin/usagers/${late.id}#decision`);
    expect(page.body).not.toContain(fresh.id);

    const res = await b.post(
      `/admin/usagers/${late.id}/avertir`,
      { retour: '/admin/retards' },
      { from: '/admin/retards' },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/retards');
    const after = await b.get('/admin/retards');
    expect(after.body).toContain('Bibliothèque Bêta a été avertie par courriel du retard de la demande de');
    expect(after.body).toContain('Avertie le 12/04/2027 à 10:00');
    const warnings = await ctx.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.template, 'overdue_warning'), eq(outbox.toAddress, libB.email)));
    expect(warnings).toHaveLength(1);

    // Filtered by library.
    const filtered = await b.get(`/admin/retards?bibliotheque=${libA.id}`);
    expect(filtered.statusCode).toBe(200);
  });

  it('is for network administrators only', async () => {
    const b = await logIn(staffLogin);
    expect((await b.get('/admin/retards')).statusCode).toBe(403);
    const anonymous = new TestBrowser(ctx.app, '198.51.100.99');
    const res = await anonymous.get('/admin/retards');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/connexion');
  });
});
