import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, openMail, passwordThroughReset, setPasswordThroughLink, text } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The message journey in Chromium (issue 17): a patron writes "Écrire à ma médiathèque" on a
 * phone; the library's staff see it in "Messages" with the unread badge and reply; the patron
 * reads the reply in "Mon compte › Mes messages" and the reply e-mail exists; another library's
 * staff get 404 on that message. Then a visitor's question to the support. Axe on each page;
 * the patron's and the visitor's pages at 375 px without sideways scroll or console error.
 */

const PHONE = { width: 375, height: 812 };
const DESK = { width: 1280, height: 800 };
const PATRON = 'chloe.morin'; // active, of the first demo library (seed-demo-patrons.ts)
/** The second demo library's staff account (seed-demo.ts: 52 + 10001 + 101). */
const OTHER_STAFF = '5210102';
const OTHER_STAFF_MAIL = 'agent2@bibliotheques.exemple.fr';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const passwords: Record<'admin' | 'librarian' | 'patron' | 'other', string> = {
  admin: '',
  librarian: '',
  patron: '',
  other: '',
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const { page } = await open(DESK);
  passwords.admin = await setPasswordThroughLink(page, server.admin.url);
  passwords.librarian = await setPasswordThroughLink(page, server.librarian.url);
  const admin = { identifier: server.admin.identifier, password: passwords.admin };
  passwords.patron = await passwordThroughReset(page, PATRON, admin);
  passwords.other = await passwordThroughReset(page, OTHER_STAFF, admin, OTHER_STAFF_MAIL);
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, server.baseUrl, { viewport });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // The 404 asked for on purpose is logged by Chromium as a failed load.
    if (m.type() === 'error' && !m.text().includes('status of 404'))
      errors.push(`${page.url()}: ${m.text()}`);
  });
  return { page, errors };
}

/** Axe, and at phone width no sideways scroll. */
async function check(page: Page, label: string): Promise<void> {
  await expectNoAxeViolations(page, label);
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll, `${label}: ${scroll} px wide in a ${width} px window`).toBeLessThanOrEqual(width);
}

/** The unread count on the staff menu's "Messages" link (0 without a badge). */
async function badge(page: Page): Promise<number> {
  const link = page.locator('a[href="/admin/messages"]').first();
  const badgeText = await link
    .locator('.fr-badge')
    .textContent()
    .catch(() => null);
  return Number((badgeText ?? '0').replace(/\D/g, '') || 0);
}

