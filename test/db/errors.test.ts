import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

it('answers an unknown address with the French 404 page in the layout', async () => {
  const res = await new TestBrowser(ctx.app).get('/nulle-part');
  expect(res.statusCode).toBe(404);
  expect(res.body).toContain('<html lang="fr"');
  expect(res.body).toContain('Page non trouvée');
  expect(res.body).toContain('href="/aide"');
});

it('sends the security headers on pages, errors and redirects alike', async () => {
  for (const [url, status] of [
    ['/bibliotheques', 200],
    ['/nulle-part', 404],
    ['/admin', 303],
  ] as const) {
    const res = await ctx.app.inject(url);
    expect(res.statusCode).toBe(status);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    // Plain http (the tests' BASE_URL): no upgrade of requests, no HSTS.
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-embedder-policy']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  }
});

it('asks browsers for https only when the public address is https', async () => {
  const secure = await createTestApp({ env: { BASE_URL: 'https://numerique.exemple.fr' } });
  try {
    const res = await secure.app.inject('/bibliotheques');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  } finally {
    await secure.close();
  }
});

it('is ready and healthy, and exposes metrics by route', async () => {
  expect((await ctx.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
  expect((await ctx.app.inject('/readyz')).json()).toMatchObject({ status: 'ready', migrations: 'applied' });
  await ctx.app.inject('/bibliotheques');
  const metrics = (await ctx.app.inject('/metrics')).body;
  expect(metrics).toContain('sesame_http_request_duration_seconds_bucket');
  expect(metrics).toMatch(/route="\/bibliotheques"/);
  expect(metrics).toContain('sesame_outbox_messages');
});

it('refuses an oversized form with a French page', async () => {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/connexion',
    payload: `login=${'a'.repeat(3 * 1024 * 1024)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.statusCode).toBe(413);
  expect(res.body).toContain('Fichier trop volumineux');
});

it('shows a French 500 page without any stack trace when the database is gone, and /readyz says so', async () => {
  await ctx.database.close();
  const res = await new TestBrowser(ctx.app).get('/bibliotheques');
  expect(res.statusCode).toBe(500);
  expect(res.body).toContain('Erreur inattendue');
  expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/);
  expect(res.body).not.toContain('Error:');
  const ready = await ctx.app.inject('/readyz');
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toMatchObject({ status: 'unavailable' });
});
