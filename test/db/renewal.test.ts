import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokens } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY } from '../../src/domain/clock.js';
import { DomainError } from '../../src/domain/errors.js';
import { expireSubscriptions, sendRenewalReminders } from '../../src/jobs/lifecycle-sweeps.js';
import { sha256 } from '../../src/security/tokens.js';
import { type DecisionInput, decideRequest } from '../../src/usecases/patrons/decide-request.js';
import { redactUrl } from '../../src/web/log-redaction.js';
import { DECISION_VALUES } from '../../src/web/views/patrons/decision-panel.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { mailsTo, patronEvents, patronRow, staffActor } from '../helpers/decision-fixtures.js';
import { addMember, loggedIn, mailsAbout, RENEWAL_LINK, tokensOf } from '../helpers/lifecycle-fixtures.js';

const START = '2026-11-23T09:00:00Z'; // Monday 23/11/2026, 10:00 in Paris
let ctx: TestContext;
let libA: { id: string; name: string; email: string };
let libB: { id: string; name: string; email: string };
let alpha: StaffActor;
let beta: StaffActor;
const staffLogins = new Map<string, { identifier: string; password: string }>();
const sweepCtx = () => ({ db: ctx.database.db, clock: ctx.clock, config: ctx.config });

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'agent-alpha', name: 'Agnès Alpha', libraryIds: [libA.id] });
  const b = await addStaff(ctx, { identifier: 'agent-beta', name: 'Béatrice Bêta', libraryIds: [libB.id] });
  staffLogins.set(a.id, a);
  staffLogins.set(b.id, b);
  alpha = staffActor(a, [libA.id]);
  beta = staffActor(b, [libB.id]);
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set(START));

async function staffBrowser(actor: StaffActor): Promise<TestBrowser> {
  const b = new TestBrowser(ctx.app, '198.51.100.7');
  const c = staffLogins.get(actor.id)!;
  expect((await b.logIn(c.identifier, c.password)).statusCode).toBe(303);
  return b;
}

