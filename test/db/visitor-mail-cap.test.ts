import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import { insertPatron } from '../../src/db/repositories/patrons.js';
import { outbox } from '../../src/db/schema.js';
import { HOUR, MINUTE } from '../../src/domain/clock.js';
import { checkPasswordLink } from '../../src/usecases/auth/set-password-with-token.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

/**
 * The public forms cannot flood one mailbox: past the network's hourly cap per address
 * (visitorMailsPerHour, 5 by default), they answer the same and send nothing more.
 */
let ctx: TestContext;
let libraryId: string;
let n = 0;
const browser = () => {
  n++;
  return new TestBrowser(ctx.app, `198.51.${Math.floor(n / 250)}.${n % 250}`);
};

beforeAll(async () => {
  ctx = await createTestApp();
  libraryId = (await addLibrary(ctx)).id;
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.clock.set('2026-11-23T09:00:00Z');
});

async function mailsTo(address: string) {
  return ctx.database.db
    .select()
    .from(outbox)
    .where(eq(sql`lower(${outbox.toAddress})`, address.toLowerCase()))
    .orderBy(outbox.id);
}

const RESET_LINK = /\/mot-de-passe\/([A-Za-z0-9_-]{32,})/;

describe('e-mails a visitor can have sent to one address', () => {
  it('sends at most 5 forgotten-password links an hour, the last one still working, then again an hour later', async () => {
    const s = await addStaff(ctx, { identifier: 'cible', email: 'cible@exemple.fr' });
    const answers = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const res = await browser().post('/mot-de-passe-oublie', { login: i % 2 ? s.identifier : s.email });
      expect(res.statusCode).toBe(200);
      answers.add(res.body.slice(res.body.indexOf('<h1>'), res.body.indexOf('</main>')));
      ctx.clock.advance(MINUTE);
    }
    expect(answers.size).toBe(1);
    const mails = await mailsTo(s.email);
    expect(mails).toHaveLength(5);
    // The requests past the cap did not revoke the link last sent.
    const last = RESET_LINK.exec(mails.at(-1)!.text)![1]!;
    expect((await checkPasswordLink(ctx.deps, last)).status).toBe('valid');

    ctx.clock.advance(HOUR);
    await browser().post('/mot-de-passe-oublie', { login: s.identifier });
    expect(await mailsTo(s.email)).toHaveLength(6);
  });

  it('sends at most 5 “Vous avez déjà un compte” an hour, with the same page every time', async () => {
    const now = ctx.clock.now();
    await insertPatron(ctx.database.db, {
      libraryId,
      state: 'active',
      channel: 'self',
      lastName: 'Déjà',
      firstName: 'Inscrite',
      birthDate: '1990-07-14',
      birthYear: 1990,
      email: 'deja.inscrite@exemple.fr',
      identifier: 'deja.inscrite',
      registeredAt: now,
      emailConfirmedAt: now,
      activeUntil: '2027-11-22',
      createdAt: now,
      updatedAt: now,
    });
    const locations = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const res = await browser().post(
        '/inscription',
        {
          lastName: 'Martin',
          firstName: 'Anne',
          birthDate: '14/07/1990',
          email: i % 2 ? 'deja.inscrite@exemple.fr' : 'DEJA.INSCRITE@exemple.fr',
          identifier: `anne.martin${i}`,
          password: 'lune-de-miel-42',
          confirmation: 'lune-de-miel-42',
          libraryId,
          newsletter: 'non',
          site_web: '',
        },
        { from: '/inscription' },
      );
      expect(res.statusCode).toBe(303);
      locations.add(String(res.headers.location));
    }
    expect([...locations]).toEqual(['/inscription/envoyee']);
    const mails = await mailsTo('deja.inscrite@exemple.fr');
    expect(mails.map((m) => m.template)).toEqual(Array(5).fill('already_registered'));
  });

  it('follows the network setting, shown on the settings page', async () => {
    const network = await getNetwork(ctx.database.db);
    await updateNetwork(ctx.database.db, { settings: { ...network.settings, visitorMailsPerHour: 2 } });
    try {
      const s = await addStaff(ctx, { identifier: 'cible2', email: 'cible2@exemple.fr' });
      for (let i = 0; i < 4; i++) await browser().post('/mot-de-passe-oublie', { login: s.identifier });
      expect(await mailsTo(s.email)).toHaveLength(2);

      const admin = await addStaff(ctx, { identifier: 'admin', role: 'network_admin' });
      const b = browser();
      await b.logIn(admin.identifier, admin.password);
      const page = await b.get('/admin/parametres');
      expect(page.body).toContain('Courriels qu’un visiteur peut faire envoyer à une même adresse');
      expect(page.body).toMatch(
        /name="visitorMailsPerHour"[^>]*value="2"|value="2"[^>]*name="visitorMailsPerHour"/,
      );
    } finally {
      await updateNetwork(ctx.database.db, { settings: network.settings });
    }
  });
});
