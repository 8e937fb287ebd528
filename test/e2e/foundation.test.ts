import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LIBRARIES } from '../../src/usecases/network/seed-demo.js';
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The foundation as people meet it: the real server started with its demo network, in Chromium,
 * with an axe check (WCAG 2.1 A/AA) on every page visited. Pages are found from the navigation
 * menu, so every page added to the menu is covered without touching this file.
 */

const FOOTER_PAGES = [
  '/aide',
  '/bibliotheques',
  '/accessibilite',
  '/mentions-legales',
  '/donnees-personnelles',
];

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Set once the admin's link has been used, whichever test used it first. */
let adminPassword: string | null = null;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function freshPage(options: Parameters<typeof newContext>[2] = {}): Promise<Page> {
  const context = await newContext(browser, server.baseUrl, options);
  contexts.push(context);
  return context.newPage();
}

/** A password meeting the rule whatever the network demands: long, with all four classes. */
function strongPassword(minLength: number): string {
  const base = `Tilleul-${randomBytes(6).toString('hex')}-2026!A`;
  return base.padEnd(Math.max(minLength, base.length), 'x');
}

/** The text of the first match, whitespace collapsed, hidden parts included (stricter for "not shown"). */
async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Opens a page, checks it answers, has a main title, and passes axe. */
async function visit(page: Page, url: string, options: { signedIn?: boolean } = {}): Promise<void> {
  const response = await page.goto(url);
  expect(response, url).not.toBeNull();
  expect(response!.status(), `HTTP status of ${url}`).toBeLessThan(400);
  if (options.signedIn) expect(pathOf(page), `${url} kept the session`).not.toBe('/connexion');
  expect(await page.locator('h1').count(), `<h1> on ${url}`).toBeGreaterThanOrEqual(1);
  await expect(text(page, 'h1')).resolves.not.toBe('');
  await expectNoAxeViolations(page, url);
}

