import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Accounts in a demo server driven through its pages: setting a password from a link, logging
 * in, and giving a password to a demo account that has none ("Mot de passe oublié", the link
 * read by the network administrator in "Courriels": the demo has no mail server).
 */

/** Text of the first element matching the selector, spaces collapsed. */
export async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Long, with the four classes: meets the rule whatever the network demands. */
export function strongPassword(): string {
  return `Tilleul-${randomBytes(6).toString('hex')}-2026!A`;
}

export async function setPasswordThroughLink(page: Page, url: string): Promise<string> {
  await page.goto(url);
  const password = strongPassword();
  await page.locator('#champ-password').fill(password);
  await page.locator('#champ-confirmation').fill(password);
  await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await page.waitForURL((u) => u.pathname === '/connexion');
  return password;
}

export async function logIn(page: Page, login: string, password: string, landing: string): Promise<void> {
  await page.goto('/connexion');
  await page.locator('#champ-login').fill(login);
  await page.locator('#champ-password').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === landing);
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
