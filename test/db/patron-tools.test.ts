import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordEvent } from '../../src/db/repositories/events.js';
import { type Library, setLibraryActive } from '../../src/db/repositories/libraries.js';
import { events, outbox, patrons } from '../../src/db/schema.js';
import type { StaffActor } from '../../src/domain/actor.js';
import { DAY } from '../../src/domain/clock.js';
import { ERASED_PATRON_LABEL, ERASED_TEXT } from '../../src/domain/erasure.js';
import { remindOverdueRequests } from '../../src/jobs/escalation-sweeps.js';
import { decideRequest } from '../../src/usecases/patrons/decide-request.js';
import { editPatron } from '../../src/usecases/patrons/edit-patron.js';
import { registerPatronByStaff } from '../../src/usecases/patrons/register-by-staff.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, mailsTo, patronEvents, patronRow, staffActor } from '../helpers/decision-fixtures.js';

/**
 * The staff tools on a patron's record (SPEC §4): edit with before/after in the history, change
 * of home library (network administrators), deletion with a confirmation page, direct renewal
 * from the record and in bulk from the list — each scoped to the actor's libraries.
 */

const START = '2026-11-23T09:00:00Z'; // 10:00 in Paris
const PASSWORD_LINK = /http:\/\/sesame\.test\/mot-de-passe\/([A-Za-z0-9_-]+)/;

let ctx: TestContext;
let libA: Library;
let libB: Library;
let libClosed: Library;
let alpha: StaffActor;
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

async function counts() {
  const [e] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(events);
  const [o] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
  return { events: e!.n, outbox: o!.n };
}

function fieldMessage(html: string, field: string): string {
  const m = new RegExp(`id="champ-${field}-message"[^>]*>(.*?)</div>`, 's').exec(html);
  return (m?.[1] ?? '').replace(/<[^>]+>/g, '').trim();
}

/** The flash message shown after a POST-redirect-GET. */
async function flashAfter(b: TestBrowser, res: { statusCode: number; headers: Record<string, unknown> }) {
  expect(res.statusCode).toBe(303);
  const page = await b.get(String(res.headers.location));
  return /role="status"><p>(.*?)<\/p>/s.exec(page.body)?.[1] ?? '';
}

function editForm(p: Awaited<ReturnType<typeof patronRow>>, over: Record<string, string> = {}) {
  const [y, m, d] = p.birthDate!.split('-');
  return {
    lastName: p.lastName!,
    firstName: p.firstName!,
    birthDate: `${d}/${m}/${y}`,
    email: p.email!,
    cardNumber: p.cardNumber ?? '',
    newsletter: p.newsletter ? 'oui' : 'non',
    version: p.updatedAt.toISOString(),
    ...over,
  };
}

beforeAll(async () => {
  ctx = await createTestApp();
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  libClosed = await addLibrary(ctx, 'Bibliothèque fermée');
  await setLibraryActive(ctx.database.db, libClosed.id, false, ctx.clock.now());
  const make = async (identifier: string, name: string, role: StaffActor['role'], libraryIds: string[]) => {
    const row = await addStaff(ctx, { identifier, name, role, libraryIds });
    credentials.set(row.id, { identifier, password: row.password });
    return staffActor(row, libraryIds);
  };
  alpha = await make('agent-alpha', 'Agnès Alpha', 'library_staff', [libA.id]);
  beta = await make('agent-beta', 'Béatrice Bêta', 'library_staff', [libB.id]);
  admin = await make('admin-reseau', 'Jeanne Réseau', 'network_admin', []);
});
afterAll(() => ctx?.close());
beforeEach(() => ctx.clock.set(START));

