import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpCasClient from 'http-cas-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  logIn,
  pageFactory,
  patronPasswordThroughReset,
  setPasswordThroughLink,
  text,
} from './helpers/accounts.js';
import { expectNoAxeViolations, launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The CAS journey in Chromium, on the real server with its demo network: the network
 * administrator registers a provider (a tiny page served by the test, with the http-cas-client
 * library) on a resource's CAS page; a patron who is not logged in opens the provider, is sent
 * to Sésame's login page, logs in, and comes back to the provider with the attributes chosen.
 * Axe checks Sésame's pages on the way.
 */

const PATRON = 'chloe.morin'; // an active patron of the demo network (seed-demo-patrons.ts)
const RESOURCE = 'Savoir-faire en vidéo'; // Accès libre in the demo catalog

let server: RunningServer;
let browser: Browser;
let provider: Server;
let providerUrl: string;
const pages = pageFactory(
  () => browser,
  () => server.baseUrl,
);

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  provider = createServer();
  await new Promise<void>((done) => provider.listen(0, '127.0.0.1', done));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const handler = httpCasClient({
    casServerUrlPrefix: `${server.baseUrl}/cas`,
    serverName: providerUrl,
    client: { slo: false },
  });
  provider.on('request', async (req, res) => {
    try {
      if (!(await handler(req, res, {}))) return res.end();
      const { principal } = req as unknown as {
        principal: { user: string; attributes: Record<string, string> };
      };
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="fr"><title>Fournisseur</title><main><h1>Bienvenue</h1>` +
          `<p id="user">${principal.user}</p><p id="prenom">${principal.attributes.prenom ?? ''}</p>` +
          `<p id="bibliotheque">${principal.attributes.bibliotheque ?? ''}</p>` +
          `<p id="courriel">${principal.attributes.courriel ?? ''}</p></main></html>`,
      );
    } catch (e) {
      res.statusCode = 401;
      res.end(String((e as Error).message));
    }
  });
}, 180_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  provider?.close();
  await server?.stop();
});

describe('CAS journey in a browser', () => {
  it('provider page → Sésame login → back to the provider with the chosen attributes', async () => {
    const admin = await pages.fresh();
    const adminPassword = await setPasswordThroughLink(admin, server.admin.url);
    await logIn(admin, server.admin.identifier, adminPassword, '/admin');

    // The administrator registers the provider on the resource's CAS page.
    await admin.goto('/admin/ressources');
    await admin.getByRole('link', { name: RESOURCE }).first().click();
    await admin.getByRole('link', { name: 'Connexion CAS du fournisseur' }).click();
    await admin.waitForURL((u) => /^\/admin\/ressources\/[0-9a-f-]+\/cas$/.test(u.pathname));
    await expectNoAxeViolations(admin, 'CAS page');
    await admin.locator('#champ-servicePrefix').fill(`${providerUrl}/`);
    // DSFR draws the box on the label: a person clicks the label.
    await admin.locator('label', { hasText: /^Prénom/ }).click();
    await admin.locator('label', { hasText: /^Bibliothèque de rattachement/ }).click();
    await admin.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.waitForLoadState('load');
    expect(await text(admin, '.fr-alert--success, .fr-notice')).toContain('La connexion CAS est enregistrée');
    await expectNoAxeViolations(admin, 'CAS page after saving');

    // The demo patron gets a password through "mot de passe oublié", the link read by the administrator.
    const patron = await pages.fresh();
    const password = await patronPasswordThroughReset(patron, admin, PATRON);

    // The patron starts at the provider, not logged in: Sésame asks for the password.
    await patron.goto(`${providerUrl}/videos`);
    await patron.waitForURL((u) => u.pathname === '/connexion');
    expect(new URL(patron.url()).searchParams.get('suite')).toMatch(/^\/cas\/login\?service=/);
    await expectNoAxeViolations(patron, 'login page on the way to the provider');
    await patron.locator('#champ-login').fill(PATRON);
    await patron.locator('#champ-password').fill(password);
    await patron.getByRole('button', { name: 'Se connecter' }).click();
    await patron.waitForURL((u) => u.origin === providerUrl && u.pathname === '/videos');
    expect(await text(patron, 'h1')).toBe('Bienvenue');
    expect(await text(patron, '#user')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await text(patron, '#prenom')).toBe('Chloé');
    expect(await text(patron, '#bibliotheque')).not.toBe('');
    // Not chosen by the administrator: not released.
    expect(await text(patron, '#courriel')).toBe('');
    expect(patron.url()).not.toContain('ticket=');

    // Logging out from the provider's link: Sésame asks first (a button, not a link).
    await patron.goto(`/cas/logout?service=${encodeURIComponent(`${providerUrl}/au-revoir`)}`);
    expect(await text(patron, 'h1')).toBe('Se déconnecter');
    await expectNoAxeViolations(patron, 'CAS logout page');
  }, 240_000);
});
