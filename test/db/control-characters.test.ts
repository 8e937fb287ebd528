import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPatron } from '../../src/db/repositories/patrons.js';
import { findResponseTemplate } from '../../src/db/repositories/response-templates.js';
import { events, outbox, patrons } from '../../src/db/schema.js';
import { cleanInput } from '../../src/web/control-characters.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

/**
 * NUL and the other C0 control characters (tab, line feed and carriage return excepted) are
 * removed from every query string, path parameter and form body before a route sees them:
 * PostgreSQL refuses NUL in text, which made each of these requests a 500.
 */
let ctx: TestContext;
let libraryId: string;
let admin: Awaited<ReturnType<typeof addStaff>>;
let n = 0;
const browser = () => {
  n++;
  return new TestBrowser(ctx.app, `198.51.100.${n}`);
};

beforeAll(async () => {
  ctx = await createTestApp();
  libraryId = (await addLibrary(ctx)).id;
  admin = await addStaff(ctx, { identifier: 'admin', role: 'network_admin' });
});
afterAll(() => ctx.close());

async function asAdmin() {
  const b = browser();
  expect((await b.logIn(admin.identifier, admin.password)).statusCode).toBe(303);
  return b;
}

describe('control characters in what visitors send', () => {
  it('removes them from strings, arrays and keys, keeping tab, line feed and carriage return', () => {
    expect(cleanInput({ 'a\u0000': ['x\u0000y', 'z\u001b'], t: 'l1\r\n\tl2\u007f\u0008' })).toEqual({
      a: ['xy', 'z'],
      t: 'l1\r\n\tl2',
    });
  });

  it('turns a lone surrogate into U+FFFD and keeps real pairs (an emoji)', () => {
    expect(cleanInput({ login: '\r\u202e\udfff', ok: 'a😀b', high: 'x\ud83d' })).toEqual({
      login: '\r\u202e\ufffd',
      ok: 'a😀b',
      high: 'x\ufffd',
    });
  });

  it('answers a forgotten password with a lone surrogate in a JSON body without a 500', async () => {
    const b = browser();
    const token = await b.csrf('/mot-de-passe-oublie');
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/mot-de-passe-oublie',
      payload: `{"_csrf":"${token}","login":"\\r\\u202e\\udfff"}`,
      headers: {
        'content-type': 'application/json',
        cookie: [...b.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
      },
      remoteAddress: b.ip,
    });
    expect(res.statusCode).toBeLessThan(500);
  });

  it('keeps a key named __proto__ a key', () => {
    const cleaned = cleanInput(JSON.parse('{"__proto__": ["a"], "b": "c"}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.keys(cleaned)).toEqual(['__proto__', 'b']);
  });

  it('logs in with a NUL byte in the identifier as without it, and answers a NUL password by the field', async () => {
    const ok = await browser().logIn(`${admin.identifier}\u0000`, admin.password);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin');
    const wrong = await browser().logIn('inconnu\u0000', '\u0000');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Saisissez votre mot de passe.');
    expect(wrong.body).toContain('value="inconnu"');
  });

  it('sends the reset link of the account named with a NUL byte', async () => {
    const res = await browser().post('/mot-de-passe-oublie', { login: `\u0000${admin.identifier}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Vérifiez votre messagerie');
    const mails = await ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, admin.email));
    expect(mails.map((m) => m.template)).toContain('reset_password');
  });

  it('registers the identifiant without its control characters', async () => {
    const res = await browser().post(
      '/inscription',
      {
        lastName: 'Nul\u0000le',
        firstName: 'Zoé',
        birthDate: '14/07/1990',
        email: 'zoe.nul@exemple.fr',
        identifier: 'zoe\u0000nul\u0001',
        password: 'lune-de-miel-42',
        confirmation: 'lune-de-miel-42',
        libraryId,
        newsletter: 'non',
        site_web: '',
      },
      { from: '/inscription' },
    );
    expect(res.statusCode).toBe(303);
    const [row] = await ctx.database.db.select().from(patrons).where(eq(patrons.identifier, 'zoenul'));
    expect(row?.lastName).toBe('Nulle');
  });

  it('saves a response template whose subject and body held NUL bytes', async () => {
    const b = await asAdmin();
    const res = await b.post('/admin/modeles/accept', {
      objet: 'Bienvenue\u0000 [reseau]',
      texte: 'Bonjour\u0000 [prenom],\r\n\r\nVotre compte est actif.',
      action: 'enregistrer',
    });
    expect(res.statusCode).toBe(303);
    const saved = await findResponseTemplate(ctx.database.db, 'accept');
    expect(saved?.subject).toBe('Bienvenue [reseau]');
    expect(saved?.body).toBe('Bonjour [prenom],\n\nVotre compte est actif.');
  });

  it('searches the outbox with a NUL byte in the query', async () => {
    const b = await asAdmin();
    const res = await b.get('/admin/courriels?q=r%C3%A9initialisation%00');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="réinitialisation"');
  });

  it('records the export of a search with a NUL byte', async () => {
    await insertPatron(ctx.database.db, {
      libraryId,
      state: 'active',
      channel: 'self',
      lastName: 'Martin',
      firstName: 'Anne',
      birthDate: '1980-01-01',
      birthYear: 1980,
      email: 'anne.martin@exemple.fr',
      identifier: 'anne.martin',
      registeredAt: ctx.clock.now(),
      emailConfirmedAt: ctx.clock.now(),
      activeUntil: '2027-11-22',
      createdAt: ctx.clock.now(),
      updatedAt: ctx.clock.now(),
    });
    const b = await asAdmin();
    const res = await b.get('/admin/usagers/export.csv?etat=tous&q=mart%00');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Martin');
    // The event is written once the file has streamed: wait for it rather than for a time.
    let exported: { data: unknown } | undefined;
    for (let i = 0; i < 50 && !exported; i++) {
      [exported] = await ctx.database.db
        .select({ data: events.data })
        .from(events)
        .where(and(eq(events.action, 'exported')))
        .orderBy(desc(events.at))
        .limit(1);
      if (!exported) await new Promise((r) => setImmediate(r));
    }
    expect(exported?.data).toMatchObject({ q: 'mart' });
  });

  it('treats a NUL byte in a path parameter as part of an unknown page, not as an error', async () => {
    const b = await asAdmin();
    const res = await b.get('/admin/usagers/abc%00');
    expect(res.statusCode).toBe(404);
  });
});
