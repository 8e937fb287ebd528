import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { newContext } from './browser.js';

/**
 * The steps every browser journey takes to get people logged in on the demo network: fresh
 * pages, a password chosen through an e-mailed link, the login form, and a demo patron's
 * password through "mot de passe oublié" (the link read by the administrator in the outbox).
 */

/** Fresh pages, each in its own context (no cookies shared), all closed by `closeAll`. */
export function pageFactory(browser: () => Browser, baseUrl: () => string) {
  const contexts: BrowserContext[] = [];
  return {
    async fresh(options: BrowserContextOptions = {}): Promise<Page> {
      const context = await newContext(browser(), baseUrl(), options);
      contexts.push(context);
      return context.newPage();
    },
    async closeAll(): Promise<void> {
      for (const context of contexts) await context.close().catch(() => {});
    },
  };
}

/** The text of the first element matching `selector`, spaces collapsed. */
export async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Long, with the four classes: meets the rule whatever the network demands. */
export const strongPassword = () => `Tilleul-${randomBytes(4).toString('hex')}-26!A`;

/** Chooses a password through a set-password link; the page ends on the login form. */
export async function setPasswordThroughLink(page: Page, url: string): Promise<string> {
  await page.goto(url);
  const password = strongPassword();
  await page.locator('#champ-password').fill(password);
  await page.locator('#champ-confirmation').fill(password);
  await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await page.waitForURL((u) => u.pathname === '/connexion');
  return password;
}

/** Logs in through the form and waits for `landing`. */
export async function logIn(page: Page, login: string, password: string, landing: string): Promise<void> {
  await page.goto('/connexion');
  await page.locator('#champ-login').fill(login);
  await page.locator('#champ-password').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === landing);
}

/**
 * A demo patron (no password yet) asks for a reset link on `patron`; the network administrator,
 * logged in on `admin`, reads it in the outbox; the patron sets a password with it.
 */
export async function patronPasswordThroughReset(patron: Page, admin: Page, login: string): Promise<string> {
  await patron.goto('/mot-de-passe-oublie');
  await patron.locator('#champ-login').fill(login);
  await patron.getByRole('button', { name: 'Recevoir un lien' }).click();
  await patron.waitForLoadState('load');
  await admin.goto(`/admin/courriels?q=${encodeURIComponent(login)}`);
  await admin.getByRole('link', { name: /^Réinitialisation de votre mot de passe/ }).click();
  await admin.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
  const link = /https?:\/\/\S+\/mot-de-passe\/[A-Za-z0-9_-]+/.exec(await text(admin, 'pre'))?.[0];
  expect(link, 'reset link in the e-mail').toBeTruthy();
  return setPasswordThroughLink(patron, new URL(link!).pathname);
}

/** Opens the newest e-mail "Courriels" finds for `query` whose subject starts with `subject`. */
export async function openMail(page: Page, query: string, subject: RegExp): Promise<string> {
  await page.goto(`/admin/courriels?q=${encodeURIComponent(query)}`);
  await page.getByRole('link', { name: subject }).first().click();
  await page.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
  return text(page, 'pre');
}

/**
 * A demo account without a password (patron or staff): "Mot de passe oublié", the link read by
 * the administrator (whose password is given), then the new password set. Ends logged out.
 */
export async function passwordThroughReset(
  page: Page,
  login: string,
  admin: { identifier: string; password: string },
  /** What finds the e-mail in "Courriels" (its address); the login by default. */
  mailQuery = login,
): Promise<string> {
  await page.goto('/mot-de-passe-oublie');
  await page.locator('#champ-login').fill(login);
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  await page.waitForLoadState('load');
  await logIn(page, admin.identifier, admin.password, '/admin');
  const mail = await openMail(page, mailQuery, /^(Réinitialisation de votre|Définissez votre) mot de passe/);
  const link = /https?:\/\/\S+\/mot-de-passe\/[A-Za-z0-9_-]+/.exec(mail)?.[0];
  expect(link, 'reset link in the e-mail').toBeTruthy();
  await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
  await page.waitForURL((u) => u.pathname === '/connexion');
  return setPasswordThroughLink(page, new URL(link!).pathname);
}
