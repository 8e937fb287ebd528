import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, pageFactory, setPasswordThroughLink, strongPassword, text } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The MDO procedure in Chromium, on the real server started with the MDO profile: a library
 * registers a patron without password, the patron sets theirs from the e-mail (read by the
 * network administrator in the outbox, as on a laptop without mail server) under the MDO rule,
 * the library presses "Enregistrer" and the account is active. Axe checks every page.
 */

let server: RunningServer;
let browser: Browser;
const pages = pageFactory(
  () => browser,
  () => server.baseUrl,
);

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env: { SESAME_PROFILE: 'mdo' } }), launchBrowser()]);
});

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await server?.stop();
});

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

async function checked(page: Page, label: string): Promise<void> {
  await expectNoAxeViolations(page, label);
}

/** Registration date + 365 − 1 days, as JJ/MM/AAAA, counted on the Paris calendar. */
function endOfSubscriptionFromToday(): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  const end = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) + 364));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(end.getUTCDate())}/${pad(end.getUTCMonth() + 1)}/${end.getUTCFullYear()}`;
}

describe('MDO: staff registration in a browser', () => {
  it('registers a patron at the library, lets them set their password from the e-mail, then “Enregistrer” makes them active', async () => {
    // Both staff accounts choose their password from the links printed at start.
    const adminPage = await pages.fresh();
    const librarianPage = await pages.fresh();
    const [adminPassword, librarianPassword] = await Promise.all([
      setPasswordThroughLink(adminPage, server.admin.url),
      setPasswordThroughLink(librarianPage, server.librarian.url),
    ]);
    await logIn(librarianPage, server.librarian.identifier, librarianPassword, '/admin');

    // Step 1 of the seed: "Inscription usager ressources numériques".
    const staff = librarianPage;
    await staff.goto('/admin/usagers');
    await staff.getByRole('link', { name: 'Inscrire un usager' }).click();
    await staff.waitForURL((u) => u.pathname === '/admin/usagers/nouveau');
    await expect(text(staff, 'h1')).resolves.toBe('Inscription usager ressources numériques');
    await expect(text(staff, 'main')).resolves.toContain(server.librarian.library);
    await expect(staff.locator('#champ-password').count()).resolves.toBe(0);
    await checked(staff, 'registration form');

    const suffix = randomBytes(3).toString('hex');
    const email = `maelys.${suffix}@exemple.fr`;
    const identifier = `maelys.${suffix}`;
    await staff.locator('#champ-lastName').fill('Le Bihan-Kerjean');
    await staff.locator('#champ-firstName').fill('Maëlys');
    await staff.locator('#champ-birthDate').fill('32/01/2001');
    await staff.locator('#champ-email').fill(email);
    await staff.locator('#champ-identifier').fill(identifier);
    await staff.locator('label[for="champ-newsletter-1"]').click();
    await staff.getByRole('button', { name: 'Inscrire l’usager' }).click();
    // A wrong date: the message next to the field, what was typed kept.
    await staff.locator('#champ-birthDate-message .fr-message--error').waitFor();
    await expect(text(staff, '#champ-birthDate-message')).resolves.toContain('Cette date n’existe pas');
    await expect(staff.locator('#champ-email').inputValue()).resolves.toBe(email);
    await checked(staff, 'registration form with an error');
    await staff.locator('#champ-birthDate').fill('03/02/2001');
    await staff.getByRole('button', { name: 'Inscrire l’usager' }).click();
    await staff.waitForURL((u) => /^\/admin\/usagers\/[0-9a-f-]{36}$/.test(u.pathname));
    const recordPath = pathOf(staff);
    await expect(text(staff, 'main')).resolves.toContain(
      'Un courriel « Définissez votre mot de passe » est parti',
    );
    await expect(text(staff, 'h1')).resolves.toBe('Maëlys Le Bihan-Kerjean');
    await expect(text(staff, 'main')).resolves.toContain('À valider');
    await expect(text(staff, 'main')).resolves.toContain('Adresse non encore vérifiée');
    await checked(staff, 'record of the new patron');

    // The network administrator reads the e-mail in the outbox (no mail server on a laptop).
    await logIn(adminPage, server.admin.identifier, adminPassword, '/admin');
    await adminPage.goto(`/admin/courriels?q=${encodeURIComponent(email)}`);
    await checked(adminPage, 'outbox search');
    await adminPage
      .getByRole('link', { name: /Définissez votre mot de passe/ })
      .first()
      .click();
    await adminPage.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
    await checked(adminPage, 'the set-password e-mail');
    const mailText = await text(adminPage, 'pre');
    expect(mailText).toContain(`Votre identifiant est : ${identifier}`);
    const link = /https?:\/\/\S+\/mot-de-passe\/[A-Za-z0-9_-]+/.exec(mailText)?.[0];
    expect(link, mailText).toBeTruthy();

    // The patron opens the link: the MDO rule is shown; a password missing a class is refused by name.
    const patron = await pages.fresh();
    await patron.goto(new URL(link!).pathname);
    await expect(text(patron, '#champ-password-aide')).resolves.toBe(
      'Au moins 8 caractères, dont une majuscule, une minuscule, un chiffre et un caractère spécial.',
    );
    await checked(patron, 'set-password page');
    await patron.locator('#champ-password').fill('lecture2026');
    await patron.locator('#champ-confirmation').fill('lecture2026');
    await patron.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
    await patron.locator('#champ-password-message .fr-message--error').waitFor();
    await expect(text(patron, '#champ-password-message')).resolves.toBe(
      'Le mot de passe doit contenir une lettre majuscule et un caractère spécial (par exemple ! ? # @ -).',
    );
    await checked(patron, 'set-password page with the rule broken');
    const password = strongPassword();
    await patron.locator('#champ-password').fill(password);
    await patron.locator('#champ-confirmation').fill(password);
    await patron.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
    await patron.waitForURL((u) => u.pathname === '/connexion');
    await expect(text(patron, 'main')).resolves.toContain('Votre mot de passe est enregistré');
    await logIn(patron, identifier, password, '/mon-compte');
    await checked(patron, 'the patron’s temporary account');

    // Step 2 of the seed: the library checks the record and presses "Enregistrer".
    await staff.goto(recordPath);
    await expect(text(staff, 'main')).resolves.toContain('Adresse confirmée le');
    await expect(staff.getByRole('button', { name: 'Renvoyer le lien' }).count()).resolves.toBe(0);
    await staff.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await staff.locator('#champ-membre-message .fr-message--error').waitFor();
    await expect(staff.locator('#erreurs')).toBeTruthy();
    await checked(staff, 'activation without the checks');
    await staff.locator('label[for="champ-membre"]').click();
    await staff.locator('label[for="champ-naissance"]').click();
    await staff.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await staff.waitForURL((u) => u.pathname === recordPath);
    const end = endOfSubscriptionFromToday();
    // Green: "Actif jusqu’au" registration date + 365 − 1 (MDO counts from the registration).
    await expect(text(staff, 'main .fr-badge--success')).resolves.toBe(`Actif jusqu’au ${end}`);
    await checked(staff, 'record of the active patron');

    // The staff tools on the record: a correction (kept in the history), the deletion's warning page.
    await staff.getByRole('link', { name: 'Modifier les informations' }).click();
    await staff.waitForURL((u) => u.pathname === `${recordPath}/modifier`);
    await checked(staff, 'edit page');
    await staff.locator('#champ-firstName').fill('Maëlis');
    await staff.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await staff.waitForURL((u) => u.pathname === recordPath);
    await expect(text(staff, '#historique')).resolves.toContain('Prénom : « Maëlys » → « Maëlis »');
    await staff.getByRole('link', { name: 'Supprimer l’usager' }).click();
    await staff.waitForURL((u) => u.pathname === `${recordPath}/supprimer`);
    await expect(text(staff, 'main')).resolves.toContain('La suppression est définitive');
    await checked(staff, 'deletion confirmation page');

    // "Mes abonnés numériques": the patron is listed among the active ones, in green.
    await staff.goto('/admin/usagers?etat=actifs');
    await expect(text(staff, 'main table')).resolves.toContain('Le Bihan-Kerjean Maëlis');
    await checked(staff, 'list of active patrons');
    expect(server.output()).not.toMatch(/"level":(50|60)/);
  });
});
