import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { getNetwork } from '../../src/db/repositories/network.js';
import { enqueueMail, findMail, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { events, outbox } from '../../src/db/schema.js';
import { MINUTE } from '../../src/domain/clock.js';
import { renderMail, withMailFooter } from '../../src/mail/layout.js';
import { setPasswordMail } from '../../src/mail/messages.js';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, sendDueMail } from '../../src/mail/sender.js';
import { type MailTransport, smtpTransport } from '../../src/mail/transport.js';
import { buildApp } from '../../src/web/app.js';
import { addLibrary, addStaff, createTestApp, TEST_BASE_URL, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { onPostgres } from '../helpers/database.js';

const START = '2026-11-23T09:00:00Z';

// ---------------------------------------------------------------------------------------------
// A real SMTP server for the sender to talk to, and just enough MIME decoding to read what it got.

interface Received {
  envelopeTo: string[];
  subject: string;
  text: string;
  template: string;
}

interface SmtpSink {
  url: string;
  accepted: Received[];
  refused: number;
  close(): Promise<void>;
}

/** Refuses the first `refuseFirst` messages with a temporary 451, accepts the following ones. */
async function startSmtpSink(refuseFirst: number): Promise<SmtpSink> {
  const sink = { accepted: [] as Received[], refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (sink.refused < refuseFirst) {
          sink.refused++;
          const error = Object.assign(new Error('Service temporairement indisponible, réessayez plus tard'), {
            responseCode: 451,
          });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('latin1');
        sink.accepted.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          ...parseMessage(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get accepted() {
      return sink.accepted;
    },
    get refused() {
      return sink.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Raw bytes (as latin1 chars) of a string with =XX escapes turned into bytes. */
function bytesOfQuoted(s: string, underscoreIsSpace: boolean): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '_' && underscoreIsSpace) bytes.push(0x20);
    else bytes.push(c.charCodeAt(0));
  }
  return bytes;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=), adjacent ones joined. */
function decodeHeader(value: string): string {
  const word = /=\?([^?]+)\?([QB])\?([^?]*)\?=/gi;
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  let out = '';
  let pending: number[] = [];
  let last = 0;
  for (const m of joined.matchAll(word)) {
    const between = joined.slice(last, m.index);
    if (between) {
      out += Buffer.from(pending).toString('utf8') + between;
      pending = [];
    }
    const data = m[3]!;
    pending.push(
      ...(m[2]!.toUpperCase() === 'B' ? [...Buffer.from(data, 'base64')] : bytesOfQuoted(data, true)),
    );
    last = m.index + m[0].length;
  }
  return out + Buffer.from(pending).toString('utf8') + joined.slice(last);
}

function splitHeaders(part: string): { headers: Map<string, string>; body: string } {
  const at = part.indexOf('\r\n\r\n');
  const head = part.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: part.slice(at + 4) };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const e = (encoding ?? '7bit').toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable')
    return Buffer.from(bytesOfQuoted(body.replace(/=\r\n/g, ''), false)).toString('utf8');
  return Buffer.from(body, 'latin1').toString('utf8');
}

/** Subject, template header and plain-text part of a message as nodemailer writes it. */
function parseMessage(raw: string): Omit<Received, 'envelopeTo'> {
  const { headers, body } = splitHeaders(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  let text: string;
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    const parts = body.split(`--${boundary}`).slice(1, -1);
    const plain = parts
      .map((p) => splitHeaders(p.replace(/^\r\n/, '')))
      .find((p) => (p.headers.get('content-type') ?? '').startsWith('text/plain'));
    if (!plain) throw new Error('no text/plain part');
    text = decodeBody(plain.body.replace(/\r\n$/, ''), plain.headers.get('content-transfer-encoding'));
  } else text = decodeBody(body, headers.get('content-transfer-encoding'));
  return {
    subject: decodeHeader(headers.get('subject') ?? ''),
    template: headers.get('x-sesame-template') ?? '',
    text: text.replace(/\r\n/g, '\n').replace(/\n$/, ''),
  };
}

// ---------------------------------------------------------------------------------------------

/** A transport that records what it sends, per row, taking a little time like a real server. */
function recordingTransport(options: { delayMs?: number; fail?: (m: OutboxRow) => string | null } = {}) {
  const deliveries = new Map<number, number>();
  const transport: MailTransport = {
    async send(m) {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const failure = options.fail?.(m);
      if (failure) throw new Error(failure);
      deliveries.set(m.id, (deliveries.get(m.id) ?? 0) + 1);
    },
    close() {},
  };
  return { transport, deliveries };
}

function testMail(n: number, overrides: Partial<{ to: string; subject: string; text: string }> = {}) {
  const mail = renderMail({
    template: 'essai',
    to: overrides.to ?? `usager${n}@exemple.fr`,
    subject: overrides.subject ?? `Message d’essai n° ${n}`,
    networkName: 'Réseau d’essai',
    greeting: 'Bonjour,',
    paragraphs: [`Ceci est le message n° ${n}.`],
  });
  return overrides.text ? { ...mail, text: overrides.text } : mail;
}

describe('e-mail outbox and sender', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => {
    await ctx?.close();
  });
  beforeEach(async () => {
    await ctx.database.db.delete(outbox);
    ctx.clock.set(START);
  });

  const sender = () => ({ db: ctx.database.db, clock: ctx.clock });
  const enqueue = (message: ReturnType<typeof testMail>) =>
    enqueueMail(ctx.database.db, message, ctx.clock.now());
  const row = async (id: number) => (await findMail(ctx.database.db, id))!;

  it('keeps e-mails refused by the SMTP server, retries them after the delay and delivers each exactly once', async () => {
    const sink = await startSmtpSink(3);
    const transport = smtpTransport(sink.url, '"Réseau d’essai" <ne-pas-repondre@exemple.fr>');
    try {
      const mails = [
        setPasswordMail({
          networkName: 'Réseau d’essai',
          to: 'zoe.lefevre@exemple.fr',
          name: 'Zoé Lefèvre',
          identifier: 'zlefevre',
          url: `${TEST_BASE_URL}/mot-de-passe/jeton-essai-1`,
          expiresAt: new Date('2026-11-30T09:00:00Z'),
        }),
        testMail(2, { subject: 'Votre inscription à la médiathèque numérique — Réseau d’essai' }),
        testMail(3, { text: `Une ligne très longue ${'éà'.repeat(60)} pour le découpage.\nEt une autre.` }),
      ];
      const ids = [];
      for (const m of mails) ids.push(await enqueue(m));

      const first = await sendDueMail(sender(), transport);
      expect(first).toEqual({ sent: 0, retried: 3, failed: 0 });
      expect(sink.refused).toBe(3);
      for (const id of ids) {
        const r = await row(id);
        expect(r.status).toBe('pending');
        expect(r.attempts).toBe(1);
        expect(r.lastError).toContain('451');
        expect(r.notBefore.getTime()).toBe(new Date(START).getTime() + RETRY_DELAYS_MS[0]!);
        expect(r.claimedUntil).toBeNull();
      }

      // Not due yet: nothing is tried before the retry delay.
      expect(await sendDueMail(sender(), transport)).toEqual({ sent: 0, retried: 0, failed: 0 });

      ctx.clock.advance(RETRY_DELAYS_MS[0]!);
      expect(await sendDueMail(sender(), transport)).toEqual({ sent: 3, retried: 0, failed: 0 });
      expect(await sendDueMail(sender(), transport)).toEqual({ sent: 0, retried: 0, failed: 0 });

      expect(sink.accepted).toHaveLength(3);
      // Queued mail carries the network's signature line in place of the renderer's token.
      const { settings } = await getNetwork(ctx.database.db);
      for (const [i, m] of mails
        .map((mail) => ({ ...mail, ...withMailFooter(mail, settings.mailFooter) }))
        .entries()) {
        const got = sink.accepted.filter((r) => r.envelopeTo.includes(m.to));
        expect(got).toHaveLength(1);
        expect(got[0]!.subject).toBe(m.subject);
        expect(got[0]!.text).toBe(m.text);
        expect(got[0]!.template).toBe(m.template);
        const r = await row(ids[i]!);
        expect(r.status).toBe('sent');
        expect(r.sentAt).toEqual(ctx.clock.now());
        expect(r.lastError).toBeNull();
        expect(r.attempts).toBe(2);
      }
      expect(sink.accepted[0]!.text).toContain(`${TEST_BASE_URL}/mot-de-passe/jeton-essai-1`);
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('backs off 1 min, 5 min, 15 min… and marks the e-mail failed with its last error after MAX_ATTEMPTS', async () => {
    const { transport } = recordingTransport({ fail: () => '550 5.1.1 Boîte aux lettres inconnue' });
    const id = await enqueue(testMail(1));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const report = await sendDueMail(sender(), transport);
      const r = await row(id);
      expect(r.attempts).toBe(attempt);
      expect(r.lastError).toBe('550 5.1.1 Boîte aux lettres inconnue');
      if (attempt < MAX_ATTEMPTS) {
        expect(report).toEqual({ sent: 0, retried: 1, failed: 0 });
        expect(r.status).toBe('pending');
        const delay = RETRY_DELAYS_MS[attempt - 1]!;
        expect(r.notBefore.getTime() - ctx.clock.now().getTime()).toBe(delay);
        ctx.clock.advance(delay - 1);
        expect(await sendDueMail(sender(), transport)).toEqual({ sent: 0, retried: 0, failed: 0 });
        ctx.clock.advance(1);
      } else {
        expect(report).toEqual({ sent: 0, retried: 0, failed: 1 });
        expect(r.status).toBe('failed');
      }
    }
    ctx.clock.advance(24 * 60 * MINUTE);
    expect(await sendDueMail(sender(), transport)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect((await row(id)).status).toBe('failed');
  });

  it('never sends the same row twice when two senders run at once', async () => {
    const { transport, deliveries } = recordingTransport({ delayMs: 5 });
    const ids: number[] = [];
    for (let i = 1; i <= 40; i++) ids.push(await enqueue(testMail(i)));
    const other: Database = onPostgres ? ctx.openAnother() : ctx.database;
    const reports = await Promise.all([
      sendDueMail({ db: ctx.database.db, clock: ctx.clock }, transport, 4),
      sendDueMail({ db: other.db, clock: ctx.clock }, transport, 4),
    ]);
    expect(reports[0].sent + reports[1].sent).toBe(40);
    expect([...deliveries.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
    const rows = await ctx.database.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('picks up again an e-mail whose sender died while sending, but not one still being sent', async () => {
    const { transport, deliveries } = recordingTransport();
    const abandoned = await enqueue(testMail(1));
    const inProgress = await enqueue(testMail(2));
    const now = ctx.clock.now();
    await ctx.database.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, claimedUntil: new Date(now.getTime() - MINUTE) })
      .where(eq(outbox.id, abandoned));
    await ctx.database.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, claimedUntil: new Date(now.getTime() + MINUTE) })
      .where(eq(outbox.id, inProgress));

    expect(await sendDueMail(sender(), transport)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(deliveries.get(abandoned)).toBe(1);
    expect(deliveries.has(inProgress)).toBe(false);
    expect(await row(abandoned)).toMatchObject({ status: 'sent', attempts: 2, claimedUntil: null });
    expect((await row(inProgress)).status).toBe('sending');
  });

  it('keeps an e-mail enqueued for later until its time comes', async () => {
    const { transport, deliveries } = recordingTransport();
    const id = await enqueueMail(
      ctx.database.db,
      testMail(1),
      ctx.clock.now(),
      new Date(ctx.clock.now().getTime() + 10 * MINUTE),
    );
    expect((await sendDueMail(sender(), transport)).sent).toBe(0);
    ctx.clock.advance(10 * MINUTE);
    expect((await sendDueMail(sender(), transport)).sent).toBe(1);
    expect(deliveries.get(id)).toBe(1);
  });

  describe('back-office pages', () => {
    let admin: TestBrowser;
    let librarian: TestBrowser;
    let adminId: string;

    beforeAll(async () => {
      const library = await addLibrary(ctx);
      const a = await addStaff(ctx, { identifier: 'admin-courriels', role: 'network_admin' });
      adminId = a.id;
      const l = await addStaff(ctx, {
        identifier: 'biblio-courriels',
        role: 'library_staff',
        libraryIds: [library.id],
      });
      admin = new TestBrowser(ctx.app, '203.0.113.21');
      librarian = new TestBrowser(ctx.app, '203.0.113.22');
      expect((await admin.logIn('admin-courriels', a.password)).statusCode).toBe(303);
      expect((await librarian.logIn('biblio-courriels', l.password)).statusCode).toBe(303);
    });

    /** A failed e-mail, as the sender leaves it after MAX_ATTEMPTS refusals. */
    async function failedMail(n = 1): Promise<number> {
      const id = await enqueue(testMail(n, { to: `echec${n}@exemple.fr` }));
      await ctx.database.db
        .update(outbox)
        .set({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: '550 Adresse inconnue' })
        .where(eq(outbox.id, id));
      return id;
    }

    const mailLinks = (html: string) =>
      [...html.matchAll(/href="\/admin\/courriels\/(\d+)"/g)].map((m) => Number(m[1]));

    it('lists e-mails for an administrator, with counts, states and the no-SMTP notice', async () => {
      const pending = await enqueue(testMail(1, { to: 'zoe.ndiaye-lefevre@exemple.fr' }));
      const failed = await failedMail(2);
      const res = await admin.get('/admin/courriels');
      expect(res.statusCode).toBe(200);
      const html = res.body;
      expect(html).toContain('<h1>Courriels envoyés</h1>');
      expect(html).toContain('Aucun serveur d’envoi (SMTP_URL) n’est configuré');
      expect(html).toMatch(/<caption>[^<]*Courriels 1 à 2 sur 2/);
      expect(html).toContain('<th scope="col">Destinataire</th>');
      expect(html).toContain('zoe.ndiaye-lefevre@exemple.fr');
      expect(html).toContain('En attente : 1');
      expect(html).toContain('En échec : 1');
      expect(html).toContain('Envoyé : 0');
      expect(html).toMatch(/class="fr-badge fr-badge--sm fr-badge--error">En échec</);
      expect(html).toContain('23/11/2026 à 10:00');
      expect(mailLinks(html).sort()).toEqual([pending, failed].sort());
    });

    it('does not show the no-SMTP notice when SMTP_URL is set', async () => {
      const config = loadConfig({
        BASE_URL: TEST_BASE_URL,
        LOG_LEVEL: 'silent',
        SESAME_DEMO: 'false',
        SMTP_URL: 'smtp://127.0.0.1:2525',
      });
      const app = await buildApp({ config, database: ctx.database, clock: ctx.clock });
      try {
        const b = new TestBrowser(app, '203.0.113.23');
        const a = await addStaff(ctx, { identifier: 'admin-smtp', role: 'network_admin' });
        await b.logIn('admin-smtp', a.password);
        const res = await b.get('/admin/courriels');
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('<h1>Courriels envoyés</h1>');
        expect(res.body).not.toContain('SMTP_URL');
      } finally {
        await app.close();
      }
    });

    it('searches by recipient or subject whatever the accents and case, and filters by state', async () => {
      const zoe = await enqueue(testMail(1, { to: 'zoe.lefevre@exemple.fr', subject: 'Bienvenue' }));
      const reset = await enqueue(testMail(2, { subject: 'Réinitialisation de votre mot de passe' }));
      const failed = await failedMail(3);

      let res = await admin.get('/admin/courriels?q=ZOE.LEF');
      expect(mailLinks(res.body)).toEqual([zoe]);
      expect(res.body).toContain('value="ZOE.LEF"');
      expect(res.body).toContain('Effacer la recherche');

      res = await admin.get(`/admin/courriels?q=${encodeURIComponent('reinitialisation')}`);
      expect(mailLinks(res.body)).toEqual([reset]);

      res = await admin.get('/admin/courriels?etat=failed');
      expect(mailLinks(res.body)).toEqual([failed]);
      expect(res.body).toMatch(/<option value="failed" selected/);

      res = await admin.get('/admin/courriels?etat=sent');
      expect(mailLinks(res.body)).toEqual([]);
      expect(res.body).toContain('Aucun courriel ne correspond à cette recherche.');

      res = await admin.get('/admin/courriels?q=zoe&etat=failed');
      expect(mailLinks(res.body)).toEqual([]);
    });

    it('falls back to defaults on bad query parameters instead of failing', async () => {
      const a = await enqueue(testMail(1));
      const b = await enqueue(testMail(2));
      for (const url of [
        '/admin/courriels?page=abc&etat=xyz',
        '/admin/courriels?page=-3',
        '/admin/courriels?page=1.5&etat=',
        '/admin/courriels?page=99999999999999999999',
        '/admin/courriels?q=a&q=b&etat=pending&etat=sent',
        `/admin/courriels?q=${'x'.repeat(5000)}`,
      ]) {
        const res = await admin.get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body).toContain('<h1>Courriels envoyés</h1>');
      }
      const res = await admin.get('/admin/courriels?page=abc&etat=xyz');
      expect(mailLinks(res.body).sort()).toEqual([a, b].sort());
    });

    it('shows 50 e-mails per page with pagination links that keep the search and the filter', async () => {
      const ids: number[] = [];
      for (let i = 1; i <= 55; i++) {
        ids.push(await enqueue(testMail(i, { subject: `Relance n° ${i}` })));
        ctx.clock.advance(MINUTE);
      }
      await enqueue(testMail(99, { subject: 'Autre sujet' }));

      const page1 = await admin.get('/admin/courriels?q=relance&etat=pending');
      expect(mailLinks(page1.body)).toEqual(ids.slice(5).reverse());
      expect(page1.body).toContain('55 courriels correspondant à la recherche');
      expect(page1.body).toContain('aria-label="Pagination"');
      expect(page1.body).toContain('href="/admin/courriels?q=relance&amp;etat=pending&amp;page=2"');
      expect(page1.body).toMatch(/aria-current="page" title="Page 1"/);

      const page2 = await admin.get('/admin/courriels?q=relance&etat=pending&page=2');
      expect(mailLinks(page2.body)).toEqual(ids.slice(0, 5).reverse());
      expect(page2.body).toContain('Courriels 51 à 55 sur 55');
      expect(page2.body).toContain('href="/admin/courriels?q=relance&amp;etat=pending"');

      // Past the end: the last page rather than an empty table.
      const page9 = await admin.get('/admin/courriels?q=relance&etat=pending&page=9');
      expect(mailLinks(page9.body)).toEqual(ids.slice(0, 5).reverse());
    });

    it('shows one e-mail with its details, the body as text and its web addresses as links', async () => {
      const id = await enqueue(
        testMail(1, {
          to: 'zoe.lefevre@exemple.fr',
          subject: 'Définissez votre mot de passe',
          text: [
            'Bonjour Zoé,',
            `Choisissez votre mot de passe : ${TEST_BASE_URL}/mot-de-passe/abc123.`,
            '<script>alert("x")</script> <b>gras</b>',
            'Piège : https://exemple.fr/a"onmouseover="alert(1) et javascript:alert(2)',
          ].join('\n'),
        }),
      );
      const res = await admin.get(`/admin/courriels/${id}`);
      expect(res.statusCode).toBe(200);
      const html = res.body;
      expect(html).toContain('<h1>Définissez votre mot de passe</h1>');
      expect(html).toContain('zoe.lefevre@exemple.fr');
      expect(html).toContain('<th scope="row">Type de courriel</th><td>Autre courriel</td>');
      expect(html).toContain('Aucun serveur d’envoi (SMTP_URL)');
      expect(html).toContain('<th scope="row">Tentatives</th><td>0 sur');
      expect(html).toContain('<th scope="row">Créé le</th><td>23/11/2026 à 10:00</td>');
      expect(html).toContain('<pre class="sesame-pre');
      // The trailing full stop ends the sentence, not the address.
      expect(html).toContain(
        `<a href="${TEST_BASE_URL}/mot-de-passe/abc123">${TEST_BASE_URL}/mot-de-passe/abc123</a>.`,
      );
      expect(html).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script> &lt;b>gras&lt;/b>');
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('<a href="https://exemple.fr/a">https://exemple.fr/a</a>');
      expect(html).not.toContain('onmouseover="alert');
      expect(html).not.toContain('href="javascript:');
      // Only failed e-mails can be sent again.
      expect(html).not.toContain('/renvoyer');
    });

    it('shows the last error and the next attempt of an e-mail waiting for a retry', async () => {
      const { transport } = recordingTransport({ fail: () => '421 Serveur surchargé' });
      const id = await enqueue(testMail(1));
      await sendDueMail(sender(), transport);
      const html = (await admin.get(`/admin/courriels/${id}`)).body;
      expect(html).toContain('<code>421 Serveur surchargé</code>');
      expect(html).toContain('<th scope="row">Prochaine tentative</th><td>23/11/2026 à 10:01</td>');
      expect(html).toContain('<th scope="row">Tentatives</th><td>1 sur');
    });

    it('answers 404 for an unknown or malformed id', async () => {
      for (const url of [
        '/admin/courriels/999999',
        '/admin/courriels/abc',
        '/admin/courriels/0',
        '/admin/courriels/1e3',
      ]) {
        const res = await admin.get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).toContain('Page non trouvée');
      }
      const res = await admin.post('/admin/courriels/999999/renvoyer', {}, { from: '/admin/courriels' });
      expect(res.statusCode).toBe(404);
    });

    it('refuses library staff (403) and sends anonymous visitors to the login page', async () => {
      const id = await failedMail();
      for (const url of ['/admin/courriels', `/admin/courriels/${id}`]) {
        const res = await librarian.get(url);
        expect(res.statusCode, url).toBe(403);
        expect(res.body).toContain('Accès refusé');
        expect(res.body).not.toContain('echec1@exemple.fr');
      }
      const post = await librarian.post(`/admin/courriels/${id}/renvoyer`, {}, { from: '/admin' });
      expect(post.statusCode).toBe(403);
      expect((await row(id)).status).toBe('failed');

      const anonymous = new TestBrowser(ctx.app, '203.0.113.24');
      const res = await anonymous.get('/admin/courriels?etat=failed');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(
        `/connexion?suite=${encodeURIComponent('/admin/courriels?etat=failed')}`,
      );
      const detail = await anonymous.get(`/admin/courriels/${id}`);
      expect(detail.statusCode).toBe(303);
      expect(detail.headers.location).toBe(
        `/connexion?suite=${encodeURIComponent(`/admin/courriels/${id}`)}`,
      );
    });

    it('requeues a failed e-mail from its page, records who did it, and the sender delivers it', async () => {
      const id = await failedMail();
      const page = await admin.get(`/admin/courriels/${id}`);
      expect(page.body).toContain('Ce courriel n’est pas parti');
      expect(page.body).toContain(`action="/admin/courriels/${id}/renvoyer"`);
      expect(page.body).toContain('<code>550 Adresse inconnue</code>');

      ctx.clock.advance(MINUTE);
      const res = await admin.post(`/admin/courriels/${id}/renvoyer`, {}, { from: `/admin/courriels/${id}` });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/admin/courriels/${id}`);
      expect(await row(id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        lastError: null,
        notBefore: ctx.clock.now(),
      });
      const logged = await ctx.database.db
        .select()
        .from(events)
        .where(and(eq(events.action, 'mail_requeued'), eq(events.subjectId, String(id))));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ actorKind: 'staff', actorId: adminId, subjectKind: 'mail' });

      const after = await admin.get(`/admin/courriels/${id}`);
      expect(after.body).toContain('Le courriel sera renvoyé dans quelques secondes.');
      expect(after.body).not.toContain('/renvoyer');

      const { transport, deliveries } = recordingTransport();
      expect((await sendDueMail(sender(), transport)).sent).toBe(1);
      expect(deliveries.get(id)).toBe(1);
    });

    it('does not requeue an e-mail that is no longer failed', async () => {
      const id = await failedMail();
      const from = `/admin/courriels/${id}`;
      const token = await admin.csrf(from);
      // Someone else requeued it meanwhile, and it left.
      await admin.post(`/admin/courriels/${id}/renvoyer`, {}, { csrf: token });
      const { transport } = recordingTransport();
      await sendDueMail(sender(), transport);
      const sent = await row(id);
      expect(sent.status).toBe('sent');

      const res = await admin.post(`/admin/courriels/${id}/renvoyer`, {}, { csrf: token });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(from);
      expect(await row(id)).toEqual(sent);
      const page = await admin.get(from);
      expect(page.body).toContain('Ce courriel n’est pas en échec : il n’a pas été renvoyé.');
      const logged = await ctx.database.db
        .select()
        .from(events)
        .where(and(eq(events.action, 'mail_requeued'), eq(events.subjectId, String(id))));
      expect(logged).toHaveLength(1);
    });

    it('refuses a requeue without the CSRF token and changes nothing', async () => {
      const id = await failedMail();
      const before = await row(id);
      await admin.get(`/admin/courriels/${id}`);
      for (const csrf of [null, 'jeton-invente']) {
        const res = await admin.post(`/admin/courriels/${id}/renvoyer`, {}, { csrf });
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('Formulaire expiré');
      }
      expect(await row(id)).toEqual(before);
    });
  });
});
