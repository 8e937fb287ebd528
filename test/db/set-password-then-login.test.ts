import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertStaff } from '../../src/db/repositories/staff.js';
import { DAY } from '../../src/domain/clock.js';
import { issuePasswordLink } from '../../src/usecases/auth/password-links.js';
import { addLibrary, createTestApp, TEST_BASE_URL, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
});

afterAll(async () => {
  await ctx.close();
});

it('after choosing a password through the link, the login page has the identifiant filled in', async () => {
  const library = await addLibrary(ctx);
  const staff = await insertStaff(ctx.database.db, {
    identifier: '5219001',
    name: 'Camille Ornain',
    email: 'camille.ornain@exemple.fr',
    role: 'library_staff',
    libraryIds: [library.id],
    createdAt: ctx.clock.now(),
  });
  const { url } = await issuePasswordLink(
    ctx.database.db,
    { kind: 'staff', id: staff.id },
    'set_password',
    ctx.clock.now(),
    7 * DAY,
    TEST_BASE_URL,
  );
  const path = url.slice(TEST_BASE_URL.length);
  const b = new TestBrowser(ctx.app, '198.51.100.77');
  const password = 'Hêtre-pourpre-2026!';
  const set = await b.post(path, { password, confirmation: password });
  expect(set.statusCode).toBe(303);
  const login = await b.get(set.headers.location as string);
  expect(login.statusCode).toBe(200);
  expect(login.body).toMatch(
    /<input[^>]*name="login"[^>]*value="5219001"|<input[^>]*value="5219001"[^>]*name="login"/,
  );
  // …and the password it asks for opens the session.
  const session = await b.logIn('5219001', password);
  expect(session.statusCode).toBe(303);
  expect(session.headers.location).toBe('/admin');
});

it('a login page reached with a forged identifiant only shows it as text in the field', async () => {
  const b = new TestBrowser(ctx.app, '198.51.100.78');
  const page = await b.get('/connexion?identifiant=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  expect(page.statusCode).toBe(200);
  expect(page.body).not.toContain('<script>alert(1)</script>');
  expect(page.body).toContain('value="&quot;>&lt;script>alert(1)&lt;/script>"');
});