describe('messages in the browser', () => {
  const suffix = randomBytes(3).toString('hex');
  const subject = `Ma liseuse refuse le livre ${suffix}`;
  const replyText = `Bonjour, passez à la médiathèque mardi avec votre liseuse (${suffix}).`;
  let threadId = '';

  it('patron → library → patron, on a phone for the patron; another library gets 404', async () => {
    // 1. The patron writes, at 375 px.
    const { page: patron, errors: patronErrors } = await open(PHONE);
    await logIn(patron, PATRON, passwords.patron, '/mon-compte');
    await patron.goto('/mon-compte/messages');
    await check(patron, 'Mes messages');
    await patron.getByRole('link', { name: 'Écrire à ma médiathèque' }).click();
    await patron.waitForURL((u) => u.pathname === '/mon-compte/messages/ecrire');
    await check(patron, 'Écrire à ma médiathèque');
    await patron.locator('#champ-objet').fill(subject);
    await patron.locator('#champ-message').fill('Bonjour,\nle livre emprunté ne s’ouvre pas.\nMerci');
    await patron.getByRole('button', { name: 'Envoyer mon message' }).click();
    await patron.waitForURL((u) => /^\/mon-compte\/conversations\/[0-9a-f-]{36}$/.test(u.pathname));
    threadId = new URL(patron.url()).pathname.split('/').pop()!;
    await expect(text(patron, 'main')).resolves.toContain('le livre emprunté ne s’ouvre pas.');
    await check(patron, 'the new conversation');

    // 2. The library's staff: the badge, the inbox, the thread, the reply.
    const { page: staff, errors: staffErrors } = await open(DESK);
    await logIn(staff, server.librarian.identifier, passwords.librarian, '/admin');
    expect(await badge(staff)).toBeGreaterThanOrEqual(1);
    await staff.goto('/admin/messages');
    await check(staff, 'staff inbox');
    await staff.getByRole('link', { name: subject }).click();
    await staff.waitForURL((u) => u.pathname === `/admin/messages/${threadId}`);
    await check(staff, 'staff thread');
    await staff.locator('#champ-message').fill(replyText);
    await staff.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await staff.waitForLoadState('load');
    await expect(text(staff, 'main')).resolves.toContain(replyText);
    await check(staff, 'staff thread after the reply');

    // 3. The patron reads the reply in "Mes messages", still at 375 px.
    await patron.goto('/mon-compte/messages');
    const row = patron.locator('section[aria-labelledby="conversations-titre"] tr', { hasText: subject });
    await expect(row.textContent()).resolves.toContain('Répondu');
    await check(patron, 'Mes messages with the reply');
    await row.getByRole('link', { name: subject }).click();
    await patron.waitForURL((u) => u.pathname === `/mon-compte/conversations/${threadId}`);
    await expect(text(patron, 'main')).resolves.toContain(replyText);
    await check(patron, 'the conversation with the reply');

    // 4. The reply e-mail exists (read in "Courriels": the demo has no mail server).
    const { page: admin, errors: adminErrors } = await open(DESK);
    await logIn(admin, server.admin.identifier, passwords.admin, '/admin');
    const mail = await openMail(admin, PATRON, /^Réponse à votre message/);
    expect(mail).toContain(replyText);

    // 5. Another library's staff: not found, whatever the URL.
    const { page: other } = await open(DESK);
    await logIn(other, OTHER_STAFF, passwords.other, '/admin');
    const refused = await other.goto(`/admin/messages/${threadId}`);
    expect(refused?.status()).toBe(404);
    await expect(text(other, 'main')).resolves.not.toContain(replyText);
    await other.goto('/admin/messages');
    await expect(text(other, 'main')).resolves.not.toContain(subject);

    expect([...patronErrors, ...staffErrors, ...adminErrors]).toEqual([]);
  });

  it('a visitor asks the support, on a phone; the network sees it in the support inbox', async () => {
    const { page: visitor, errors } = await open(PHONE);
    const question = `Le lecteur ne démarre pas ${suffix}`;
    await visitor.goto('/aide/contact');
    await check(visitor, 'support form');
    await visitor.locator('#champ-courriel').fill(`visiteur.${suffix}@exemple.fr`);
    await visitor.locator('#champ-objet').fill(question);
    await visitor.locator('#champ-message').fill('Bonjour,\nle lecteur de films reste noir.');
    await visitor.getByRole('button', { name: 'Envoyer ma question' }).click();
    await visitor.waitForURL((u) => u.pathname === '/aide/contact');
    await expect(text(visitor, 'main')).resolves.toContain(
      'Votre question a été envoyée au support technique.',
    );
    await check(visitor, 'support form, question sent');
    expect(errors).toEqual([]);

    const { page: admin } = await open(DESK);
    await logIn(admin, server.admin.identifier, passwords.admin, '/admin');
    await admin.goto('/admin/messages?boite=support');
    await admin.getByRole('link', { name: question }).click();
    await admin.waitForURL((u) => /^\/admin\/messages\/[0-9a-f-]{36}$/.test(u.pathname));
    await expect(text(admin, 'main')).resolves.toContain('le lecteur de films reste noir.');
    await check(admin, 'support question, staff side');

    // The saved replies, edited like the response templates.
    await admin.goto('/admin/modeles');
    await check(admin, 'templates with the saved replies');
    await admin.goto('/admin/modeles/reply_accuse');
    await expect(text(admin, 'main')).resolves.toContain('Titre dans la liste des réponses enregistrées');
    await check(admin, 'one saved reply');
  });
});
