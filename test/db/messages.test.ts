import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import { events, messageThreads, outbox, threadMessages } from '../../src/db/schema.js';
import { DAY } from '../../src/domain/clock.js';
import { MESSAGE_BODY_MAX, MESSAGE_SUBJECT_MAX, RATE_LIMITED } from '../../src/domain/messages.js';
import { purgeStaleMessages } from '../../src/jobs/message-sweeps.js';
import { hashPassword } from '../../src/security/passwords.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { PATRON_PASSWORD } from '../helpers/lifecycle-fixtures.js';
import { ProbeClient } from '../helpers/probe/actors.js';

/**
 * Messages (issue 17, items 1–3): "Écrire à ma médiathèque", the staff inbox and its replies,
 * the network's view and take-over of overdue messages, "Poser une question au support
 * technique", plain text, limits, rate limit, honeypot, and the messages as personal data.
 */

let ctx: TestContext;
let libA: Library;
let libB: Library;
let staffA: ProbeClient;
let staffB: ProbeClient;
let admin: ProbeClient;
let passwordHash: string;
let n = 0;

async function client(kind: 'staff' | 'patron' | null, id?: string): Promise<ProbeClient> {
  n++;
  const c = new ProbeClient(ctx.app, `client ${n}`);
  if (kind && id) await c.signIn(ctx, kind, id);
  return c.loadCsrf();
}

async function patronOf(library: Library, values: Partial<PatronRow> = {}) {
  const patron = await addPatron(ctx, library.id, {
    state: 'active',
    activeUntil: '2027-06-30',
    pendingSince: null,
    decision: 'accepted',
    decidedAt: new Date(ctx.clock.now().getTime() - 30 * DAY),
    passwordHash,
    ...values,
  });
  return { patron, c: await client('patron', patron.id) };
}

const threadsOf = (patronId: string) =>
  ctx.database.db.select().from(messageThreads).where(eq(messageThreads.patronId, patronId));
const messagesOf = (threadId: string) =>
  ctx.database.db
    .select()
    .from(threadMessages)
    .where(eq(threadMessages.threadId, threadId))
    .orderBy(threadMessages.id);
const mailsTo = (to: string) => ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, to));
async function counts() {
  const db = ctx.database.db;
  return {
    threads: (await db.select().from(messageThreads)).length,
    messages: (await db.select().from(threadMessages)).length,
    mails: (await db.select().from(outbox)).length,
  };
}

/** The menu's "Messages" link with its unread badge, as a staff page shows it. */
function badge(html: string): number {
  const m = /href="\/admin\/messages"[^>]*>Messages(?:\s*<span class="fr-badge[^"]*">(\d+))?/.exec(html);
  if (!m) throw new Error('no Messages link in the menu');
  return Number(m[1] ?? 0);
}

async function writeToLibrary(c: ProbeClient, objet: string, message: string) {
  const res = await c.post('/mon-compte/messages/ecrire', { objet, message });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  const id = /\/mon-compte\/conversations\/([0-9a-f-]{36})$/.exec(String(res.headers.location))?.[1];
  expect(id).toBeTruthy();
  return id!;
}

