import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, pageFactory, setPasswordThroughLink, text } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The under-12 journey in Chromium, on the real server with its demo catalog (MDO profile, so
 * the library registers the child): the child lands on the under-12 space, opens a story and a
 * cartoon through the demo provider, sees what is left of the month's quota, and a film for
 * 16 and over is refused even when forced by its address. Axe checks every page.
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

/** A birth date (JJ/MM/AAAA) making the child 8 today in Paris. */
function eightYearsAgo(): string {
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
  return `${parts.day === '29' && parts.month === '02' ? '28' : parts.day}/${parts.month}/${Number(parts.year) - 8}`;
}

describe('under-12 space in a browser', () => {
  it('lands a child on the under-12 space, opens through the demo provider, refuses a 16+ film', async () => {
    const adminPage = await pages.fresh();
    const staff = await pages.fresh();
    const [adminPassword, librarianPassword] = await Promise.all([
      setPasswordThroughLink(adminPage, server.admin.url),
      setPasswordThroughLink(staff, server.librarian.url),
    ]);
    await logIn(adminPage, server.admin.identifier, adminPassword, '/admin');
    await logIn(staff, server.librarian.identifier, librarianPassword, '/admin');

    // The library registers the child (MDO), who sets a password from the e-mail.
    await staff.goto('/admin/usagers/nouveau');
    const suffix = randomBytes(3).toString('hex');
    const email = `lou.${suffix}@exemple.fr`;
    const identifier = `lou.${suffix}`;
    await staff.locator('#champ-lastName').fill('N’Diaye-Lefèvre');
    await staff.locator('#champ-firstName').fill('Lou');
    await staff.locator('#champ-birthDate').fill(eightYearsAgo());
    await staff.locator('#champ-email').fill(email);
    await staff.locator('#champ-identifier').fill(identifier);
    await staff.locator('label[for="champ-newsletter-1"]').click();
    await staff.getByRole('button', { name: 'Inscrire l’usager' }).click();
    await staff.waitForURL((u) => /^\/admin\/usagers\/[0-9a-f-]{36}$/.test(u.pathname));
    const recordPath = new URL(staff.url()).pathname;

    await adminPage.goto(`/admin/courriels?q=${encodeURIComponent(email)}`);
    await adminPage
      .getByRole('link', { name: /Définissez votre mot de passe/ })
      .first()
      .click();
    await adminPage.waitForURL((u) => /^\/admin\/courriels\/\d+$/.test(u.pathname));
    const link = /https?:\/\/\S+\/mot-de-passe\/[A-Za-z0-9_-]+/.exec(await text(adminPage, 'pre'))?.[0];
    expect(link).toBeTruthy();
    const child = await pages.fresh();
    const password = await setPasswordThroughLink(child, new URL(link!).pathname);

    // The library activates the account after its two checks.
    await staff.goto(recordPath);
    await staff.locator('label[for="champ-membre"]').click();
    await staff.locator('label[for="champ-naissance"]').click();
    await staff.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await staff.waitForURL((u) => u.pathname === recordPath);

    // The 16+ film's address, as a forged link would carry it.
    await adminPage.goto('/admin/ressources');
    await expectNoAxeViolations(adminPage, 'catalog administration');
    const matureHref = await adminPage.getByRole('link', { name: 'Frissons (films)' }).getAttribute('href');
    const matureId = matureHref!.split('/').pop()!;
    await adminPage.goto(matureHref!);
    await expectNoAxeViolations(adminPage, 'resource edit form');
    await adminPage.goto('/admin/ressources/nouvelle');
    await adminPage.getByRole('button', { name: 'Ajouter la ressource' }).click();
    await adminPage.locator('#erreurs').waitFor();
    await expectNoAxeViolations(adminPage, 'resource form with errors');
    await adminPage.goto('/admin');
    await expect(text(adminPage, '#licences-plafonds')).resolves.toContain('Comptes usagers');
    await expectNoAxeViolations(adminPage, 'dashboard with licences and caps');

    // An anonymous visitor sees the free resources and the invitation to register.
    const visitor = await pages.fresh();
    await visitor.goto('/ressources');
    await expect(text(visitor, 'main')).resolves.toContain('S’inscrire');
    await expectNoAxeViolations(visitor, 'catalog for a visitor');

    // The child: the catalog leads to the under-12 space.
    await logIn(child, identifier, password, '/mon-compte');
    await child.goto('/ressources');
    await child.waitForURL((u) => u.pathname === '/ressources/jeunesse');
    await expect(text(child, 'h1')).resolves.toBe('Espace jeunesse');
    await expect(text(child, 'main')).resolves.toContain('Histoires animées');
    await expect(text(child, 'main')).resolves.not.toContain('Frissons');
    await expectNoAxeViolations(child, 'under-12 space');

    // A story (Accès libre), through the demo provider's signed link.
    await child.getByRole('link', { name: /Le Hibou qui voulait la lune/ }).click();
    await child.waitForURL((u) => u.pathname.startsWith('/fournisseur-demo/'));
    await expect(text(child, 'h1')).resolves.toBe('Le Hibou qui voulait la lune');
    await expect(text(child, 'main')).resolves.toContain('Aucune donnée personnelle');
    await expectNoAxeViolations(child, 'demo provider');

    // A cartoon (Forfait, films): counted in this month's quota.
    await child.goto('/ressources/jeunesse');
    await child.getByRole('link', { name: /La Petite Baleine bleue/ }).click();
    await child.waitForURL((u) => u.pathname.startsWith('/fournisseur-demo/'));
    await child.goto('/mon-compte');
    await expect(text(child, '#quotas')).resolves.toContain('1 sur');
    await expect(text(child, '#consultations')).resolves.toContain('La Petite Baleine bleue');
    await expectNoAxeViolations(child, 'Mon compte with quotas');

    // The whole catalog, within the child's age; the 16+ film is refused if forced.
    await child.goto('/ressources?tout=1');
    await expect(text(child, 'main')).resolves.not.toContain('Frissons');
    await expectNoAxeViolations(child, 'catalog for a child');
    const refused = await child.goto(`/ressources/${matureId}/ouvrir?document=cave-muette`);
    expect(refused!.status()).toBe(403);
    await expect(text(child, 'main')).resolves.toContain('Contenu réservé aux 16 ans et plus');
    await expectNoAxeViolations(child, 'refusal page');
    expect(server.output()).not.toMatch(/"level":(50|60)/);
  });
});
