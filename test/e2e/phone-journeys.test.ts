import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The two journeys that matter most, on a phone (375 × 812) and with the keyboard alone: a
 * visitor registers (Tab, typing, Space, arrows, Enter; the library found in the searchable
 * list), and the library's staff member opens the menu, finds the request and accepts it. Every
 * control is reached with Tab, so a control the keyboard cannot reach fails the test; no page
 * may scroll sideways or log a script error.
 */

const PHONE = { width: 375, height: 812 };
let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function phone(): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, server.baseUrl, { viewport: PHONE, hasTouch: true });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // A form sent back with its errors answers 400, which Chromium logs as a failed load.
    if (m.type() === 'error' && !m.text().includes('status of 400'))
      errors.push(`${page.url()}: ${m.text()}`);
  });
  return { page, errors };
}

/** Presses Tab until the element has the focus: fails if the keyboard cannot reach it. */
async function tabTo(page: Page, target: Locator, maxPresses = 80): Promise<void> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error(`no element for ${target}`);
  for (let i = 0; i < maxPresses; i++) {
    if (await handle.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target} not reached with ${maxPresses} presses of Tab`);
}

async function typeInto(page: Page, target: Locator, value: string): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.type(value);
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${page.url()} is ${width} px wide at ${PHONE.width} px`).toBeLessThanOrEqual(PHONE.width);
}

function strongPassword(): string {
  return `Charme-${randomBytes(4).toString('hex')}-26!Az`;
}

async function setPassword(page: Page, url: string): Promise<string> {
  await page.goto(url);
  const password = strongPassword();
  await typeInto(page, page.locator('#champ-password'), password);
  await typeInto(page, page.locator('#champ-confirmation'), password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === '/connexion');
  return password;
}

async function logIn(page: Page, login: string, password: string, landing: string): Promise<void> {
  if (new URL(page.url()).pathname !== '/connexion') await page.goto('/connexion');
  const field = page.locator('#champ-login');
  if ((await field.inputValue()) !== login) {
    await tabTo(page, field);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(login);
  }
  await typeInto(page, page.locator('#champ-password'), password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === landing);
}

/** The burger, then a link of the menu, by keyboard. */
async function openMenuLink(page: Page, name: string): Promise<void> {
  const burger = page.getByRole('button', { name: 'Menu' });
  await expect(burger.isVisible()).resolves.toBe(true);
  await tabTo(page, burger);
  await page.keyboard.press('Enter');
  const link = page.locator('#navigation').getByRole('link', { name });
  await link.waitFor({ state: 'visible' });
  await tabTo(page, link);
  await page.keyboard.press('Enter');
}