describe('editing a patron', () => {
  it('corrects the identity, records only the changed fields with before and after, shown in the history', async () => {
    const p = await addPatron(ctx, libA.id, {
      state: 'active',
      activeUntil: '2027-06-30',
      newsletter: false,
    });
    const b = await browserFor(alpha);
    const page = await b.get(`/admin/usagers/${p.id}/modifier`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="14/07/1990"');
    expect(page.body).toContain(`value="${p.email}"`);

    const res = await b.post(
      `/admin/usagers/${p.id}/modifier`,
      editForm(p, { lastName: 'Le Bihan', birthDate: '15/07/1990', cardNumber: 'A-123', newsletter: 'oui' }),
      { from: `/admin/usagers/${p.id}/modifier` },
    );
    expect(await flashAfter(b, res)).toBe(
      'Informations enregistrées (nom, date de naissance, numéro de carte, newsletter).',
    );
    const row = await patronRow(ctx, p.id);
    expect(row).toMatchObject({
      lastName: 'Le Bihan',
      firstName: p.firstName,
      birthDate: '1990-07-15',
      cardNumber: 'A-123',
      newsletter: true,
      email: p.email,
    });
    expect(row.emailConfirmedAt?.toISOString()).toBe(p.emailConfirmedAt?.toISOString());
    const [event] = (await patronEvents(ctx, p.id)).filter((e) => e.action === 'identity_corrected');
    expect(event?.actorId).toBe(alpha.id);
    expect(event?.data).toEqual({
      fields: ['lastName', 'birthDate', 'cardNumber', 'newsletter'],
      before: { lastName: p.lastName, birthDate: '1990-07-14', cardNumber: null, newsletter: false },
      after: { lastName: 'Le Bihan', birthDate: '1990-07-15', cardNumber: 'A-123', newsletter: true },
    });
    const record = await b.get(`/admin/usagers/${p.id}`);
    expect(record.body).toContain('Informations corrigées');
    expect(record.body).toContain(`Nom : « ${p.lastName} » → « Le Bihan »`);
    expect(record.body).toContain('Date de naissance : « 14/07/1990 » → « 15/07/1990 »');
    expect(record.body).toContain('Numéro de carte : « (vide) » → « A-123 »');
    expect(record.body).toContain('Newsletter : « Non » → « Oui »');
    expect(record.body).not.toContain('Prénom : «');
  });

  it('keeps what was typed on bad input, with the message next to each field, and writes nothing', async () => {
    const p = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-06-30' });
    const b = await browserFor(alpha);
    const before = await counts();
    const res = await b.post(
      `/admin/usagers/${p.id}/modifier`,
      editForm(p, {
        firstName: '',
        birthDate: '30/02/2000',
        email: 'pas-une-adresse',
        cardNumber: 'n°1',
        newsletter: '',
      }),
      { from: `/admin/usagers/${p.id}/modifier` },
    );
    expect(res.statusCode).toBe(400);
    expect(fieldMessage(res.body, 'firstName')).toBe('Saisissez le prénom.');
    expect(fieldMessage(res.body, 'birthDate')).toContain('Cette date n’existe pas');
    expect(fieldMessage(res.body, 'email')).toContain('Saisissez une adresse électronique valide');
    expect(fieldMessage(res.body, 'cardNumber')).toContain('Le numéro de carte ne peut contenir');
    expect(fieldMessage(res.body, 'newsletter')).toContain('Oui ou Non');
    for (const kept of ['30/02/2000', 'pas-une-adresse', 'n°1'])
      expect(res.body).toContain(`value="${kept}"`);
    expect(await patronRow(ctx, p.id)).toEqual(p);
    expect(await counts()).toEqual(before);
  });

  it('keeps one live account per e-mail address', async () => {
    const other = await addPatron(ctx, libB.id, {
      state: 'active',
      activeUntil: '2027-01-01',
      email: 'deja.prise@exemple.fr',
    });
    const p = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-06-30' });
    const b = await browserFor(alpha);
    const before = await counts();
    const res = await b.post(
      `/admin/usagers/${p.id}/modifier`,
      editForm(p, { email: 'Deja.Prise@exemple.fr' }),
      {
        from: `/admin/usagers/${p.id}/modifier`,
      },
    );
    expect(res.statusCode).toBe(400);
    expect(fieldMessage(res.body, 'email')).toBe(
      'Cette adresse électronique est déjà celle d’un autre compte (Bibliothèque Bêta) : une seule inscription par adresse.',
    );
    expect(await patronRow(ctx, p.id)).toEqual(p);
    expect(await counts()).toEqual(before);
    expect(other.email).toBe('deja.prise@exemple.fr');
  });

  it('un-verifies a corrected address, revokes the links sent to the old one, and sends a new link to a patron without password', async () => {
    const outcome = await registerPatronByStaff(ctx.deps, alpha, {
      form: {
        lastName: 'Étienne-Roux',
        firstName: 'Maël',
        birthDate: '01/09/2005',
        email: 'mael.faute@exemple.fr',
        identifier: 'mael.er',
        newsletter: 'non',
        libraryId: libA.id,
      },
      confirmedDuplicateIds: [],
    });
    expect(outcome.kind).toBe('registered');
    const id = outcome.kind === 'registered' ? outcome.patronId : '';
    const oldToken = PASSWORD_LINK.exec((await mailsTo(ctx, 'mael.faute@exemple.fr'))[0]!.text)![1]!;
    const p = await patronRow(ctx, id);
    const b = await browserFor(alpha);
    const res = await b.post(
      `/admin/usagers/${id}/modifier`,
      editForm(p, { email: 'mael.juste@exemple.fr' }),
      {
        from: `/admin/usagers/${id}/modifier`,
      },
    );
    expect(await flashAfter(b, res)).toContain(
      'Un nouveau lien « Définissez votre mot de passe » est parti à mael.juste@exemple.fr',
    );
    const row = await patronRow(ctx, id);
    expect(row.email).toBe('mael.juste@exemple.fr');
    expect(row.emailConfirmedAt).toBeNull();
    const visitor = new TestBrowser(ctx.app, '203.0.113.77');
    expect((await visitor.get(`/mot-de-passe/${oldToken}`)).statusCode).toBe(410);
    const [fresh] = await mailsTo(ctx, 'mael.juste@exemple.fr');
    expect(fresh?.template).toBe('patron_set_password_resent');
    const newToken = PASSWORD_LINK.exec(fresh!.text)![1]!;
    expect((await visitor.get(`/mot-de-passe/${newToken}`)).statusCode).toBe(200);
    const [event] = (await patronEvents(ctx, id)).filter((e) => e.action === 'identity_corrected');
    expect(event?.data).toMatchObject({ fields: ['email'], passwordLinkResent: true });
    expect((await b.get(`/admin/usagers/${id}`)).body).toContain(
      'Courriel : « mael.faute@exemple.fr » → « mael.juste@exemple.fr »',
    );
  });

  it('does not overwrite a correction saved meanwhile from another page', async () => {
    const p = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-06-30' });
    const b = await browserFor(alpha);
    const shown = await b.get(`/admin/usagers/${p.id}/modifier`);
    const version = /name="version" value="([^"]+)"/.exec(shown.body)![1]!;
    ctx.clock.advance(60_000);
    await editPatron(ctx.deps, admin, { patronId: p.id, form: editForm(p, { firstName: 'Chloé' }), version });
    const afterFirst = await patronRow(ctx, p.id);
    const res = await b.post(`/admin/usagers/${p.id}/modifier`, editForm(p, { lastName: 'Autre', version }), {
      csrf: /name="_csrf" value="([^"]+)"/.exec(shown.body)![1]!,
    });
    expect(res.headers.location).toBe(`/admin/usagers/${p.id}/modifier`);
    expect(await flashAfter(b, res)).toContain('Cette fiche a été modifiée entre-temps');
    expect(await patronRow(ctx, p.id)).toEqual(afterFirst);
    expect(afterFirst.firstName).toBe('Chloé');
  });

  it('records nothing when nothing changed', async () => {
    const p = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-06-30' });
    const b = await browserFor(alpha);
    const before = await counts();
    const res = await b.post(`/admin/usagers/${p.id}/modifier`, editForm(p), {
      from: `/admin/usagers/${p.id}/modifier`,
    });
    expect(await flashAfter(b, res)).toBe('Aucune information n’a changé : rien n’a été enregistré.');
    expect(await counts()).toEqual(before);
  });
});

