import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, passwordThroughReset, setPasswordThroughLink, text } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * Every page a person can reach, for each kind of person, on a phone (375 × 812) and at a desk
 * (1280 × 800): from the start page, every same-origin link is followed, breadth first, GET only.
 * Each page must answer, throw no script error, log no console error (a missing file, a refused
 * script), be no wider than the window (axe does not see layout: this test measures it), and
 * pass axe. One page of each kind is enough: links are grouped by their path with ids replaced
 * and their query parameters' names, and each role stops after MAX_PAGES kinds.
 */

const PHONE = { width: 375, height: 812 };
const DESK = { width: 1280, height: 800 };
const MAX_PAGES = 40;
/** A crawl visits up to 2 × MAX_PAGES pages with an axe run each. */
const CRAWL_TIMEOUT_MS = 600_000;

/**
 * Not followed: leaving (logout is a POST anyway), files (exports, CSV templates, JSON data),
 * one-time links from e-mails (following them would use them up or confirm an address), the
 * demo provider and the opening of a document (both count against the monthly quota), operations
 * endpoints.
 */
const SKIPPED =
  /^\/(deconnexion|fournisseur-demo|healthz|readyz|metrics)\b|\/inscription\/confirmer\/|\/mot-de-passe\/|\/renouveler\/|\/ouvrir$|\/mon-compte\/courriel\/|export|telecharg|\.(csv|xlsx|json)$/i;

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const passwords: { admin?: string; librarian?: string; patron?: string } = {};
const PATRON = 'chloe.morin'; // an active patron of the demo network (seed-demo-patrons.ts)

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const page = await freshPage(DESK);
  passwords.admin = await setPasswordThroughLink(page, server.admin.url);
  passwords.librarian = await setPasswordThroughLink(page, server.librarian.url);
  passwords.patron = await passwordThroughReset(page, PATRON, {
    identifier: server.admin.identifier,
    password: passwords.admin!,
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function freshPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, server.baseUrl, { viewport });
  contexts.push(context);
  return context.newPage();
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** One key per kind of page: ids in the path replaced, query values dropped. */
function kindOf(url: URL): string {
  const path = url.pathname
    .split('/')
    .map((segment) => (/^(\d+|[0-9a-f-]{36})$/i.test(segment) ? ':id' : segment))
    .join('/');
  const keys = [...new Set(url.searchParams.keys())].sort().join('&');
  return keys ? `${path}?${keys}` : path;
}

async function linksOf(page: Page): Promise<string[]> {
  const origin = new URL(page.url()).origin;
  const found = await page
    .locator('a[href]')
    .evaluateAll((links) =>
      links.filter((a) => !a.hasAttribute('download')).map((a) => (a as HTMLAnchorElement).href),
    );
  return found
    .map((href) => new URL(href))
    .filter((u) => u.origin === origin && !SKIPPED.test(u.pathname))
    .map((u) => `${u.pathname}${u.search}`);
}

/** Everything wrong with the page now shown, as readable lines (empty when all is well). */
async function problemsOf(page: Page, errors: string[], label: string): Promise<string[]> {
  const problems: string[] = [];
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    window: window.innerWidth,
    // The widest elements sticking out on the right, to say where to look.
    culprits: Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(-3)
      .map((e) => `${e.tagName.toLowerCase()}.${(e.getAttribute('class') ?? '').replace(/ +/g, '.')}`),
  }));
  if (widths.scroll > widths.window)
    problems.push(
      `wider than the window: ${widths.scroll} px for ${widths.window} (${widths.culprits.join(', ')})`,
    );
  try {
    await expectNoAxeViolations(page, label);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  problems.push(...errors);
  return problems;
}

/**
 * Breadth-first from the start page, each page checked at both sizes; fails once with every
 * page's problems. Returns the pages visited.
 */
