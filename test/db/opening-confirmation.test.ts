import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import { hashPassword } from '../../src/security/passwords.js';
import { addLibrary, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource, consultationCount, quotaUsed } from '../helpers/resource-fixtures.js';

/**
 * A Forfait document opened from another site (a link the patron's Lax cookie follows) or on
 * the month's last unit is asked first, and counted only by the confirmation's POST.
 */
const PASSWORD = 'Un-mot-de-passe-solide-9';
const MONTH = '2026-12';
const CROSS_SITE = { 'sec-fetch-site': 'cross-site' };
let ctx: TestContext;
let libraryId: string;
let hash: string;
let ip = 10;
let film: Awaited<ReturnType<typeof addResource>>;
let free: Awaited<ReturnType<typeof addResource>>;

beforeAll(async () => {
  ctx = await createTestApp();
  hash = await hashPassword(PASSWORD);
  libraryId = (await addLibrary(ctx)).id;
  film = await addResource(ctx, {
    name: 'Cinéma au forfait',
    documents: [
      { id: 'f1', title: 'Le Phare des brumes' },
      { id: 'f2', title: 'Les Dunes d’argent' },
    ],
  });
  free = await addResource(ctx, { name: 'Contes libres', kind: 'open', category: null });
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.clock.set('2026-12-05T10:00:00Z');
});

async function member(): Promise<{ patron: PatronRow; b: TestBrowser }> {
  const patron = await addPatron(ctx, libraryId, {
    passwordHash: hash,
    state: 'active',
    activeUntil: '2027-11-22',
    pendingSince: null,
  });
  const b = new TestBrowser(ctx.app, `192.0.2.${ip++}`);
  expect((await b.logIn(patron.identifier!, PASSWORD)).statusCode).toBe(303);
  return { patron, b };
}

/** Uses `n` films this month through other resources. */
async function useFilms(b: TestBrowser, n: number) {
  for (let i = 0; i < n; i++) {
    const other = await addResource(ctx, {});
    expect((await b.get(`/ressources/${other.id}/ouvrir?document=d${i}`)).statusCode).toBe(303);
  }
}

describe('opening a Forfait document from outside Sésame', () => {
  it('asks first, counts nothing, then counts once on the confirmation', async () => {
    const { patron, b } = await member();
    const before = await consultationCount(ctx);
    const asked = await b.get(`/ressources/${film.id}/ouvrir?document=f1`, { headers: CROSS_SITE });
    expect(asked.statusCode).toBe(200);
    expect(asked.headers['cache-control']).toBe('no-store');
    expect(asked.body).toContain(
      'Ouvrir ce film utilisera 1 de vos 4 films de décembre ; il vous en restera 3.',
    );
    expect(asked.body).toContain('« Le Phare des brumes » dans Cinéma au forfait');
    expect(asked.body).toContain('Vous arrivez d’un autre site');
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(0);
    expect(await consultationCount(ctx)).toBe(before);

    const opened = await b.post(
      `/ressources/${film.id}/ouvrir`,
      { document: 'f1' },
      { csrf: await b.csrf() },
    );
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toMatch(
      new RegExp(`^http://sesame\\.test/fournisseur-demo/${film.id}/f1\\?`),
    );
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(1);
  });

  it('counts nothing on a POST without the CSRF token (another site’s form)', async () => {
    const { patron, b } = await member();
    const res = await b.post(`/ressources/${film.id}/ouvrir`, { document: 'f1' }, { csrf: null });
    expect(res.statusCode).toBe(403);
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(0);
  });

  it('asks too when the browser sends no Sec-Fetch-Site and the Referer is missing or another site', async () => {
    const { patron, b } = await member();
    for (const headers of [{}, { referer: 'https://ailleurs.example/page' }]) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/ressources/${film.id}/ouvrir?document=f2`,
        headers: {
          ...headers,
          cookie: [...b.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
        },
        remoteAddress: b.ip,
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('data-confirmation="forfait"');
    }
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(0);
  });

  it('opens at once what takes no unit: a document already counted this month, a free resource, the provider’s home', async () => {
    const { patron, b } = await member();
    expect((await b.get(`/ressources/${film.id}/ouvrir?document=f1`)).statusCode).toBe(303);
    expect(
      (await b.get(`/ressources/${film.id}/ouvrir?document=f1`, { headers: CROSS_SITE })).statusCode,
    ).toBe(303);
    expect(
      (await b.get(`/ressources/${free.id}/ouvrir?document=conte`, { headers: CROSS_SITE })).statusCode,
    ).toBe(303);
    expect((await b.get(`/ressources/${film.id}/ouvrir`, { headers: CROSS_SITE })).statusCode).toBe(303);
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(1);
  });

  it('says why it cannot open rather than asking when the quota is used up', async () => {
    const { b } = await member();
    await useFilms(b, 4);
    const res = await b.get(`/ressources/${film.id}/ouvrir?document=f2`, { headers: CROSS_SITE });
    expect(res.statusCode).toBe(429);
  });
});

describe('a return to an opening after login', () => {
  it('asks first, whoever wrote the link to the login page', async () => {
    const patron = await addPatron(ctx, libraryId, {
      passwordHash: hash,
      state: 'active',
      activeUntil: '2027-11-22',
      pendingSince: null,
    });
    const b = new TestBrowser(ctx.app, `192.0.2.${ip++}`);
    const suite = `/ressources/${film.id}/ouvrir?document=f1`;
    await b.get(`/connexion?suite=${encodeURIComponent(suite)}`, { headers: CROSS_SITE });
    const res = await b.post(
      '/connexion',
      { login: patron.identifier!, password: PASSWORD, suite },
      { csrf: await b.csrf() },
    );
    expect(res.headers.location).toBe(`${suite}&confirmer=1`);
    const asked = await b.get(String(res.headers.location));
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Ouvrir ce film utilisera 1 de vos 4 films de décembre');
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(0);
  });
});

describe('the month’s last unit, from the catalog', () => {
  it('marks the Forfait links of the last unit, whose opening asks first', async () => {
    const { patron, b } = await member();
    await useFilms(b, 2);
    const catalog = await b.get('/ressources');
    expect(catalog.body).toContain(`href="/ressources/${film.id}/ouvrir?document=f1"`);
    expect((await b.get(`/ressources/${film.id}/ouvrir?document=f1`)).statusCode).toBe(303);
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(3);

    const last = await b.get('/ressources');
    expect(last.body).toContain(`href="/ressources/${film.id}/ouvrir?document=f2&amp;confirmer=1"`);
    const asked = await b.get(`/ressources/${film.id}/ouvrir?document=f2&confirmer=1`);
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Ouvrir ce film utilisera 1 de vos 4 films de décembre ; c’est le dernier.');
    expect(asked.body).not.toContain('Vous arrivez d’un autre site');
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(3);
    const opened = await b.post(
      `/ressources/${film.id}/ouvrir`,
      { document: 'f2' },
      { csrf: await b.csrf() },
    );
    expect(opened.statusCode).toBe(303);
    expect(await quotaUsed(ctx, patron.id, MONTH)).toBe(4);
  });
});