const renewalDecision = (patronId: string, decision: 'accept' | 'refuse'): DecisionInput => ({
  patronId,
  decision,
  templateKey: decision === 'accept' ? 'renewal_accept' : 'renewal_refuse',
  subject:
    decision === 'accept' ? 'Votre abonnement à [reseau] est renouvelé' : 'Votre demande de renouvellement',
  message:
    decision === 'accept'
      ? 'Bonjour [prenom] [nom_destinataire],\n\nVotre compte est actif jusqu’au [actif-jusquau].'
      : 'Bonjour [prenom] [nom_destinataire],\n\nNous ne pouvons pas renouveler votre abonnement en l’état.',
  checks: { membre: decision === 'accept', naissance: decision === 'accept' },
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

describe('renewal reminder and link', () => {
  it('reminds once, 15 days before the end date, with a link used after login; the library is notified and accepting moves the end date one period from the OLD end date', async () => {
    const due = await addMember(ctx, libA.id, { activeUntil: '2026-12-08' });
    const notYet = await addMember(ctx, libA.id, { activeUntil: '2026-12-09' });

    expect(await sendRenewalReminders(sweepCtx())).toEqual({ reminded: 1 });
    expect(await sendRenewalReminders(sweepCtx())).toEqual({ reminded: 0 });
    expect(await mailsTo(ctx, notYet.email!)).toHaveLength(0);

    const [mail] = await mailsTo(ctx, due.email!);
    expect(mail!.subject).toBe('Votre abonnement à NuMos arrive à échéance');
    expect(mail!.patronId).toBe(due.id);
    expect(mail!.text).toContain(`Bonjour ${due.firstName} ${due.lastName},`);
    expect(mail!.text).toContain('Vous vous êtes inscrit à NuMos, la médiathèque numérique.');
    expect(mail!.text).toContain(
      'Votre abonnement arrive à échéance le 08/12/2026 et nous vous invitons à le renouveler.',
    );
    expect(mail!.text).toContain('Nous vous invitons également à vérifier l’adhésion à votre bibliothèque');
    const token = RENEWAL_LINK.exec(mail!.text)![1]!;
    expect(mail!.html).toContain(`/mon-compte/renouveler/${token}`);
    // Stored hashed, valid until the data would be erased (08/12/2027 + 1 day, Paris midnight).
    const [stored] = await tokensOf(ctx, due.id);
    expect(stored).toMatchObject({ purpose: 'renewal', hash: sha256(token), usedAt: null });
    expect(stored!.expiresAt.toISOString()).toBe('2027-12-08T23:00:00.000Z');
    expect((await patronRow(ctx, due.id)).renewalRemindedAt?.toISOString()).toBe(START.replace('Z', '.000Z'));
    expect((await patronEvents(ctx, due.id)).map((e) => e.action)).toEqual(['renewal_reminded']);

    // Tomorrow the other one's window opens: reminded then, the first one not again.
    ctx.clock.advance(DAY);
    expect(await sendRenewalReminders(sweepCtx())).toEqual({ reminded: 1 });
    expect(await mailsTo(ctx, due.email!)).toHaveLength(1);
    ctx.clock.set(START);

    // The link asks for login first, then shows the confirmation page.
    const path = `/mon-compte/renouveler/${token}`;
    const b = new TestBrowser(ctx.app, '192.0.2.200');
    const asked = await b.get(path);
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe(`/connexion?suite=${encodeURIComponent(path)}`);
    expect(redactUrl(asked.headers.location as string)).not.toContain(token);
    await b.get(asked.headers.location as string);
    const login = await b.post(
      '/connexion',
      { login: due.identifier!, password: 'Renouveler-2026!', suite: path },
      {},
    );
    expect(login.headers.location).toBe(path);
    const page = await b.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('<h1>Demander le renouvellement</h1>');
    expect(page.body).toContain('Votre abonnement court jusqu’au 08/12/2026.');
    expect(page.body).toContain('Médiathèque Alpha');

    ctx.clock.advance(3_600_000);
    const sent = await b.post(path, {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/mon-compte');
    const account = await b.get('/mon-compte');
    expect(account.body).toContain('Votre demande de renouvellement est transmise à Médiathèque Alpha.');
    expect(account.body).toContain('Réinscription à valider — actif jusqu’au 08/12/2026');

    const row = await patronRow(ctx, due.id);
    expect(row.state).toBe('renewal_pending');
    expect(row.activeUntil).toBe('2026-12-08');
    expect(row.pendingSince?.toISOString()).toBe(ctx.clock.now().toISOString());
    const events = await patronEvents(ctx, due.id);
    expect(events.map((e) => e.action)).toEqual(['renewal_reminded', 'renewal_requested']);
    expect(events[1]!.actorKind).toBe('patron');
    expect(events[1]!.data).toMatchObject({
      via: 'link',
      previousState: 'active',
      activeUntil: '2026-12-08',
    });
    expect((await tokensOf(ctx, due.id))[0]!.usedAt).not.toBeNull();

    const [notice] = await mailsTo(ctx, libA.email);
    expect(notice!.subject).toBe(`Réinscription à valider : ${due.firstName} ${due.lastName}`);
    expect(notice!.text).toContain(`http://sesame.test/admin/usagers/${due.id}`);
    expect(notice!.text).toContain('Son abonnement court jusqu’au 08/12/2026');
    expect(notice!.patronId).toBe(due.id);

    // The library finds it under "Réinscriptions à valider"; another library does not see it.
    const staff = await staffBrowser(alpha);
    const queue = await staff.get('/admin/usagers?etat=reinscriptions');
    expect(queue.body).toContain(due.lastName!);
    const record = await staff.get(`/admin/usagers/${due.id}`);
    expect(record.body).toContain('Demande de réinscription');
    const other = await staffBrowser(beta);
    expect((await other.get(`/admin/usagers/${due.id}`)).statusCode).toBe(404);
    expect((await other.get('/admin/usagers?etat=reinscriptions')).body).not.toContain(due.lastName!);

    // The link served once.
    const again = await b.get(path);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('Ce lien de renouvellement a déjà servi');
    expect(again.body).toContain('href="/mon-compte"');

    // Accepted early: the new period follows the old end date, nothing is lost.
    await decideRequest(ctx.deps, alpha, renewalDecision(due.id, 'accept'));
    const renewed = await patronRow(ctx, due.id);
    expect(renewed).toMatchObject({ state: 'active', activeUntil: '2027-12-08' });
    const answer = (await mailsTo(ctx, due.email!)).at(-1)!;
    expect(answer.subject).toBe('Votre abonnement à NuMos est renouvelé');
    expect(answer.text).toContain('Votre compte est actif jusqu’au 08/12/2027.');

    // A year later, the new end date gets its own reminder (once).
    ctx.clock.set('2027-11-23T09:00:00Z');
    expect((await sendRenewalReminders(sweepCtx())).reminded).toBeGreaterThanOrEqual(1);
    expect(await sendRenewalReminders(sweepCtx())).toEqual({ reminded: 0 });
    const reminders = (await mailsTo(ctx, due.email!)).filter((m) => m.template === 'renewal_reminder');
    expect(reminders).toHaveLength(2);
    expect(reminders[1]!.text).toContain('arrive à échéance le 08/12/2027');
  });

  it('refuses a link used by another patron (403), an unknown link (404) and an expired one (410), each with the next step', async () => {
    const owner = await addMember(ctx, libA.id, { activeUntil: '2026-12-01' });
    const intruder = await addMember(ctx, libA.id, { activeUntil: '2026-12-01' });
    expect((await sendRenewalReminders(sweepCtx())).reminded).toBeGreaterThanOrEqual(2);
    const token = RENEWAL_LINK.exec((await mailsTo(ctx, owner.email!))[0]!.text)![1]!;
    const path = `/mon-compte/renouveler/${token}`;

    const b = await loggedIn(ctx, intruder);
    const seen = await b.get(path);
    expect(seen.statusCode).toBe(403);
    expect(seen.body).not.toContain(owner.lastName!);
    const forced = await b.post(path, {}, { from: '/mon-compte' });
    expect(forced.statusCode).toBe(403);
    for (const p of [owner, intruder]) expect((await patronRow(ctx, p.id)).state).toBe('active');
    expect((await tokensOf(ctx, owner.id))[0]!.usedAt).toBeNull();

    const unknown = await new TestBrowser(ctx.app).get(
      '/mon-compte/renouveler/pas-un-vrai-lien-de-renouvellement',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Ce lien de renouvellement n’est pas valide');
    expect(unknown.body).toContain('href="/connexion?suite=%2Fmon-compte"');

    // After the data's erasure date the link no longer works; the page says what to do.
    ctx.clock.set('2027-12-03T09:00:00Z');
    const late = await new TestBrowser(ctx.app).get(path);
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('Ce lien de renouvellement a expiré.');
    expect(late.body).toContain('Connectez-vous : sur la page « Mon compte »');
    expect(late.body).toContain('vous verrez l’état de votre abonnement et comment le renouveler');
  });

  it('offers no renewal before the reminder window; a forged request is refused with the opening date, nothing written', async () => {
    const early = await addMember(ctx, libA.id, { activeUntil: '2027-06-01' });
    const b = await loggedIn(ctx, early);
    const account = await b.get('/mon-compte');
    expect(account.body).toContain('Actif jusqu’au 01/06/2027');
    expect(account.body).not.toContain('Demander le renouvellement');
    const page = await b.get('/mon-compte/renouveler');
    expect(page.body).toContain('vous pourrez demander son renouvellement à partir du 17/05/2027');
    expect(page.body).not.toContain('<form method="post" action="/mon-compte/renouveler"');
    const forced = await b.post('/mon-compte/renouveler', {}, { from: '/mon-compte' });
    expect(forced.statusCode).toBe(409);
    expect(forced.body).toContain('à partir du 17/05/2027');
    expect((await patronRow(ctx, early.id)).state).toBe('active');
    expect(await mailsAbout(ctx, early.id)).toHaveLength(0);
    expect(await patronEvents(ctx, early.id)).toHaveLength(0);

    // Staff have no "Mon compte" pages.
    const staff = await staffBrowser(alpha);
    expect((await staff.get('/mon-compte/renouveler')).statusCode).toBe(403);
  });
});

describe('renewal from Mon compte', () => {
  it('renews on the end date itself: button on Mon compte, accepted → one period after the old end date', async () => {
    const today = await addMember(ctx, libA.id, { activeUntil: '2026-11-23' });
    const b = await loggedIn(ctx, today);
    const account = await b.get('/mon-compte');
    expect(account.body).toContain('Votre abonnement se termine le 23/11/2026.');
    expect(account.body).toContain('href="/mon-compte/renouveler"');
    const page = await b.get('/mon-compte/renouveler');
    expect(page.body).toContain('<h1>Demander le renouvellement</h1>');
    expect((await b.post('/mon-compte/renouveler', {})).headers.location).toBe('/mon-compte');
    // Asked twice (another tab): refused clearly, nothing more written.
    const twice = await b.post('/mon-compte/renouveler', {}, { from: '/mon-compte' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('déjà transmise à votre bibliothèque');
    expect((await patronEvents(ctx, today.id)).map((e) => e.action)).toEqual(['renewal_requested']);
    expect((await patronEvents(ctx, today.id))[0]!.data).toMatchObject({ via: 'account' });
    expect(await mailsTo(ctx, libA.email)).toEqual(
      expect.arrayContaining([expect.objectContaining({ patronId: today.id, template: 'renewal_request' })]),
    );

    // The library decides the same day: 23/11/2026 + 365 days.
    await decideRequest(ctx.deps, alpha, renewalDecision(today.id, 'accept'));
    expect(await patronRow(ctx, today.id)).toMatchObject({ state: 'active', activeUntil: '2027-11-23' });
  });

  it('after expiry: the patron sees "Abonnement expiré le", asks for renewal, and an acceptance starts from the decision day', async () => {
    const lapsedSub = await addMember(ctx, libA.id, { activeUntil: '2026-11-20' });
    expect((await expireSubscriptions(sweepCtx())).expired).toBeGreaterThanOrEqual(1);
    expect((await patronRow(ctx, lapsedSub.id)).state).toBe('expired');
    const notice = (await mailsTo(ctx, lapsedSub.email!)).find((m) => m.template === 'subscription_expired')!;
    expect(notice.subject).toBe('Votre abonnement à NuMos a expiré');
    expect(notice.text).toContain('a expiré le 20/11/2026');
    expect(notice.text).toContain('« Demander le renouvellement »');

    const b = await loggedIn(ctx, lapsedSub);
    const account = await b.get('/mon-compte');
    expect(account.body).toContain('Abonnement expiré le 20/11/2026');
    expect(account.body).toContain('href="/mon-compte/renouveler"');
    const page = await b.get('/mon-compte/renouveler');
    expect(page.body).toContain('Votre abonnement a expiré le 20/11/2026.');
    expect(page.body).toContain('commencera le jour de la validation');
    await b.post('/mon-compte/renouveler', {});
    expect((await patronRow(ctx, lapsedSub.id)).state).toBe('renewal_pending');
    const request = (await mailsTo(ctx, libA.email)).find(
      (m) => m.patronId === lapsedSub.id && m.template === 'renewal_request',
    )!;
    expect(request.text).toContain('Son abonnement a pris fin le 20/11/2026.');

    ctx.clock.set('2026-11-25T15:00:00Z');
    await decideRequest(ctx.deps, alpha, renewalDecision(lapsedSub.id, 'accept'));
    expect(await patronRow(ctx, lapsedSub.id)).toMatchObject({ state: 'active', activeUntil: '2027-11-24' });
    // Two days later the session has ended: a new login shows the new period.
    expect((await (await loggedIn(ctx, lapsedSub)).get('/mon-compte')).body).toContain(
      'Actif jusqu’au 24/11/2027',
    );
  });

  it('a refused renewal lets the subscription run to its end date, and sends an expired patron back to expired', async () => {
    const running = await addMember(ctx, libA.id, { activeUntil: '2026-12-01' });
    const ended = await addMember(ctx, libA.id, { state: 'expired', activeUntil: '2026-10-31' });
    for (const p of [running, ended]) {
      const b = await loggedIn(ctx, p);
      await b.post('/mon-compte/renouveler', {}, { from: '/mon-compte/renouveler' });
      expect((await patronRow(ctx, p.id)).state).toBe('renewal_pending');
      await decideRequest(ctx.deps, alpha, renewalDecision(p.id, 'refuse'));
      const answer = (await mailsTo(ctx, p.email!)).at(-1)!;
      expect(answer.subject).toBe('Votre demande de renouvellement');
      expect(answer.text).toContain('Nous ne pouvons pas renouveler votre abonnement en l’état.');
    }
    expect(await patronRow(ctx, running.id)).toMatchObject({ state: 'active', activeUntil: '2026-12-01' });
    expect(await patronRow(ctx, ended.id)).toMatchObject({ state: 'expired', activeUntil: '2026-10-31' });
    expect((await patronEvents(ctx, ended.id)).map((e) => e.action)).toEqual([
      'renewal_requested',
      'renewal_refused',
    ]);
    // A renewal asked while active but decided after the end date: refused → expired too.
    const late = await addMember(ctx, libA.id, { state: 'renewal_pending', activeUntil: '2026-11-22' });
    await decideRequest(ctx.deps, alpha, renewalDecision(late.id, 'refuse'));
    expect((await patronRow(ctx, late.id)).state).toBe('expired');
  });

  it('another library’s staff can neither see nor decide the renewal request (404), nothing changes', async () => {
    const waiting = await addMember(ctx, libA.id, { activeUntil: '2026-12-01' });
    const b = await loggedIn(ctx, waiting);
    await b.post('/mon-compte/renouveler', {}, { from: '/mon-compte/renouveler' });
    const error = await rejection(decideRequest(ctx.deps, beta, renewalDecision(waiting.id, 'accept')));
    expect(error.status).toBe(404);
    const other = await staffBrowser(beta);
    const path = `/admin/usagers/${waiting.id}`;
    const res = await other.post(
      `${path}/decision`,
      {
        decision: DECISION_VALUES.accept,
        membre: 'oui',
        naissance: 'oui',
        modele: 'renewal_accept',
        objet: 'Renouvelé',
        message: 'Bonjour,\n\nRenouvelé.',
      },
      { from: '/admin/usagers' },
    );
    expect(res.statusCode).toBe(404);
    expect(await patronRow(ctx, waiting.id)).toMatchObject({
      state: 'renewal_pending',
      activeUntil: '2026-12-01',
    });
    expect((await patronEvents(ctx, waiting.id)).map((e) => e.action)).toEqual(['renewal_requested']);
    const unused = await ctx.database.db.select().from(tokens).where(eq(tokens.principalId, waiting.id));
    expect(unused).toHaveLength(0);
  });
});