async function crawl(page: Page, start: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  const seen = new Set<string>([kindOf(new URL(start, server.baseUrl))]);
  const queue = [start];
  const visited: string[] = [];
  const problems: string[] = [];
  while (queue.length > 0 && visited.length < MAX_PAGES) {
    const url = queue.shift()!;
    visited.push(url);
    for (const viewport of [PHONE, DESK]) {
      const label = `${url} at ${viewport.width} px`;
      errors.length = 0;
      await page.setViewportSize(viewport);
      const response = await page.goto(url);
      if (!response || response.status() >= 400) {
        problems.push(`${label}: HTTP ${response?.status()}`);
        break;
      }
      if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) break;
      for (const problem of await problemsOf(page, errors, label)) problems.push(`${label}: ${problem}`);
      if (viewport !== PHONE) continue;
      for (const link of await linksOf(page)) {
        const kind = kindOf(new URL(link, server.baseUrl));
        if (seen.has(kind)) continue;
        seen.add(kind);
        queue.push(link);
      }
    }
  }
  if (problems.length > 0)
    throw new Error(`${problems.length} problem(s) on ${visited.length} pages:\n\n${problems.join('\n\n')}`);
  return visited;
}

describe('Every page, on a phone and at a desk', () => {
  it(
    'for a visitor',
    async () => {
      const page = await freshPage(PHONE);
      const visited = await crawl(page, '/');
      console.info(`Visitor: ${visited.length} pages: ${visited.join(' ')}`);
      expect(visited).toEqual(expect.arrayContaining(['/connexion', '/bibliotheques', '/aide']));
    },
    CRAWL_TIMEOUT_MS,
  );

  it(
    'for an active patron',
    async () => {
      const page = await freshPage(PHONE);
      await logIn(page, PATRON, passwords.patron!, '/mon-compte');
      const visited = await crawl(page, '/mon-compte');
      console.info(`Patron: ${visited.length} pages: ${visited.join(' ')}`);
      expect(visited).toEqual(expect.arrayContaining(['/ressources']));
      expect(pathOf(page), 'the session held through the crawl').not.toBe('/connexion');
    },
    CRAWL_TIMEOUT_MS,
  );

  it(
    'for the staff of one library',
    async () => {
      const page = await freshPage(PHONE);
      await logIn(page, server.librarian.identifier, passwords.librarian!, '/admin');
      const visited = await crawl(page, '/admin');
      console.info(`Library staff: ${visited.length} pages: ${visited.join(' ')}`);
      expect(visited).toEqual(expect.arrayContaining(['/admin/usagers', '/admin/bibliotheques']));
      expect(visited.some((url) => /^\/admin\/usagers\/[0-9a-f-]{36}$/.test(url))).toBe(true);
    },
    CRAWL_TIMEOUT_MS,
  );

  it(
    'for the network administrator',
    async () => {
      const page = await freshPage(PHONE);
      await logIn(page, server.admin.identifier, passwords.admin!, '/admin');
      const visited = await crawl(page, '/admin');
      console.info(`Administrator: ${visited.length} pages: ${visited.join(' ')}`);
      expect(visited).toEqual(
        expect.arrayContaining(['/admin/usagers', '/admin/courriels', '/admin/parametres']),
      );
    },
    CRAWL_TIMEOUT_MS,
  );
});

