import net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, pageFactory, setPasswordThroughLink, text } from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The ILS lookup of the staff registration form in Chromium with JavaScript off, on the real
 * server (MDO profile: libraries register patrons): the network administrator gives the
 * library's ILS (a scripted SIP2 double run by the test), the librarian types a card number,
 * presses « Rechercher dans le système de la bibliothèque » with the required fields still empty,
 * gets the form back filled, and registers the patron. Axe (which needs JavaScript to run) checks
 * the form in both states in a second window with JavaScript on.
 */

const ANSWER =
  '64              00220261123    090000000000000000000000000000AOBIB|AA0123456789|AEDURAND, Élodie|BLY|BW20271015    000000|PB19850304|BEelodie.durand@exemple.fr|';

let server: RunningServer;
let browser: Browser;
let ils: net.Server;
let ilsPort: number;
const asked: string[] = [];
const pages = pageFactory(
  () => browser,
  () => server.baseUrl,
);

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env: { SESAME_PROFILE: 'mdo' } }), launchBrowser()]);
  ils = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const request of chunk.split('\r').filter(Boolean)) {
        if (request.startsWith('93')) socket.write('941\r');
        else {
          asked.push(/\|AA([^|]*)\|/.exec(request)?.[1] ?? '');
          socket.write(`${ANSWER}\r`);
        }
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((done) => ils.listen(0, '127.0.0.1', done));
  ilsPort = (ils.address() as net.AddressInfo).port;
}, 180_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  ils?.close();
  await server?.stop();
});

describe('ILS lookup on the staff registration form, without JavaScript', () => {
  it('fills the form from the library’s system, keeps what was typed, then registers', async () => {
    const admin = await pages.fresh();
    const librarian = await pages.fresh({ javaScriptEnabled: false });
    const [adminPassword, librarianPassword] = await Promise.all([
      setPasswordThroughLink(admin, server.admin.url),
      setPasswordThroughLink(librarian, server.librarian.url),
    ]);
    await logIn(admin, server.admin.identifier, adminPassword, '/admin');
    await logIn(librarian, server.librarian.identifier, librarianPassword, '/admin');

    // The network administrator gives the library's ILS.
    await admin.goto('/admin/bibliotheques');
    await admin.getByRole('link', { name: server.librarian.library }).first().click();
    await admin.waitForURL((u) => /^\/admin\/bibliotheques\/[0-9a-f-]{36}$/.test(u.pathname));
    await admin.goto(`${new URL(admin.url()).pathname}/sigb`);
    await admin.locator('#champ-hote').fill('127.0.0.1');
    await admin.locator('#champ-port').fill(String(ilsPort));
    await admin.locator('#champ-identifiant').fill('sesame');
    await admin.locator('#champ-motdepasse').fill('secret-du-sigb');
    await admin.locator('#champ-localisation').fill('BIB');
    await admin.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await admin.waitForLoadState('load');
    expect(await admin.locator('#champ-hote').inputValue()).toBe('127.0.0.1');

    await librarian.goto('/admin/usagers/nouveau');
    await librarian.locator('#champ-identifier').fill('elodie.d');
    await librarian.locator('#champ-cardNumber').fill('0123456789');
    // The name fields are required and empty: the lookup button still submits (formnovalidate).
    await librarian.getByRole('button', { name: 'Rechercher dans le système de la bibliothèque' }).click();
    await librarian.waitForLoadState('load');
    expect(asked).toEqual(['0123456789']);
    expect(await librarian.locator('#champ-lastName').inputValue()).toBe('DURAND');
    expect(await librarian.locator('#champ-firstName').inputValue()).toBe('Élodie');
    expect(await librarian.locator('#champ-birthDate').inputValue()).toBe('04/03/1985');
    expect(await librarian.locator('#champ-email').inputValue()).toBe('elodie.durand@exemple.fr');
    expect(await librarian.locator('#champ-identifier').inputValue()).toBe('elodie.d');
    expect(await text(librarian, '#champ-cardNumber-sigb')).toContain(
      'Adhérent actif jusqu’au 15/10/2027 selon le système de la bibliothèque',
    );

    await librarian.locator('label[for="champ-newsletter-1"]').click();
    await librarian.getByRole('button', { name: 'Inscrire l’usager' }).click();
    await librarian.waitForURL((u) => /^\/admin\/usagers\/[0-9a-f-]{36}$/.test(u.pathname));
    expect(await text(librarian, 'h1')).toContain('DURAND');

    // The same form with JavaScript on, for axe: before and after a lookup.
    const checked = await pages.fresh();
    await logIn(checked, server.librarian.identifier, librarianPassword, '/admin');
    await checked.goto('/admin/usagers/nouveau');
    await expectNoAxeViolations(checked, 'registration form with the lookup button');
    await checked.locator('#champ-cardNumber').fill('0123456789');
    await checked.getByRole('button', { name: 'Rechercher dans le système de la bibliothèque' }).click();
    await checked.waitForLoadState('load');
    expect(await checked.locator('#champ-lastName').inputValue()).toBe('DURAND');
    await expectNoAxeViolations(checked, 'registration form filled from the ILS');
  }, 240_000);
});