async function menuLinks(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('nav#navigation a[href]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs.filter((h) => h.startsWith('/') && !h.startsWith('//')))];
}

/** Same-site pages only: no other origin, no file download (CSV/Excel exports, templates). */
function isPageLink(href: string, download: boolean): boolean {
  return (
    href.startsWith('/') &&
    !href.startsWith('//') &&
    !download &&
    !/export|\.csv|\.xlsx|telecharg/i.test(href)
  );
}

/**
 * The first-level pages a menu page leads to: the first link of each table (one detail page per
 * list) and, outside tables, every link below the menu page's own path (…/nouveau, …/import).
 */
async function firstLevelLinks(page: Page, menuHref: string): Promise<string[]> {
  const found = await page.locator('main').evaluate((main) => {
    const tables = Array.from(main.querySelectorAll('table'));
    return Array.from(main.querySelectorAll('a[href]')).map((a) => {
      const table = a.closest('table');
      return {
        href: a.getAttribute('href') ?? '',
        download: a.hasAttribute('download'),
        inTable: table !== null,
        table: table ? tables.indexOf(table) : -1,
      };
    });
  });
  const below = `${menuHref.replace(/\/$/, '')}/`;
  const pages = found.filter((l) => isPageLink(l.href, l.download));
  const firstOfTables = [...new Set(pages.filter((l) => l.inTable).map((l) => l.table))].map(
    (t) => pages.find((l) => l.table === t)!.href,
  );
  const subPages = pages.filter((l) => !l.inTable && l.href.startsWith(below)).map((l) => l.href);
  return [...new Set([...firstOfTables, ...subPages])];
}

/**
 * Visits every menu page (plus `also`), then the first-level pages they link to, and fails
 * once with every page's problem rather than at the first one. Returns the pages visited.
 */
async function crawlMenu(page: Page, options: { signedIn: boolean; also?: string[] }): Promise<string[]> {
  const visited = new Set<string>();
  const problems: string[] = [];
  const check = async (url: string): Promise<boolean> => {
    if (visited.has(url)) return false;
    visited.add(url);
    try {
      await visit(page, url, { signedIn: options.signedIn });
      return true;
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  const details: string[] = [];
  for (const url of [...(await menuLinks(page)), ...(options.also ?? [])])
    if (await check(url)) details.push(...(await firstLevelLinks(page, url)));
  for (const url of details) await check(url);
  if (problems.length > 0)
    throw new Error(`${problems.length} page(s) out of ${visited.size} failed:\n\n${problems.join('\n\n')}`);
  return [...visited];
}

/** Uses a set-password link with a good password; returns the password. */
async function setPasswordThroughLink(page: Page, url: string): Promise<string> {
  await page.goto(url);
  const hint = await text(page, '#champ-password-aide');
  const password = strongPassword(Number(/(\d+) caractères/.exec(hint)?.[1] ?? 12));
  await page.locator('#champ-password').fill(password);
  await page.locator('#champ-confirmation').fill(password);
  await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await page.waitForURL((u) => u.pathname === '/connexion');
  return password;
}

async function ensureAdminPassword(): Promise<string> {
  if (!adminPassword) adminPassword = await setPasswordThroughLink(await freshPage(), server.admin.url);
  return adminPassword;
}

async function logIn(page: Page, login: string, password: string): Promise<void> {
  if (pathOf(page) !== '/connexion') await page.goto('/connexion');
  await page.locator('#champ-login').fill(login);
  await page.locator('#champ-password').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === '/admin');
}

describe('Sésame in a browser', () => {
  it('takes the administrator from the printed link to every page of the menu and out again', async () => {
    const page = await freshPage();

    // The link printed at start asks for a password, and says the rule before anything is typed.
    await visit(page, server.admin.url);
    await expect(text(page, 'h1')).resolves.toBe('Choisir votre mot de passe');
    const hint = await text(page, '#champ-password-aide');
    const minLength = Number(/Au moins (\d+) caractères/.exec(hint)?.[1]);
    expect(minLength, `rule in the hint "${hint}"`).toBeGreaterThan(4);

    // Too short: the French message sits next to the field, which is marked invalid.
    await page.locator('#champ-password').fill('Court1!');
    await page.locator('#champ-confirmation').fill('Court1!');
    await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
    const message = page.locator('#champ-password-message .fr-message--error');
    await message.waitFor();
    await expect(text(page, '#champ-password-message')).resolves.toContain(
      `au moins ${minLength} caractères`,
    );
    await expect(page.locator('#champ-password').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#champ-password').inputValue()).resolves.toBe('');
    await expect(text(page, '#erreurs')).resolves.toContain('Le mot de passe doit contenir');
    await expectNoAxeViolations(page, 'password rule broken');

    // A good password, confirmed: back to the login page with the good news.
    const password = strongPassword(minLength);
    await page.locator('#champ-password').fill(password);
    await page.locator('#champ-confirmation').fill(password);
    await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
    await page.waitForURL((u) => u.pathname === '/connexion');
    adminPassword = password;
    await expect(text(page, 'main')).resolves.toContain('Votre mot de passe est enregistré');
    await expectNoAxeViolations(page, '/connexion after setting the password');

    await logIn(page, server.admin.identifier, password);
    await expect(text(page, 'h1')).resolves.toContain('Bonjour');

    const menu = await menuLinks(page);
    expect(menu).toContain('/admin');
    expect(menu.length, `menu of the administrator: ${menu.join(', ')}`).toBeGreaterThan(1);
    const visited = await crawlMenu(page, { signedIn: true, also: FOOTER_PAGES });
    console.info(`Administrator: ${visited.length} pages checked: ${visited.join(' ')}`);
    for (const url of [...menu, ...FOOTER_PAGES]) expect(visited).toContain(url);

    // The form that corrects a staff account, as it opens and with its errors, passes axe too.
    await visit(page, '/admin/comptes', { signedIn: true });
    const account = await page.locator('main table a[href^="/admin/comptes/"]').first().getAttribute('href');
    await visit(page, `${account}/modifier`, { signedIn: true });
    await page.fill('#champ-name', '');
    await page.fill('#champ-email', 'pas-une-adresse');
    // The browser's own checks off: the server's French messages are what is tested.
    await page
      .locator('main form')
      .last()
      .evaluate((f) => {
        (f as HTMLFormElement).noValidate = true;
      });
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForSelector('#champ-name-message .fr-message--error');
    await expect(text(page, 'main')).resolves.toContain('Saisissez le nom de la personne.');
    await expect(page.inputValue('#champ-email')).resolves.toBe('pas-une-adresse');
    await expectNoAxeViolations(page, `${account}/modifier with errors`);

    // Logging out really ends the session.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((u) => u.pathname === '/connexion');
    await expect(text(page, 'main')).resolves.toContain('Vous êtes déconnecté');
    await page.goto('/admin');
    expect(pathOf(page)).toBe('/connexion');
    await expect(page.locator('#champ-login').isVisible()).resolves.toBe(true);

    // What a visitor sees, signed out.
    const visitor = await crawlMenu(page, { signedIn: false });
    console.info(`Visitor: ${visitor.length} pages checked: ${visitor.join(' ')}`);
    // 58 pages with their accessibility checks: 108–111 s alone on a slow day of this 2-core
    // machine, too close to the project's 120 s.
  }, 300_000);

  it('refuses a set-password link the second time, and offers to ask for a new one', async () => {
    await ensureAdminPassword();
    const page = await freshPage();
    const response = await page.goto(server.admin.url);
    expect(response!.status()).toBe(410);
    await expect(text(page, 'main')).resolves.toContain('Ce lien a déjà servi');
    await expect(page.locator('#champ-password').count()).resolves.toBe(0);
    const askAgain = page.getByRole('link', { name: 'Recevoir un nouveau lien' });
    await expect(askAgain.getAttribute('href')).resolves.toBe('/mot-de-passe-oublie');
    await expectNoAxeViolations(page, 'used link');
    await askAgain.click();
    await page.waitForURL((u) => u.pathname === '/mot-de-passe-oublie');
    await expectNoAxeViolations(page, '/mot-de-passe-oublie');
  });

  it('shows library staff their own library only, and a French refusal on network pages', async () => {
    const { librarian } = server;
    expect(librarian.identifier).toMatch(/^52\d{5}$/);
    const page = await freshPage();
    const password = await setPasswordThroughLink(page, librarian.url);
    await logIn(page, librarian.identifier, password);

    const menu = await menuLinks(page);
    expect(menu).toContain('/admin/bibliotheques');
    expect(menu).not.toContain('/admin/parametres');
    const visited = await crawlMenu(page, { signedIn: true });
    console.info(`Library staff: ${visited.length} pages checked: ${visited.join(' ')}`);

    await visit(page, '/admin/bibliotheques', { signedIn: true });
    const main = await text(page, 'main');
    expect(main).toContain(librarian.library);
    for (const other of DEMO_LIBRARIES.filter((l) => l.name !== librarian.library))
      expect(main, `another library shown to ${librarian.identifier}`).not.toContain(other.name);

    const refused = await page.goto('/admin/parametres');
    expect(refused!.status()).toBe(403);
    await expect(text(page, 'h1')).resolves.toBe('Accès refusé');
    await expectNoAxeViolations(page, '403 on /admin/parametres');
  });

  it('lets staff log in with JavaScript turned off', async () => {
    const password = await ensureAdminPassword();
    const page = await freshPage({ javaScriptEnabled: false });
    await page.goto('/admin');
    expect(pathOf(page)).toBe('/connexion');

    // A wrong password first: the plain form answers with the message next to the field.
    await page.locator('#champ-login').fill(server.admin.identifier);
    await page.locator('#champ-password').fill('pas-le-bon-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#champ-login-message .fr-message--error').waitFor();
    await expect(text(page, '#champ-login-message')).resolves.toContain(
      'Identifiant ou mot de passe incorrect',
    );
    await expect(page.locator('#champ-login').inputValue()).resolves.toBe(server.admin.identifier);

    await page.locator('#champ-password').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    // Back to the page first asked for, through the ?suite= parameter.
    await page.waitForURL((u) => u.pathname === '/admin');
    await expect(text(page, 'h1')).resolves.toContain('Bonjour');
    await expect(page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).resolves.toBe(true);
  });

  it('answers an unknown address with a French, accessible 404 page', async () => {
    const page = await freshPage();
    const response = await page.goto('/cette-page-nexiste-pas');
    expect(response!.status()).toBe(404);
    await expect(text(page, 'h1')).resolves.toBe('Page non trouvée');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
    await expect(page.getByRole('link', { name: 'Retour à l’accueil' }).getAttribute('href')).resolves.toBe(
      '/',
    );
    await expectNoAxeViolations(page, '404');
  });
});
