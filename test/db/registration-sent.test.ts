import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLibrary, type Library } from '../../src/db/repositories/libraries.js';
import { outbox, tokens } from '../../src/db/schema.js';
import { RESENDS_PER_WINDOW } from '../../src/usecases/patrons/resend-registration-mail.js';
import { createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

/**
 * "Vérifiez votre messagerie" after a self-registration: the page repeats the address this
 * browser typed and offers to send the e-mail again, limited per address, with a new link that
 * replaces the old one; the page says the same whatever the address is.
 */

const LINK = /http:\/\/sesame\.test\/inscription\/confirmer\/([A-Za-z0-9_-]+)/;
let ctx: TestContext;
let library: Library;
let n = 0;

function form(overrides: Record<string, string> = {}): Record<string, string> {
  n++;
  return {
    lastName: 'Vasseur',
    firstName: 'Léa',
    birthDate: '02/03/1991',
    email: `lea.vasseur${n}@exemple.fr`,
    identifier: `lea.vasseur${n}`,
    password: 'sous-le-tilleul-77',
    confirmation: 'sous-le-tilleul-77',
    libraryId: library.id,
    newsletter: 'non',
    site_web: '',
    ...overrides,
  };
}

function mailsTo(address: string) {
  return ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, address)).orderBy(outbox.id);
}

beforeAll(async () => {
  ctx = await createTestApp();
  library = await insertLibrary(ctx.database.db, {
    code: 'L-S',
    name: 'Médiathèque des Saules',
    town: 'Florange',
    email: 'saules@exemple.fr',
  });
});

afterAll(async () => {
  await ctx.close();
});

describe('the page after a registration', () => {
  it('repeats the address typed, and "Renvoyer le courriel" sends a new link that replaces the first', async () => {
    const b = new TestBrowser(ctx.app, '198.51.100.201');
    const values = form();
    const sent = await b.post('/inscription', values, { from: '/inscription' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/inscription/envoyee');
    const page = await b.get('/inscription/envoyee');
    expect(page.body).toContain(values.email);
    expect(page.body).toContain('Renvoyer le courriel');

    const [first] = await mailsTo(values.email!);
    const firstToken = LINK.exec(first!.text)![1]!;
    const resent = await b.post('/inscription/renvoyer', {}, { from: '/inscription/envoyee' });
    expect(resent.statusCode).toBe(303);
    const after = await b.get('/inscription/envoyee');
    expect(after.body).toContain(`Un nouveau courriel vient d’être envoyé à ${values.email}`);
    const mails = await mailsTo(values.email!);
    expect(mails).toHaveLength(2);
    const secondToken = LINK.exec(mails[1]!.text)![1]!;
    expect(secondToken).not.toBe(firstToken);
    // The old link no longer confirms; the new one does.
    const old = await b.get(`/inscription/confirmer/${firstToken}`);
    expect(old.statusCode).toBeGreaterThanOrEqual(400);
    const confirmed = await b.get(`/inscription/confirmer/${secondToken}`);
    expect(confirmed.statusCode).toBe(200);
  });

  it('limits resends per address, with a French message and nothing more sent', async () => {
    const b = new TestBrowser(ctx.app, '198.51.100.202');
    const values = form();
    await b.post('/inscription', values, { from: '/inscription' });
    for (let i = 0; i < RESENDS_PER_WINDOW; i++)
      await b.post('/inscription/renvoyer', {}, { from: '/inscription/envoyee' });
    const before = (await mailsTo(values.email!)).length;
    expect(before).toBe(1 + RESENDS_PER_WINDOW);
    const refused = await b.post('/inscription/renvoyer', {}, { from: '/inscription/envoyee' });
    expect(refused.statusCode).toBe(303);
    const page = await b.get('/inscription/envoyee');
    expect(page.body).toContain('Patientez un quart d’heure');
    expect(await mailsTo(values.email!)).toHaveLength(before);
  });

  it('shows no address and offers no resend to a browser that did not register, even with a forged cookie', async () => {
    const b = new TestBrowser(ctx.app, '198.51.100.203');
    const page = await b.get('/inscription/envoyee');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Renvoyer le courriel');
    b.cookies.set('sesame_inscription', 'victime@exemple.fr');
    const forged = await b.get('/inscription/envoyee');
    expect(forged.body).not.toContain('victime@exemple.fr');
    const resend = await b.post('/inscription/renvoyer', {}, { from: '/inscription' });
    expect(resend.headers.location).toBe('/inscription');
    expect(await mailsTo('victime@exemple.fr')).toHaveLength(0);
  });

  it('sends nothing for an address without a live request, and says the same', async () => {
    const b = new TestBrowser(ctx.app, '198.51.100.204');
    // A robot's form (honeypot filled) writes nothing but is answered as a success.
    const values = form({ site_web: 'http://spam.example' });
    await b.post('/inscription', values, { from: '/inscription' });
    const page = await b.get('/inscription/envoyee');
    expect(page.body).toContain(values.email);
    const tokensBefore = await ctx.database.db.select().from(tokens);
    await b.post('/inscription/renvoyer', {}, { from: '/inscription/envoyee' });
    const after = await b.get('/inscription/envoyee');
    expect(after.body).toContain(`Un nouveau courriel vient d’être envoyé à ${values.email}`);
    expect(await mailsTo(values.email!)).toHaveLength(0);
    expect(await ctx.database.db.select().from(tokens)).toHaveLength(tokensBefore.length);
  });
});