describe('changing the home library', () => {
  it('lets a network administrator move a patron; the waiting request follows into the new library’s queue', async () => {
    const p = await addPatron(ctx, libA.id, { overdueNotifiedAt: new Date(START) });
    const a = await browserFor(admin);
    const record = await a.get(`/admin/usagers/${p.id}`);
    expect(record.body).toContain('Changer de bibliothèque');
    const res = await a.post(
      `/admin/usagers/${p.id}/bibliotheque`,
      { libraryId: libB.id },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(await flashAfter(a, res)).toBe(
      'Usager rattaché à Bibliothèque Bêta (au lieu de Médiathèque Alpha).',
    );
    const row = await patronRow(ctx, p.id);
    expect(row.libraryId).toBe(libB.id);
    expect(row.state).toBe('pending');
    // The new library gets its own overdue reminder.
    expect(row.overdueNotifiedAt).toBeNull();
    const [event] = (await patronEvents(ctx, p.id)).filter((e) => e.action === 'library_changed');
    expect(event?.data).toMatchObject({
      fromLibraryName: 'Médiathèque Alpha',
      toLibraryName: 'Bibliothèque Bêta',
      requestFollowed: true,
    });
    expect((await mailsTo(ctx, libB.email)).at(-1)?.subject).toBe(
      `Demande transférée à votre bibliothèque : ${p.firstName} ${p.lastName}`,
    );
    expect((await a.get(`/admin/usagers/${p.id}`)).body).toContain(
      'Bibliothèque : « Médiathèque Alpha » → « Bibliothèque Bêta »',
    );

    const b = await browserFor(beta);
    expect((await b.get('/admin/usagers?etat=a_valider')).body).toContain(`/admin/usagers/${p.id}`);
    expect((await b.get(`/admin/usagers/${p.id}`)).statusCode).toBe(200);
    const old = await browserFor(alpha);
    expect((await old.get(`/admin/usagers/${p.id}`)).statusCode).toBe(404);
    expect((await old.get('/admin/usagers?etat=a_valider')).body).not.toContain(`/admin/usagers/${p.id}`);
  });

  it('is refused to library staff (403) and to a same or closed library, nothing changed', async () => {
    const p = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-06-30' });
    const b = await browserFor(alpha);
    expect((await b.get(`/admin/usagers/${p.id}`)).body).not.toContain('Changer de bibliothèque');
    const before = await counts();
    const res = await b.post(
      `/admin/usagers/${p.id}/bibliotheque`,
      { libraryId: libB.id },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(res.statusCode).toBe(403);
    const a = await browserFor(admin);
    const same = await a.post(
      `/admin/usagers/${p.id}/bibliotheque`,
      { libraryId: libA.id },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(await flashAfter(a, same)).toContain('L’usager est déjà rattaché à Médiathèque Alpha');
    const closed = await a.post(
      `/admin/usagers/${p.id}/bibliotheque`,
      { libraryId: libClosed.id },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(await flashAfter(a, closed)).toBe('Choisissez une bibliothèque active dans la liste.');
    expect(await patronRow(ctx, p.id)).toEqual(p);
    expect(await counts()).toEqual(before);
  });
});

describe('deleting a patron', () => {
  it('explains what is erased, then anonymises at once; the history keeps its facts with the subject anonymised', async () => {
    const p = await addPatron(ctx, libA.id);
    const b = await browserFor(alpha);
    await decideRequest(ctx.deps, alpha, {
      patronId: p.id,
      decision: 'accept',
      templateKey: 'accept',
      subject: 'Bienvenue [prenom]',
      message: 'Bonjour [prenom] [nom_destinataire],\n\nActif jusqu’au [actif-jusquau].',
      checks: { membre: true, naissance: true },
    });
    ctx.clock.advance(20 * 60_000);
    await editPatron(ctx.deps, alpha, {
      patronId: p.id,
      form: editForm(await patronRow(ctx, p.id), { cardNumber: 'CARTE-42' }),
      version: (await patronRow(ctx, p.id)).updatedAt.toISOString(),
    });
    await recordEvent(ctx.database.db, {
      at: ctx.clock.now(),
      actor: { kind: 'patron', id: p.id, label: `${p.firstName} ${p.lastName} (${p.identifier})` },
      action: 'password_changed',
      subject: { kind: 'patron', id: p.id },
    });

    const confirm = await b.get(`/admin/usagers/${p.id}/supprimer`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('La suppression est définitive');
    expect(confirm.body).toContain('l’abonnement en cours prend fin aujourd’hui');
    expect(confirm.body).toContain('Supprimer définitivement');
    expect((await patronRow(ctx, p.id)).anonymisedAt).toBeNull();

    const res = await b.post(
      `/admin/usagers/${p.id}/supprimer`,
      {},
      { from: `/admin/usagers/${p.id}/supprimer` },
    );
    expect(await flashAfter(b, res)).toContain('Usager supprimé : ses données personnelles sont effacées');
    const row = await patronRow(ctx, p.id);
    expect(row).toMatchObject({
      lastName: null,
      firstName: null,
      email: null,
      identifier: null,
      birthDate: null,
      birthYear: 1990,
      cardNumber: null,
      passwordHash: null,
      libraryId: libA.id,
      state: 'expired',
      activeUntil: '2026-11-23',
      decision: 'accepted',
    });
    expect(row.anonymisedAt?.toISOString()).toBe(ctx.clock.now().toISOString());

    const history = await patronEvents(ctx, p.id);
    const deleted = history.find((e) => e.action === 'deleted_by_staff');
    expect(deleted).toMatchObject({
      actorId: alpha.id,
      data: { previousState: 'active', newState: 'expired' },
    });
    expect(history.find((e) => e.action === 'password_changed')?.actorLabel).toBe(ERASED_PATRON_LABEL);
    const accepted = history.find((e) => e.action === 'accepted')!.data as Record<string, unknown>;
    expect(accepted.subject).toBe(ERASED_TEXT);
    expect(accepted.message).toBe(ERASED_TEXT);
    expect(accepted.activeUntil).toBe('2027-11-22');
    const corrected = history.find((e) => e.action === 'identity_corrected')!.data as Record<string, unknown>;
    expect(corrected.after).toEqual({ cardNumber: ERASED_TEXT });
    expect(JSON.stringify(history)).not.toContain(p.lastName!);
    expect(JSON.stringify(history)).not.toContain(p.email!);

    const record = await b.get(`/admin/usagers/${p.id}`);
    expect(record.body).toContain('Usager anonymisé');
    expect(record.body).toContain('Usager supprimé par la bibliothèque');
    expect(record.body).not.toContain('Actions sur le compte');
    expect(record.body).not.toContain(p.lastName!);
    // The patron cannot log in any more; the tools say the data is gone.
    const again = await b.post(`/admin/usagers/${p.id}/supprimer`, {}, { from: `/admin/usagers/${p.id}` });
    expect(await flashAfter(b, again)).toBe('Les données de cet usager sont déjà effacées.');
    expect((await b.get(`/admin/usagers/${p.id}/modifier`)).statusCode).toBe(409);
    expect((await b.get(`/admin/usagers/${p.id}/supprimer`)).statusCode).toBe(409);
  });

  it('closes a waiting request: it leaves the queue and the escalation sweep', async () => {
    const p = await addPatron(ctx, libA.id);
    const b = await browserFor(alpha);
    const res = await b.post(
      `/admin/usagers/${p.id}/supprimer`,
      {},
      { from: `/admin/usagers/${p.id}/supprimer` },
    );
    expect(res.statusCode).toBe(303);
    const row = await patronRow(ctx, p.id);
    expect(row.state).toBe('lapsed');
    expect(row.pendingSince).toBeNull();
    expect((await b.get(`/admin/usagers/${p.id}`)).body).toContain(
      'Supprimée par la bibliothèque avant toute décision',
    );
    expect((await b.get('/admin/usagers?etat=a_valider')).body).not.toContain(`/admin/usagers/${p.id}`);
    ctx.clock.advance(10 * DAY);
    await remindOverdueRequests(ctx.deps);
    expect((await patronEvents(ctx, p.id)).some((e) => e.action === 'overdue_reminded')).toBe(false);
  });
});

describe('renewing the rights directly', () => {
  it('from the record: one period on from the old end date while it runs; the same form sent twice adds nothing', async () => {
    const p = await addPatron(ctx, libA.id, {
      state: 'active',
      activeUntil: '2027-01-10',
      renewalRemindedAt: new Date(START),
    });
    const b = await browserFor(alpha);
    const record = await b.get(`/admin/usagers/${p.id}`);
    expect(record.body).toContain('l’usager sera actif jusqu’au <strong>10/01/2028</strong>');
    const res = await b.post(
      `/admin/usagers/${p.id}/renouveler`,
      { fin_actuelle: '2027-01-10' },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(await flashAfter(b, res)).toBe(
      'Droits renouvelés : actif jusqu’au 10/01/2028 (au lieu du 10/01/2027). L’usager en est informé par courriel.',
    );
    const row = await patronRow(ctx, p.id);
    expect(row).toMatchObject({ state: 'active', activeUntil: '2028-01-10', renewalRemindedAt: null });
    const [mail] = await mailsTo(ctx, p.email!);
    expect(mail).toMatchObject({ template: 'renewed_by_staff', patronId: p.id, status: 'pending' });
    expect(mail?.subject).toBe('Votre abonnement à NuMos est renouvelé');
    expect(mail?.text).toContain('votre compte est actif jusqu’au 10/01/2028');
    const [event] = (await patronEvents(ctx, p.id)).filter((e) => e.action === 'renewed_by_staff');
    expect(event).toMatchObject({
      actorId: alpha.id,
      data: { previousState: 'active', previousEnd: '2027-01-10', activeUntil: '2028-01-10' },
    });
    expect((await b.get(`/admin/usagers/${p.id}`)).body).toContain(
      'Fin de l’abonnement : 10/01/2027 → 10/01/2028',
    );

    const before = await counts();
    const twice = await b.post(
      `/admin/usagers/${p.id}/renouveler`,
      { fin_actuelle: '2027-01-10' },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(await flashAfter(b, twice)).toContain(
      'L’abonnement a changé entre-temps (il court désormais jusqu’au 10/01/2028)',
    );
    expect((await patronRow(ctx, p.id)).activeUntil).toBe('2028-01-10');
    expect(await counts()).toEqual(before);
  });

  it('from the record: an expired subscription starts again today', async () => {
    const p = await addPatron(ctx, libA.id, { state: 'expired', activeUntil: '2026-10-01' });
    const b = await browserFor(alpha);
    const res = await b.post(
      `/admin/usagers/${p.id}/renouveler`,
      { fin_actuelle: '2026-10-01' },
      { from: `/admin/usagers/${p.id}` },
    );
    expect(res.statusCode).toBe(303);
    expect(await patronRow(ctx, p.id)).toMatchObject({ state: 'active', activeUntil: '2027-11-22' });
  });

  it('is refused for requests waiting for a decision', async () => {
    const pending = await addPatron(ctx, libA.id);
    const renewal = await addPatron(ctx, libA.id, { state: 'renewal_pending', activeUntil: '2026-12-01' });
    const b = await browserFor(alpha);
    expect((await b.get(`/admin/usagers/${pending.id}`)).body).not.toContain('Renouveler les droits');
    const before = await counts();
    const r1 = await b.post(
      `/admin/usagers/${pending.id}/renouveler`,
      { fin_actuelle: '' },
      { from: `/admin/usagers/${pending.id}` },
    );
    expect(await flashAfter(b, r1)).toBe(
      'Seuls les abonnements actifs ou expirés se renouvellent (état : À valider).',
    );
    const r2 = await b.post(
      `/admin/usagers/${renewal.id}/renouveler`,
      { fin_actuelle: '2026-12-01' },
      { from: `/admin/usagers/${renewal.id}` },
    );
    expect(await flashAfter(b, r2)).toContain('Une demande de réinscription attend une décision');
    expect(await patronRow(ctx, pending.id)).toEqual(pending);
    expect(await patronRow(ctx, renewal.id)).toEqual(renewal);
    expect(await counts()).toEqual(before);
  });

  it('in bulk from the list: renews the active and expired ones, says who was left aside and why', async () => {
    const running = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-02-01' });
    const ended = await addPatron(ctx, libA.id, { state: 'expired', activeUntil: '2026-09-30' });
    const waiting = await addPatron(ctx, libA.id);
    const elsewhere = await addPatron(ctx, libB.id, { state: 'active', activeUntil: '2027-02-01' });
    const b = await browserFor(alpha);
    const list = await b.get('/admin/usagers?etat=actifs');
    expect(list.body).toContain(`name="ids" value="${running.id}"`);
    expect(list.body).toContain('Renouveler les droits');

    const res = await b.post(
      '/admin/usagers/decisions',
      {
        ids: [running.id, ended.id, waiting.id, elsewhere.id],
        decision: 'renouveler',
        retour: '?etat=actifs',
      },
      { from: '/admin/usagers?etat=actifs' },
    );
    expect(res.headers.location).toBe('/admin/usagers?etat=actifs');
    const flash = await flashAfter(b, res);
    expect(flash).toContain(
      `2 usagers renouvelés : ${running.firstName} ${running.lastName}, ${ended.firstName} ${ended.lastName}.`,
    );
    expect(flash).toContain('2 laissés de côté');
    expect(flash).toContain(`${waiting.firstName} ${waiting.lastName} (état « À valider »)`);
    expect(flash).toContain('usager introuvable (hors de vos bibliothèques ou inconnu)');
    expect((await patronRow(ctx, running.id)).activeUntil).toBe('2028-02-01');
    expect(await patronRow(ctx, ended.id)).toMatchObject({ state: 'active', activeUntil: '2027-11-22' });
    expect(await patronRow(ctx, waiting.id)).toEqual(waiting);
    expect(await patronRow(ctx, elsewhere.id)).toEqual(elsewhere);
    const [event] = (await patronEvents(ctx, running.id)).filter((e) => e.action === 'renewed_by_staff');
    expect(event?.data).toMatchObject({ bulk: true });
    expect(await mailsTo(ctx, elsewhere.email!)).toHaveLength(0);

    const none = await b.post(
      '/admin/usagers/decisions',
      { decision: 'renouveler' },
      { from: '/admin/usagers?etat=actifs' },
    );
    expect(await flashAfter(b, none)).toBe(
      'Renouvellement non appliqué : Sélectionnez au moins un usager dans la liste.',
    );
  });
});

describe('another library’s patron', () => {
  it('refuses every staff action (404; library change 403) and changes nothing', async () => {
    const p = await addPatron(ctx, libA.id, { state: 'active', activeUntil: '2027-01-10' });
    const staffRegistered = await registerPatronByStaff(ctx.deps, alpha, {
      form: {
        lastName: 'O’Connor Dupré',
        firstName: 'Chloé',
        birthDate: '12/12/2012',
        email: 'chloe.ocd@exemple.fr',
        identifier: 'chloe.ocd',
        newsletter: 'oui',
        libraryId: libA.id,
      },
      confirmedDuplicateIds: [],
    });
    const pendingId = staffRegistered.kind === 'registered' ? staffRegistered.patronId : '';
    const rows = [await patronRow(ctx, p.id), await patronRow(ctx, pendingId)];
    const before = await counts();
    const b = await browserFor(beta);
    for (const patron of rows) {
      const id = patron.id;
      const attempts: Array<[string, Promise<{ statusCode: number }>]> = [
        ['GET record', b.get(`/admin/usagers/${id}`)],
        ['GET modifier', b.get(`/admin/usagers/${id}/modifier`)],
        ['GET supprimer', b.get(`/admin/usagers/${id}/supprimer`)],
      ];
      for (const [what, res] of attempts) expect((await res).statusCode, what).toBe(404);
      const posts: Array<[string, Record<string, string | string[]>, number]> = [
        [`/admin/usagers/${id}/modifier`, editForm(patron, { lastName: 'Pirate' }), 404],
        [`/admin/usagers/${id}/renvoyer-lien`, {}, 404],
        [`/admin/usagers/${id}/renouveler`, { fin_actuelle: patron.activeUntil ?? '' }, 404],
        [`/admin/usagers/${id}/supprimer`, {}, 404],
        [
          `/admin/usagers/${id}/decision`,
          {
            action: 'decider',
            decision: 'accepter',
            membre: 'oui',
            naissance: 'oui',
            modele: 'accept',
            objet: 'x',
            message: 'y',
          },
          404,
        ],
        [`/admin/usagers/${id}/annuler`, {}, 404],
        [`/admin/usagers/${id}/bibliotheque`, { libraryId: libB.id }, 403],
        [`/admin/usagers/${id}/avertir`, {}, 403],
      ];
      for (const [url, form, status] of posts)
        expect((await b.post(url, form, { from: '/admin/usagers' })).statusCode, url).toBe(status);
    }
    const bulk = await b.post(
      '/admin/usagers/decisions',
      { ids: [p.id], decision: 'renouveler', retour: '' },
      { from: '/admin/usagers' },
    );
    expect(await flashAfter(b, bulk)).toContain('hors de vos bibliothèques ou inconnu');
    expect(await patronRow(ctx, p.id)).toEqual(rows[0]);
    expect(await patronRow(ctx, pendingId)).toEqual(rows[1]);
    expect(await counts()).toEqual(before);
    const [check] = await ctx.database.db.select().from(patrons).where(eq(patrons.id, p.id));
    expect(check?.lastName).toBe(p.lastName);
  });
});
