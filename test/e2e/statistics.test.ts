import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, setPasswordThroughLink } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * /admin/statistiques in Chromium, as its users use it: a network administrator at a 1 280 px desk
 * with JavaScript (period picker, comparing libraries, a table's CSV), and library staff on a phone
 * without JavaScript (charts drawn by the server, the period form, their own library only).
 */

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const passwords = { admin: '', librarian: '' };
/** Every library's id and name, as the administrator's form lists them. */
let libraries: Array<{ id: string; name: string }> = [];

const DESK = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };
const STATISTICS = '/admin/statistiques';

async function openPage(options: { viewport: typeof DESK; javaScriptEnabled: boolean }) {
  const context = await newContext(browser, server.baseUrl, options);
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A form sent back with its errors answers 400, which Chromium logs as a failed load.
    if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(m.text());
  });
  return { page, errors };
}

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Charts are pictures drawn on the server, each followed by the table holding its figures. */
async function expectChartsWithTables(page: Page): Promise<void> {
  const charts = await page.locator('svg[role="img"]').count();
  expect(charts).toBeGreaterThan(3);
  const tables = await page.locator('main table').count();
  expect(tables).toBeGreaterThanOrEqual(charts);
  const names = await page
    .locator('svg[role="img"]')
    .evaluateAll((svgs) => svgs.map((s) => s.getAttribute('aria-label')));
  for (const name of names) expect(name).toMatch(/figures dans le tableau ci-dessous/);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const { page } = await openPage({ viewport: DESK, javaScriptEnabled: true });
  passwords.admin = await setPasswordThroughLink(page, server.admin.url);
  passwords.librarian = await setPasswordThroughLink(page, server.librarian.url);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

describe('statistics in Chromium', () => {
  it('network administrator at a desk: charts with their tables, a reversed period refused next to its field, two libraries compared, a table as CSV', async () => {
    const { page, errors } = await openPage({ viewport: DESK, javaScriptEnabled: true });
    await logIn(page, server.admin.identifier, passwords.admin, '/admin');
    await page.getByRole('link', { name: 'Statistiques' }).first().click();
    await page.waitForURL((u) => u.pathname === STATISTICS);
    await expect(page.locator('h1').textContent()).resolves.toContain('Statistiques');
    await expect(page.locator('.fr-text--lead').first().textContent()).resolves.toMatch(
      /12 derniers mois|du /,
    );
    await expectChartsWithTables(page);
    await expectNoAxeViolations(page, 'statistics, whole network');
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESK.width);

    libraries = await page.locator('input[name="bibliotheque"]').evaluateAll((boxes) =>
      boxes.map((b) => ({
        id: (b as HTMLInputElement).value,
        name: (document.querySelector(`label[for="${b.id}"]`)?.textContent ?? '').trim(),
      })),
    );
    expect(libraries.length).toBeGreaterThanOrEqual(5);

    // A period that ends before it starts: refused next to « au », what was typed kept.
    await page.locator('#champ-periode').selectOption('libre');
    await page.locator('#champ-du').fill('01/06/2026');
    await page.locator('#champ-au').fill('01/03/2026');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).searchParams.get('periode')).toBe('libre');
    await expect(page.locator('#champ-au-message').textContent()).resolves.toContain(
      'La date de fin doit être le même jour que la date de début ou après.',
    );
    await expect(page.locator('#champ-du').inputValue()).resolves.toBe('01/06/2026');
    await expect(page.locator('#champ-au').inputValue()).resolves.toBe('01/03/2026');
    await expect(page.locator('svg[role="img"]').count()).resolves.toBe(0);

    // Two libraries compared over a year: the choice lives in the query string.
    await page.locator('#champ-periode').selectOption('annee');
    await page.locator('#champ-annee').fill('2026');
    await page.locator('details.sesame-statistics-libraries summary').click();
    const [first, second] = libraries;
    await page.locator(`input[name="bibliotheque"][value="${first!.id}"]`).check({ force: true });
    await page.locator(`input[name="bibliotheque"][value="${second!.id}"]`).check({ force: true });
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForLoadState('load');
    const query = new URL(page.url()).searchParams;
    expect(query.get('periode')).toBe('annee');
    expect(query.getAll('bibliotheque').sort()).toEqual([first!.id, second!.id].sort());
    await expect(
      page.locator('details.sesame-statistics-libraries summary').textContent(),
    ).resolves.toContain('Bibliothèques choisies : 2');
    await expectChartsWithTables(page);
    await expectNoAxeViolations(page, 'statistics, two libraries compared');

    // The bookmarked address gives the same page.
    const bookmarked = page.url();
    await page.goto(bookmarked);
    expect(new URL(page.url()).searchParams.getAll('bibliotheque')).toHaveLength(2);

    // A table's CSV carries the same scope.
    const csvHref = await page.locator('a[download][href*="format=csv"]').first().getAttribute('href');
    expect(csvHref).toBeTruthy();
    const csv = await page.request.get(new URL(csvHref!, server.baseUrl).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).length).toBeGreaterThan(10);
    expect(errors).toEqual([]);
  });

  it('library staff on a phone without JavaScript: server-drawn charts, the period form, no other library', async () => {
    expect(libraries.length, 'the first test collects the libraries').toBeGreaterThan(0);
    const { page } = await openPage({ viewport: PHONE, javaScriptEnabled: false });
    await logIn(page, server.librarian.identifier, passwords.librarian, '/admin');
    await page.goto(STATISTICS);
    await expectChartsWithTables(page);
    const csvHref = await page.locator('a[download][href*="format=csv"]').first().getAttribute('href');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await expect(page.locator('.fr-text--lead').first().textContent()).resolves.toContain(
      server.librarian.library,
    );

    // The period picker is a plain GET form.
    await page.locator('#champ-periode').selectOption('trimestre');
    await page.locator('#champ-trimestre').fill('2026-T9');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForLoadState('load');
    await expect(page.locator('#champ-trimestre-message').textContent()).resolves.toContain(
      'AAAA-T1 à AAAA-T4',
    );
    await expect(page.locator('#erreurs').textContent()).resolves.toContain('Trimestre');
    await expect(page.locator('#champ-trimestre').inputValue()).resolves.toBe('2026-T9');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);

    // Another library's figures: not found, nothing of it shown.
    const other = libraries.find((l) => !l.name.includes(server.librarian.library));
    expect(other).toBeTruthy();
    const refused = await page.goto(`${STATISTICS}?bibliotheque=${other!.id}`);
    expect(refused?.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.not.toContain(other!.name);
    // The same library forged into a table's download.
    const forged = new URL(csvHref!, server.baseUrl);
    forged.searchParams.set('bibliotheque', other!.id);
    const csv = await page.request.get(forged.toString());
    expect(csv.status()).toBe(404);
  });
});