describe('on a phone, with the keyboard alone', () => {
  it('a visitor registers, and the library accepts the request', async () => {
    const suffix = randomBytes(3).toString('hex');
    const email = `louise.arnaud.${suffix}@exemple.fr`;
    const identifier = `louise${suffix}`;
    const password = strongPassword();

    // 1. Registration.
    const { page: visitor, errors: visitorErrors } = await phone();
    await visitor.goto('/');
    await openMenuLink(visitor, 'S’inscrire');
    await visitor.waitForURL((u) => u.pathname === '/inscription');
    await expectNoSidewaysScroll(visitor);
    await typeInto(visitor, visitor.locator('#champ-lastName'), 'Arnaud');
    await typeInto(visitor, visitor.locator('#champ-firstName'), 'Louise');
    await typeInto(visitor, visitor.locator('#champ-birthDate'), '21/03/1987');
    await typeInto(visitor, visitor.locator('#champ-email'), email);
    await typeInto(visitor, visitor.locator('#champ-identifier'), identifier);
    await typeInto(visitor, visitor.locator('#champ-password'), password);
    await typeInto(visitor, visitor.locator('#champ-confirmation'), password);
    const combobox = visitor.getByRole('combobox', { name: /Bibliothèque de proximité/ });
    await typeInto(visitor, combobox, 'valmont');
    await visitor.keyboard.press('ArrowDown');
    await visitor.keyboard.press('Enter');
    await expect(combobox.inputValue()).resolves.toContain(server.librarian.library);
    // The newsletter radios: Tab reaches the group, an arrow key picks within it.
    const radios = visitor.locator('input[type="radio"][name="newsletter"]');
    if ((await radios.count()) > 0) {
      await tabTo(visitor, radios.first());
      await visitor.keyboard.press('Space');
    }
    await tabTo(visitor, visitor.getByRole('button', { name: 'Envoyer ma demande d’inscription' }));
    await visitor.keyboard.press('Enter');
    await visitor.waitForURL((u) => u.pathname === '/inscription/envoyee');
    await expect(visitor.locator('main').textContent()).resolves.toContain(email);
    await expectNoSidewaysScroll(visitor);
    await expectNoAxeViolations(visitor, 'check your mailbox, on a phone');

    // The confirmation e-mail, read by the network administrator (no mail server in the demo).
    const { page: admin, errors: adminErrors } = await phone();
    const adminPassword = await setPassword(admin, server.admin.url);
    await logIn(admin, server.admin.identifier, adminPassword, '/admin');
    await admin.goto(`/admin/courriels?q=${encodeURIComponent(email)}`);
    await admin.getByRole('link', { name: /^Confirmez votre inscription/ }).click();
    await admin.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
    const mail = (await admin.locator('main').textContent()) ?? '';
    const link = /https?:\/\/\S+\/inscription\/confirmer\/[A-Za-z0-9_-]+/.exec(mail)?.[0];
    expect(link, mail).toBeTruthy();
    await visitor.goto(new URL(link!).pathname);
    await expect(visitor.locator('h1').textContent()).resolves.toBe('Votre inscription est confirmée');
    await expectNoSidewaysScroll(visitor);

    // 2. The library's staff member, on a phone: log in, menu, request, decision.
    const { page: staff, errors: staffErrors } = await phone();
    const staffPassword = await setPassword(staff, server.librarian.url);
    await logIn(staff, server.librarian.identifier, staffPassword, '/admin');
    await expectNoSidewaysScroll(staff);
    await openMenuLink(staff, 'Validation des inscriptions');
    await staff.waitForURL((u) => u.pathname === '/admin/usagers');
    await expectNoSidewaysScroll(staff);
    const patronLink = staff.locator('main table tbody tr', { hasText: email }).getByRole('link').first();
    await tabTo(staff, patronLink, 200);
    await staff.keyboard.press('Enter');
    await staff.waitForURL((u) => /^\/admin\/usagers\/[0-9a-f-]{36}$/.test(u.pathname));
    const recordPath = new URL(staff.url()).pathname;
    await expectNoSidewaysScroll(staff);

    await tabTo(staff, staff.locator('#champ-decision-0'));
    await staff.keyboard.press('Space');
    await expect(staff.locator('#champ-decision-0').isChecked()).resolves.toBe(true);
    for (const check of ['#champ-membre', '#champ-naissance']) {
      await tabTo(staff, staff.locator(check));
      await staff.keyboard.press('Space');
      await expect(staff.locator(check).isChecked()).resolves.toBe(true);
    }
    await tabTo(staff, staff.getByRole('button', { name: 'Valider la décision' }));
    await staff.keyboard.press('Enter');
    await staff.waitForURL((u) => u.pathname === recordPath);
    await expect(staff.locator('main .fr-alert--success').textContent()).resolves.toContain(
      'Demande acceptée',
    );
    await expectNoSidewaysScroll(staff);
    await expectNoAxeViolations(staff, 'record after the decision, on a phone');

    // Logging out from the phone menu.
    await openMenuLinkButton(staff, 'Se déconnecter');
    await staff.waitForURL((u) => u.pathname === '/connexion');

    expect([...visitorErrors, ...adminErrors, ...staffErrors]).toEqual([]);
  });
});

/** The burger, then a button of the menu (the header tools live there on a phone), by keyboard. */
async function openMenuLinkButton(page: Page, name: string): Promise<void> {
  await tabTo(page, page.getByRole('button', { name: 'Menu' }));
  await page.keyboard.press('Enter');
  const button = page.locator('.fr-header__menu').getByRole('button', { name });
  await button.waitFor({ state: 'visible' });
  await tabTo(page, button);
  await page.keyboard.press('Enter');
}