/** The burger button, once the DSFR script runs (it marks the root with data-fr-js). */
async function openMenu(page: Page): Promise<void> {
  await page.locator('html[data-fr-js="true"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.locator('#menu-principal.fr-modal--opened').waitFor();
}

describe('The header on a phone', () => {
  it('shows a visitor "Se connecter" behind the menu button', async () => {
    const page = await freshPage(PHONE);
    await page.goto('/');
    // The header's link (the home page's own "Se connecter" button is another way in).
    const login = page.locator('header').getByRole('link', { name: 'Se connecter' });
    await expect(login.isVisible()).resolves.toBe(false);
    await openMenu(page);
    await login.waitFor({ state: 'visible' });
    await expect(page.getByRole('link', { name: 'Bibliothèques' }).first().isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page, 'menu open on a phone');
    await login.click();
    await page.waitForURL((u) => u.pathname === '/connexion');
  });

  it('lays the menu out in the page when JavaScript is off', async () => {
    const context = await newContext(browser, server.baseUrl, { viewport: PHONE, javaScriptEnabled: false });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Menu' }).isVisible()).resolves.toBe(false);
    await page.locator('header').getByRole('link', { name: 'Se connecter' }).click();
    await page.waitForURL((u) => u.pathname === '/connexion');
    // (No axe here: it runs as a script in the page, which is off.)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  it('lets a patron log out from the menu', async () => {
    const page = await freshPage(PHONE);
    await logIn(page, PATRON, passwords.patron!, '/mon-compte');
    const logout = page.getByRole('button', { name: 'Se déconnecter' });
    await expect(logout.isVisible()).resolves.toBe(false);
    await openMenu(page);
    await logout.waitFor({ state: 'visible' });
    await logout.click();
    await page.waitForURL((u) => u.pathname === '/connexion');
    await expect(text(page, 'main')).resolves.toContain('Vous êtes déconnecté');
    await page.goto('/mon-compte');
    expect(pathOf(page)).toBe('/connexion');
  });
});

describe('Opening a counted document from outside Sésame, on a phone', () => {
  it("asks first, and counts only on the patron's confirmation", async () => {
    const page = await freshPage(PHONE);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, PATRON, passwords.patron!, '/mon-compte');
    await page.goto('/ressources');
    const href = await page.locator('#forfait a[href*="/ouvrir?document="]').first().getAttribute('href');
    expect(href, 'a counted document in the catalog').toBeTruthy();
    // A bookmark, an e-mail or another site's link: the browser says Sec-Fetch-Site: none.
    await page.goto(href!);
    expect(pathOf(page)).toMatch(/^\/ressources\/[^/]+\/ouvrir$/);
    const question = await text(page, '[data-confirmation="forfait"]');
    const before = /il vous en restera (\d+)/.exec(question);
    expect(question).toMatch(/^Ouvrir ce .+ utilisera 1 de vos \d+ /);
    expect(before, question).not.toBeNull();
    await expectNoAxeViolations(page, 'opening confirmation on a phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Coming back without confirming spends nothing: the same question, the same count.
    await page.getByRole('link', { name: 'Retour au catalogue' }).click();
    await page.goto(href!);
    await expect(text(page, '[data-confirmation="forfait"]')).resolves.toBe(question);
    await page.getByRole('button', { name: 'Ouvrir' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/fournisseur-demo/'));
    // The same document again this month is not counted again: no question.
    await page.goto(href!);
    await page.waitForURL((u) => u.pathname.startsWith('/fournisseur-demo/'));
    // Another document of the same resource: one unit fewer left than before.
    await page.goto('/ressources');
    const resourcePath = href!.slice(0, href!.indexOf('?'));
    const others = await page
      .locator(`#forfait a[href^="${resourcePath}?document="]`)
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const other = others.find((h) => h !== href);
    expect(other, 'a second document of the same resource').toBeTruthy();
    await page.goto(other!);
    const after = /il vous en restera (\d+)/.exec(await text(page, '[data-confirmation="forfait"]'));
    expect(Number(after?.[1])).toBe(Number(before![1]) - 1);
    expect(errors).toEqual([]);
  });
});

describe('The list of patrons at a desk', () => {
  it('shows each state in full and each name on at most two lines', async () => {
    const page = await freshPage(DESK);
    await logIn(page, server.admin.identifier, passwords.admin!, '/admin');
    await page.goto('/admin/usagers?etat=tous');
    const rows = page.locator('main table tbody tr');
    expect(await rows.count(), 'patrons listed').toBeGreaterThan(3);
    const layout = await page.locator('main table').evaluate((table) => {
      const box = table.closest('.fr-table__content') ?? table.parentElement!;
      const lines = (e: Element) => {
        const height = e.getBoundingClientRect().height;
        const lineHeight = Number.parseFloat(getComputedStyle(e).lineHeight);
        return Math.round(height / lineHeight);
      };
      return {
        tableWidth: table.getBoundingClientRect().width,
        boxWidth: box.getBoundingClientRect().width,
        badges: Array.from(table.querySelectorAll('.fr-badge')).map((b) => ({
          text: b.textContent ?? '',
          cut: b.scrollWidth > b.clientWidth,
        })),
        names: Array.from(table.querySelectorAll('tbody tr td:first-child a, tbody tr th a')).map((a) => ({
          text: a.textContent ?? '',
          lines: lines(a),
        })),
      };
    });
    expect(layout.tableWidth, 'the table fits its box: nothing to scroll').toBeLessThanOrEqual(
      layout.boxWidth + 0.5,
    );
    expect(layout.badges.length).toBeGreaterThan(3);
    expect(layout.badges.filter((b) => b.cut)).toEqual([]);
    expect(layout.names.length).toBeGreaterThan(3);
    expect(layout.names.filter((n) => n.lines > 2)).toEqual([]);
  });
});
