import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, pageFactory, setPasswordThroughLink, text } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The NuMos procedure in Chromium, on the real server with its demo network (default profile):
 * a visitor registers online, confirms the address from the e-mail (read by the network
 * administrator in the outbox, as on a laptop without mail server), gets a temporary account,
 * the library accepts the request, and the account is active for a year. Axe checks every page.
 */

let server: RunningServer;
let browser: Browser;
const pages = pageFactory(
  () => browser,
  () => server.baseUrl,
);

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await server?.stop();
});

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Long, with the four classes: meets the rule whatever the network demands. */
function strongPassword(minLength = 12): string {
  const base = `Tilleul-${randomBytes(4).toString('hex')}-26!A`;
  return base.padEnd(Math.max(minLength, base.length), 'x');
}

/** Through the header's button, as a person would: the session ends and the login page says so. */
async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
  await page.waitForURL((u) => u.pathname === '/connexion');
  await expect(text(page, 'main')).resolves.toContain('Vous êtes déconnecté');
}

/** Decision date + 365 − 1 days, as JJ/MM/AAAA, counted on the Paris calendar. */
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

describe('NuMos: self-registration in a browser', () => {
  it('registers a visitor online, confirms the address from the e-mail, and the library’s acceptance makes the account active', async () => {
    const suffix = randomBytes(3).toString('hex');
    const email = `zoe.ndiaye.${suffix}@exemple.fr`;
    const identifier = `zoe.ndiaye.${suffix}`;
    const lastName = 'N’Diaye-Lefèvre';
    const library = server.librarian.library;

    // 1. The visitor opens the form: the password rule is shown before anything is typed.
    const visitor = await pages.fresh();
    const opened = await visitor.goto('/inscription');
    expect(opened!.status()).toBe(200);
    await expect(text(visitor, 'h1')).resolves.toBe('Formulaire d’inscription');
    const rule = await text(visitor, '#champ-password-aide');
    const minLength = Number(/Au moins (\d+) caractères/.exec(rule)?.[1]);
    expect(minLength, `rule in the hint "${rule}"`).toBeGreaterThanOrEqual(8);
    const libraryOption = visitor.locator('#champ-libraryId option', { hasText: library });
    await expect(libraryOption.count()).resolves.toBe(1);
    const libraryId = await libraryOption.getAttribute('value');
    expect(libraryId).toBeTruthy();
    await expectNoAxeViolations(visitor, 'registration form');

    // A date that does not exist and a confirmation that differs: both said next to their field.
    const password = strongPassword(minLength);
    await visitor.locator('#champ-lastName').fill(lastName);
    await visitor.locator('#champ-firstName').fill('Zoé');
    await visitor.locator('#champ-birthDate').fill('31/02/2001');
    await visitor.locator('#champ-email').fill(email);
    await visitor.locator('#champ-identifier').fill(identifier);
    await visitor.locator('#champ-password').fill(password);
    await visitor.locator('#champ-confirmation').fill(`${password}-autre`);
    // The library is found in the searchable list, as a person does with 300 of them.
    await visitor.getByRole('combobox', { name: /Bibliothèque de proximité/ }).fill(library);
    await visitor.getByRole('option', { name: new RegExp(library) }).click();
    await visitor.locator('label[for="champ-newsletter-1"]').click();
    await visitor.getByRole('button', { name: 'Envoyer ma demande d’inscription' }).click();
    await visitor.locator('#champ-birthDate-message .fr-message--error').waitFor();
    expect(pathOf(visitor)).toBe('/inscription');
    await expect(visitor.title()).resolves.toMatch(/^Erreur — Formulaire d’inscription/);
    await expect(text(visitor, '#champ-birthDate-message')).resolves.toContain('Cette date n’existe pas');
    await expect(text(visitor, '#champ-confirmation-message')).resolves.toBe(
      'Les deux mots de passe ne sont pas identiques.',
    );
    await expect(text(visitor, '#erreurs')).resolves.toContain('Le formulaire contient 2 erreurs');
    await expect(visitor.locator('#champ-birthDate').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(visitor.locator('#champ-confirmation').getAttribute('aria-invalid')).resolves.toBe('true');
    // What was typed is kept, except the passwords.
    await expect(visitor.locator('#champ-lastName').inputValue()).resolves.toBe(lastName);
    await expect(visitor.locator('#champ-firstName').inputValue()).resolves.toBe('Zoé');
    await expect(visitor.locator('#champ-birthDate').inputValue()).resolves.toBe('31/02/2001');
    await expect(visitor.locator('#champ-email').inputValue()).resolves.toBe(email);
    await expect(visitor.locator('#champ-identifier').inputValue()).resolves.toBe(identifier);
    await expect(visitor.locator('#champ-libraryId').inputValue()).resolves.toBe(libraryId);
    await expect(visitor.locator('#champ-newsletter-1').isChecked()).resolves.toBe(true);
    await expect(visitor.locator('#champ-password').inputValue()).resolves.toBe('');
    await expect(visitor.locator('#champ-confirmation').inputValue()).resolves.toBe('');
    await expectNoAxeViolations(visitor, 'registration form with errors');

    // Corrected: the page asks to check the mailbox.
    await visitor.locator('#champ-birthDate').fill('14/07/1990');
    await visitor.locator('#champ-password').fill(password);
    await visitor.locator('#champ-confirmation').fill(password);
    await visitor.getByRole('button', { name: 'Envoyer ma demande d’inscription' }).click();
    await visitor.waitForURL((u) => u.pathname === '/inscription/envoyee');
    await expect(text(visitor, 'h1')).resolves.toBe('Vérifiez votre messagerie');
    await expect(text(visitor, 'main')).resolves.toContain('Votre demande a bien été reçue');
    await expectNoAxeViolations(visitor, 'check your mailbox');

    // 2. The network administrator reads the e-mail in the outbox (no mail server on a laptop).
    const admin = await pages.fresh();
    const adminPassword = await setPasswordThroughLink(admin, server.admin.url);
    await logIn(admin, server.admin.identifier, adminPassword, '/admin');
    await admin.goto(`/admin/courriels?q=${encodeURIComponent(email)}`);
    await expectNoAxeViolations(admin, 'outbox search');
    const confirmMail = admin.getByRole('link', { name: /^Confirmez votre inscription/ });
    await expect(confirmMail.count()).resolves.toBe(1);
    await confirmMail.click();
    await admin.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
    await expectNoAxeViolations(admin, 'the confirmation e-mail');
    const mailText = await text(admin, 'pre');
    expect(mailText).toContain('Bonjour Zoé N’Diaye-Lefèvre,');
    expect(mailText).toContain(`l’identifiant ${identifier}`);
    expect(mailText).toContain(library);
    const link = /https?:\/\/\S+\/inscription\/confirmer\/[A-Za-z0-9_-]+/.exec(mailText)?.[0];
    expect(link, mailText).toBeTruthy();
    const confirmPath = new URL(link!).pathname;
    await expect(admin.locator(`pre a[href$="${confirmPath}"]`).count()).resolves.toBe(1);
    await logOut(admin);

    // 3. The visitor follows the link: a temporary account, pending the library's validation.
    const confirmed = await visitor.goto(confirmPath);
    expect(confirmed!.status()).toBe(200);
    await expect(text(visitor, 'h1')).resolves.toBe('Votre inscription est confirmée');
    await expect(text(visitor, 'main')).resolves.toContain(`validée par ${library}`);
    await expectNoAxeViolations(visitor, 'registration confirmed');
    await logIn(visitor, identifier, password, '/mon-compte');
    await expect(text(visitor, 'main .fr-alert__title')).resolves.toBe(
      `Compte temporaire : votre inscription est en attente de validation par ${library}`,
    );
    await expectNoAxeViolations(visitor, 'temporary account');
    await logOut(visitor);

    // 4. The library finds the request in "Validation des inscriptions" and accepts it.
    const staff = await pages.fresh();
    const librarianPassword = await setPasswordThroughLink(staff, server.librarian.url);
    await logIn(staff, server.librarian.identifier, librarianPassword, '/admin');
    await staff.locator('nav#navigation').getByRole('link', { name: 'Validation des inscriptions' }).click();
    await staff.waitForURL((u) => u.pathname === '/admin/usagers');
    await expect(text(staff, 'h1')).resolves.toBe('Validation des inscriptions');
    await expectNoAxeViolations(staff, 'validation queue');
    const row = staff.locator('main table tbody tr', { hasText: email });
    await expect(row.count()).resolves.toBe(1);
    await expect(text(staff, 'main table')).resolves.toContain(identifier);
    await row.getByRole('link', { name: `${lastName} Zoé` }).click();
    await staff.waitForURL((u) => /^\/admin\/usagers\/[0-9a-f-]{36}$/.test(u.pathname));
    const recordPath = pathOf(staff);
    await expect(text(staff, 'h1')).resolves.toBe(`Zoé ${lastName}`);
    await expect(text(staff, '#decision-titre')).resolves.toBe('Que décidez-vous ?');
    await expectNoAxeViolations(staff, 'record of the request');

    await staff.locator('label[for="champ-decision-0"]').click();
    await staff.locator('label[for="champ-membre"]').click();
    await staff.locator('label[for="champ-naissance"]').click();
    await expect(staff.locator('#champ-membre').isChecked()).resolves.toBe(true);
    await expect(staff.locator('#champ-naissance').isChecked()).resolves.toBe(true);
    const end = endOfSubscriptionFromToday();
    const message = staff.locator('#champ-message');
    const prefilled = await message.inputValue();
    expect(prefilled).toContain(end);
    const added = 'Nous vous attendons à la médiathèque pour découvrir les nouveautés.';
    await message.fill(`${prefilled}\n\n${added}`);
    await staff.getByRole('button', { name: 'Valider la décision' }).click();
    await staff.waitForURL((u) => u.pathname === recordPath);
    await expect(text(staff, 'main .fr-alert--success')).resolves.toBe(
      'Demande acceptée : le courriel partira dans 10 minutes (annulation possible d’ici là).',
    );
    await expect(text(staff, '#decision')).resolves.toContain('Décision enregistrée : accepté');
    await expectNoAxeViolations(staff, 'record after the decision');
    await logOut(staff);

    // The e-mail held for the undo delay is exactly the edited text.
    await logIn(admin, server.admin.identifier, adminPassword, '/admin');
    await admin.goto(`/admin/courriels?q=${encodeURIComponent(email)}`);
    const acceptMail = admin.getByRole('link', { name: /est actif$/ });
    await expect(acceptMail.count()).resolves.toBe(1);
    await acceptMail.click();
    await admin.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
    const acceptText = await text(admin, 'pre');
    expect(acceptText).toContain(added);
    expect(acceptText).toContain(end);
    await expectNoAxeViolations(admin, 'the held acceptance e-mail');
    await logOut(admin);

    // 5. The patron's account is active for a year from today.
    await logIn(visitor, identifier, password, '/mon-compte');
    await expect(text(visitor, 'main .fr-badge')).resolves.toBe(`Actif jusqu’au ${end}`);
    await expect(text(visitor, 'main')).resolves.not.toContain('Compte temporaire');
    await expectNoAxeViolations(visitor, 'active account');
    expect(server.output()).not.toMatch(/"level":(50|60)/);
  });
});