beforeAll(async () => {
  ctx = await createTestApp();
  passwordHash = await hashPassword(PATRON_PASSWORD);
  libA = await addLibrary(ctx, 'Médiathèque de Nilvange');
  libB = await addLibrary(ctx, 'Bibliothèque de Hayange');
  const a = await addStaff(ctx, { identifier: 'msg.a', libraryIds: [libA.id], name: 'Agnès Martin' });
  const b = await addStaff(ctx, { identifier: 'msg.b', libraryIds: [libB.id] });
  const adm = await addStaff(ctx, { identifier: 'msg.admin', role: 'network_admin', name: 'Denis Réseau' });
  staffA = await client('staff', a.id);
  staffB = await client('staff', b.id);
  admin = await client('staff', adm.id);
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

describe('Écrire à ma médiathèque', () => {
  it('goes from the patron to the library and back: inbox, badge, reply by e-mail and in the thread, answer back, close and reopen', async () => {
    const { patron, c } = await patronOf(libA, { firstName: 'Zoé', lastName: 'Lefèvre' });
    const before = badge((await staffA.get('/admin')).body);

    const form = await c.get('/mon-compte/messages/ecrire');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Médiathèque de Nilvange');
    const id = await writeToLibrary(c, 'Ma carte ne marche plus', 'Bonjour,\nma carte est refusée.\nMerci');

    const [thread] = await threadsOf(patron.id);
    expect(thread).toMatchObject({ id, kind: 'library', libraryId: libA.id, state: 'new', unread: true });
    const notice = (await mailsTo(libA.email)).filter((m) => m.template === 'message_received');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toContain(`http://sesame.test/admin/messages/${id}`);
    expect(notice[0]!.text).not.toContain('ma carte est refusée');

    // The unread badge, then the inbox and the thread (opening it marks it read).
    expect(badge((await staffA.get('/admin')).body)).toBe(before + 1);
    const inbox = await staffA.get('/admin/messages');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('Ma carte ne marche plus');
    expect(inbox.body).toContain('Non lu');
    const page = await staffA.get(`/admin/messages/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ma carte est refusée.');
    expect(page.body).toContain('Nouveau');
    expect(badge(page.body)).toBe(before);

    // A saved reply prefills the answer (no JavaScript needed).
    const saved = await staffA.get(`/admin/messages/${id}?reponse=reply_adhesion`);
    expect(saved.body).toContain('vérifier ou renouveler votre adhésion');
    expect(saved.body).toContain('Médiathèque de Nilvange</textarea>');

    const replied = await staffA.post(`/admin/messages/${id}/repondre`, {
      message: 'Bonjour Zoé,\nPassez nous voir mardi.',
    });
    expect(replied.statusCode).toBe(303);
    const [answered] = await threadsOf(patron.id);
    expect(answered).toMatchObject({ state: 'answered', unread: false, waitingSince: null });
    const reply = (await mailsTo(patron.email!)).filter((m) => m.template === 'message_reply');
    expect(reply).toHaveLength(1);
    expect(reply[0]!.patronId).toBe(patron.id);
    expect(reply[0]!.subject).toBe('Réponse à votre message : Ma carte ne marche plus');
    expect(reply[0]!.text).toContain('Médiathèque de Nilvange a répondu');
    expect(reply[0]!.text).toContain('Passez nous voir mardi.');
    expect(reply[0]!.text).toContain(`http://sesame.test/mon-compte/conversations/${id}`);

    // The patron's side: "Mes messages" lists the thread; the thread shows both messages.
    const mine = await c.get('/mon-compte/messages');
    expect(mine.body).toContain(`href="/mon-compte/conversations/${id}"`);
    expect(mine.body).toContain('Répondu');
    const conv = await c.get(`/mon-compte/conversations/${id}`);
    expect(conv.statusCode).toBe(200);
    expect(conv.body).toContain('ma carte est refusée.');
    expect(conv.body).toContain('Passez nous voir mardi.');
    expect(conv.body).not.toContain('Agnès Martin');

    // Answer back: the thread waits for the library again.
    const back = await c.post(`/mon-compte/conversations/${id}/repondre`, { message: 'Merci, à mardi !' });
    expect(back.statusCode).toBe(303);
    expect((await threadsOf(patron.id))[0]).toMatchObject({ state: 'new', unread: true });
    expect((await messagesOf(id)).map((m) => m.authorKind)).toEqual(['patron', 'staff', 'patron']);
    expect((await mailsTo(libA.email)).filter((m) => m.template === 'message_received')).toHaveLength(2);

    // Close, then reopen: already answered, so "Répondu".
    expect((await staffA.post(`/admin/messages/${id}/clore`)).statusCode).toBe(303);
    expect((await threadsOf(patron.id))[0]!.state).toBe('closed');
    expect((await staffA.get(`/admin/messages/${id}`)).body).toContain('Clos');
    expect((await staffA.post(`/admin/messages/${id}/rouvrir`)).statusCode).toBe(303);
    expect((await threadsOf(patron.id))[0]!.state).toBe('answered');
    const actions = await ctx.database.db
      .select({ action: events.action })
      .from(events)
      .where(and(eq(events.subjectKind, 'message_thread'), eq(events.subjectId, id)));
    expect(actions.map((e) => e.action)).toEqual([
      'message_sent',
      'message_replied',
      'message_patron_replied',
      'message_closed',
      'message_reopened',
    ]);
  });

  it('another library’s staff can neither read nor answer it (404, nothing written); another patron gets 404', async () => {
    const { c } = await patronOf(libA);
    const id = await writeToLibrary(c, 'Question privée', 'Ne regardez pas');
    expect((await staffB.get(`/admin/messages/${id}`)).statusCode).toBe(404);
    expect((await staffB.get('/admin/messages')).body).not.toContain('Question privée');
    const before = await counts();
    for (const action of ['repondre', 'clore', 'rouvrir']) {
      const res = await staffB.post(`/admin/messages/${id}/${action}`, { message: 'Réponse forgée' });
      expect(res.statusCode, action).toBe(404);
    }
    expect(await counts()).toEqual(before);
    const [row] = await ctx.database.db.select().from(messageThreads).where(eq(messageThreads.id, id));
    expect(row).toMatchObject({ state: 'new', unread: true });

    const other = await patronOf(libA);
    expect((await other.c.get(`/mon-compte/conversations/${id}`)).statusCode).toBe(404);
    expect(
      (await other.c.post(`/mon-compte/conversations/${id}/repondre`, { message: 'x' })).statusCode,
    ).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('the network administrator sees every inbox and takes over a message left unanswered beyond the delay', async () => {
    const { patron, c } = await patronOf(libB, { firstName: 'Hugo' });
    const id = await writeToLibrary(c, 'Personne ne répond', 'Bonjour ?');

    const all = await admin.get('/admin/messages');
    expect(all.body).toContain('Personne ne répond');
    const onlyA = await admin.get(`/admin/messages?boite=${libA.id}`);
    expect(onlyA.body).not.toContain('Personne ne répond');
    expect((await admin.get(`/admin/messages?boite=${libB.id}`)).body).toContain('Personne ne répond');
    // Looking does not mark it read for the library.
    expect((await admin.get(`/admin/messages/${id}`)).statusCode).toBe(200);
    expect((await threadsOf(patron.id))[0]!.unread).toBe(true);

    // Not overdue yet: no take-over, no reply in the library's place.
    const before = await counts();
    const early = await admin.post(`/admin/messages/${id}/prendre-en-charge`);
    expect(early.statusCode).toBe(303);
    expect((await threadsOf(patron.id))[0]!.takenOverAt).toBeNull();
    const reply = await admin.post(`/admin/messages/${id}/repondre`, { message: 'Je réponds' });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('attend la réponse de sa bibliothèque');
    expect(await counts()).toEqual(before);
    expect((await admin.get('/admin/retards')).body).not.toContain('Personne ne répond');

    // Library staff may not take over.
    expect((await staffB.post(`/admin/messages/${id}/prendre-en-charge`)).statusCode).toBe(403);

    // Waiting for longer than the network's delay (5 days on NuMos) and a minute.
    const { settings } = await getNetwork(ctx.database.db);
    await ctx.database.db
      .update(messageThreads)
      .set({ waitingSince: new Date(ctx.clock.now().getTime() - settings.escalationDays * DAY - 60_000) })
      .where(eq(messageThreads.id, id));
    {
      const late = await admin.get('/admin/retards');
      expect(late.body).toContain('Messages en retard');
      expect(late.body).toContain('Personne ne répond');
      expect((await admin.get('/admin/messages')).body).toContain('En retard');
      expect((await admin.post(`/admin/messages/${id}/prendre-en-charge`)).statusCode).toBe(303);
      const [taken] = await threadsOf(patron.id);
      expect(taken!.takenOverAt).not.toBeNull();
      expect(taken!.takenOverByLabel).toBe('Denis Réseau');
      expect((await staffB.get(`/admin/messages/${id}`)).body).toContain('Pris en charge par le réseau');

      const answered = await admin.post(`/admin/messages/${id}/repondre`, {
        message: 'Le réseau vous répond.',
      });
      expect(answered.statusCode).toBe(303);
      const mail = (await mailsTo(patron.email!)).find((m) => m.template === 'message_reply');
      expect(mail!.text).toContain('NuMos, pour Bibliothèque de Hayange a répondu');
      const [event] = await ctx.database.db
        .select()
        .from(events)
        .where(and(eq(events.subjectId, id), eq(events.action, 'message_replied')));
      expect(event!.onBehalfOfLibraryId).toBe(libB.id);
      expect((await admin.get('/admin/retards')).body).not.toContain('Personne ne répond');
    }
  });

  it('plain text only: markup shown as text, addresses not clickable, line breaks kept', async () => {
    const { c } = await patronOf(libA);
    const id = await writeToLibrary(
      c,
      '<b>Objet</b>',
      'Voir https://exemple.fr/page\n<script>alert(1)</script>\n<a href="javascript:alert(1)">ici</a>',
    );
    const page = await staffA.get(`/admin/messages/${id}`);
    expect(page.body).toContain('&lt;b>Objet&lt;/b>');
    expect(page.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(page.body).not.toContain('href="https://exemple.fr/page"');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toMatch(/class="sesame-pre[^"]*">Voir https:\/\/exemple\.fr\/page\n/);
  });
});

describe('saved replies (réponses enregistrées)', () => {
  it('are response templates network administrators edit; staff get the new text; library staff cannot edit them', async () => {
    const { c } = await patronOf(libA);
    const id = await writeToLibrary(c, 'Question de compte', 'Bonjour,\nune question.');
    const list = await admin.get('/admin/modeles');
    expect(list.body).toContain('Réponses enregistrées');
    expect(list.body).toContain('href="/admin/modeles/reply_adhesion"');

    // An unknown placeholder is refused next to the field, the typed text kept, nothing saved.
    const bad = await admin.post('/admin/modeles/reply_adhesion', {
      objet: 'Adhésion',
      texte: 'Bonjour [prenom], passez à [bibliotheque].',
      action: 'enregistrer',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Balise inconnue : [prenom]. Balises possibles : [reseau], [bibliotheque].');
    expect(bad.body).toContain('Bonjour [prenom], passez à [bibliotheque].');

    const saved = await admin.post('/admin/modeles/reply_adhesion', {
      objet: 'Adhésion échue',
      texte: 'Bonjour,\nVotre adhésion est à renouveler au guichet.\n[bibliotheque]',
      action: 'enregistrer',
    });
    expect(saved.statusCode).toBe(303);
    const page = await staffA.get(`/admin/messages/${id}?reponse=reply_adhesion`);
    expect(page.body).toContain('<option value="reply_adhesion" selected>Adhésion échue</option>');
    expect(page.body).toContain(
      'Votre adhésion est à renouveler au guichet.\nMédiathèque de Nilvange</textarea>',
    );
    // A key that is not a saved reply (a decision template) prefills nothing.
    const decision = await staffA.get(`/admin/messages/${id}?reponse=accept`);
    expect(decision.body).not.toContain('Votre compte');
    expect(decision.body).not.toContain('value="accept"');

    const byLibrary = await staffA.post('/admin/modeles/reply_adhesion', {
      objet: 'Piraté',
      texte: 'Piraté',
      action: 'enregistrer',
    });
    expect(byLibrary.statusCode).toBe(403);
    expect((await staffA.get(`/admin/messages/${id}?reponse=reply_adhesion`)).body).toContain(
      'Adhésion échue',
    );

    expect((await admin.post('/admin/modeles/reply_adhesion/retablir', {})).statusCode).toBe(303);
    expect((await staffA.get(`/admin/messages/${id}?reponse=reply_adhesion`)).body).toContain(
      'vérifier ou renouveler votre adhésion',
    );
  });
});

describe('form rules', () => {
  it('size limits: French messages next to the fields, input kept, nothing written', async () => {
    const { c } = await patronOf(libA);
    const before = await counts();
    const longSubject = 'O'.repeat(MESSAGE_SUBJECT_MAX + 1);
    const longBody = 'm'.repeat(MESSAGE_BODY_MAX + 1);
    const res = await c.post('/mon-compte/messages/ecrire', { objet: longSubject, message: longBody });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(
      /id="champ-objet-message"[^>]*><p class="fr-message fr-message--error">L’objet ne doit pas dépasser 150 caractères/,
    );
    expect(res.body).toMatch(
      /id="champ-message-message"[^>]*><p class="fr-message fr-message--error">Le message ne doit pas dépasser 5000 caractères/,
    );
    expect(res.body).toContain(`value="${longSubject}"`);
    expect(res.body).toContain(`>${longBody}</textarea>`);
    const empty = await c.post('/mon-compte/messages/ecrire', { objet: '  ', message: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Indiquez l’objet de votre message.');
    expect(empty.body).toContain('Écrivez votre message.');
    const visitor = await client(null);
    const bad = await visitor.post('/aide/contact', {
      courriel: 'pas-une-adresse',
      objet: 'A',
      message: 'B',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Indiquez une adresse électronique valide');
    expect(bad.body).toContain('value="pas-une-adresse"');
    expect(await counts()).toEqual(before);
  });

  it('rate limit per account and per address (network setting), said plainly, nothing written past it', async () => {
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, messagesPerHour: 2 } });
    try {
      const { patron, c } = await patronOf(libA);
      await writeToLibrary(c, 'Un', 'premier');
      await writeToLibrary(c, 'Deux', 'deuxième');
      const before = await counts();
      const third = await c.post('/mon-compte/messages/ecrire', { objet: 'Trois', message: 'troisième' });
      expect(third.statusCode).toBe(400);
      expect(third.body).toContain(RATE_LIMITED);
      expect(third.body).toContain('>troisième</textarea>');
      // The support form counts for the same account.
      const support = await c.post('/aide/contact', { objet: 'Support', message: 'aussi' });
      expect(support.statusCode).toBe(400);
      expect(await counts()).toEqual(before);
      expect(await threadsOf(patron.id)).toHaveLength(2);

      // Per address: a visitor, whatever the browser.
      for (const i of [1, 2]) {
        const res = await (await client(null)).post('/aide/contact', {
          courriel: 'Curieux@Exemple.fr',
          objet: `Question ${i}`,
          message: 'Bonjour',
        });
        expect(res.statusCode).toBe(303);
      }
      const refused = await (await client(null)).post('/aide/contact', {
        courriel: 'curieux@exemple.fr',
        objet: 'Question 3',
        message: 'Bonjour',
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(RATE_LIMITED);

      // An hour later, it goes again.
      await ctx.database.db
        .update(threadMessages)
        .set({ createdAt: new Date(ctx.clock.now().getTime() - 61 * 60_000) })
        .where(
          inArray(
            threadMessages.threadId,
            (await threadsOf(patron.id)).map((t) => t.id),
          ),
        );
      await writeToLibrary(c, 'Quatre', 'plus tard');
    } finally {
      await updateNetwork(ctx.database.db, { settings: network.settings });
    }
  });

  it('honeypot: a robot filling the hidden field is told "sent" and nothing is written', async () => {
    const visitor = await client(null);
    const form = await visitor.get('/aide/contact');
    expect(form.body).toMatch(/<div class="sesame-honeypot" aria-hidden="true">/);
    expect(form.body).toMatch(/name="site_web"[^>]*tabindex="-1"|tabindex="-1"[^>]*name="site_web"/i);
    const before = await counts();
    const res = await visitor.post('/aide/contact', {
      courriel: 'robot@exemple.fr',
      objet: 'Achetez',
      message: 'Promotion',
      site_web: 'http://spam.example',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aide/contact');
    expect(await counts()).toEqual(before);
  });
});

describe('Poser une question au support technique', () => {
  it('from a visitor: to the network’s inbox, answered by e-mail only; library staff do not see it', async () => {
    const visitor = await client(null);
    const form = await visitor.get('/aide/contact');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="courriel"');
    const res = await visitor.post('/aide/contact', {
      courriel: 'lea.visiteuse@exemple.fr',
      objet: 'Le film ne se lance pas',
      message: 'Écran noir.',
    });
    expect(res.statusCode).toBe(303);
    const [thread] = await ctx.database.db
      .select()
      .from(messageThreads)
      .where(eq(messageThreads.email, 'lea.visiteuse@exemple.fr'));
    expect(thread).toMatchObject({ kind: 'support', libraryId: null, patronId: null, state: 'new' });
    const network = await getNetwork(ctx.database.db);
    expect((await mailsTo(network.email)).some((m) => m.subject.includes('Le film ne se lance pas'))).toBe(
      true,
    );

    expect((await staffA.get(`/admin/messages/${thread!.id}`)).statusCode).toBe(404);
    expect((await staffA.get('/admin/messages')).body).not.toContain('Le film ne se lance pas');
    const inbox = await admin.get('/admin/messages?boite=support');
    expect(inbox.body).toContain('Le film ne se lance pas');
    const badgeBefore = badge(inbox.body);
    const page = await admin.get(`/admin/messages/${thread!.id}`);
    expect(page.body).toContain('visiteur : par courriel seulement');
    expect(badge(page.body)).toBe(badgeBefore - 1);
    expect(
      (await admin.post(`/admin/messages/${thread!.id}/repondre`, { message: 'Videz le cache.' })).statusCode,
    ).toBe(303);
    const [mail] = (await mailsTo('lea.visiteuse@exemple.fr')).filter((m) => m.template === 'message_reply');
    expect(mail!.patronId).toBeNull();
    expect(mail!.text).toContain('Le support technique de NuMos a répondu');
    expect(mail!.text).toContain('Videz le cache.');
    expect(mail!.text).not.toContain('/mon-compte/conversations/');
  });

  it('from a patron: the account’s address, fixed; the thread is in "Mes messages"', async () => {
    const { patron, c } = await patronOf(libA);
    const form = await c.get('/aide/contact');
    expect(form.body).toContain(patron.email!);
    expect(form.body).not.toContain('name="courriel"');
    const res = await c.post('/aide/contact', {
      courriel: 'autre@exemple.fr',
      objet: 'Question technique',
      message: 'Bonjour',
    });
    expect(res.statusCode).toBe(303);
    const [thread] = await threadsOf(patron.id);
    expect(thread).toMatchObject({ kind: 'support', email: patron.email, libraryId: null });
    expect(res.headers.location).toBe(`/mon-compte/conversations/${thread!.id}`);
    expect((await c.get('/mon-compte/messages')).body).toContain('Question technique');
  });
});

describe('personal data', () => {
  it('"Télécharger mes données" includes the conversations and their messages', async () => {
    const { c } = await patronOf(libA);
    const id = await writeToLibrary(c, 'Pour mes données', 'Texte à retrouver');
    await staffA.post(`/admin/messages/${id}/repondre`, { message: 'Réponse à retrouver' });
    const res = await c.get('/mon-compte/donnees.json');
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body) as {
      conversations: Array<{ objet: string; messages: Array<{ texte: string; de: string }> }>;
    };
    const conv = doc.conversations.find((t) => t.objet === 'Pour mes données');
    expect(conv!.messages.map((m) => m.texte)).toEqual(['Texte à retrouver', 'Réponse à retrouver']);
    const page = await c.get('/mon-compte/donnees');
    expect(page.body).toContain('Texte à retrouver');
  });

  it('erasure of the account removes its messages; the retention sweep removes old visitor questions', async () => {
    const { patron, c } = await patronOf(libA);
    const id = await writeToLibrary(c, 'À effacer', 'Données personnelles');
    const deleted = await c.post('/mon-compte/supprimer', { password: PATRON_PASSWORD });
    expect(deleted.statusCode).toBe(303);
    expect(await threadsOf(patron.id)).toHaveLength(0);
    expect(await messagesOf(id)).toHaveLength(0);
    const [sent] = await ctx.database.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, id), eq(events.action, 'message_sent')));
    expect(sent!.actorLabel).toBe('Usager (données effacées)');

    for (const courriel of ['ancien@exemple.fr', 'recent@exemple.fr'])
      await (await client(null)).post('/aide/contact', { courriel, objet: 'Question', message: 'x' });
    const { settings } = await getNetwork(ctx.database.db);
    const ago = (days: number) => new Date(ctx.clock.now().getTime() - days * DAY);
    await ctx.database.db
      .update(messageThreads)
      .set({ lastMessageAt: ago(settings.retentionDays + 1) })
      .where(eq(messageThreads.email, 'ancien@exemple.fr'));
    await ctx.database.db
      .update(messageThreads)
      .set({ lastMessageAt: ago(settings.retentionDays - 1) })
      .where(eq(messageThreads.email, 'recent@exemple.fr'));
    const { threads } = await purgeStaleMessages(ctx.deps);
    expect(threads).toBeGreaterThanOrEqual(1);
    const left = await ctx.database.db.select({ email: messageThreads.email }).from(messageThreads);
    expect(left.map((t) => t.email)).not.toContain('ancien@exemple.fr');
    expect(left.map((t) => t.email)).toContain('recent@exemple.fr');
  });
});
