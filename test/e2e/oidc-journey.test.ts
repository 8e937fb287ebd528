import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
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
 * The OpenID Connect journey in Chromium, on the real server with its demo network: the network
 * administrator registers a client on a resource's OpenID Connect page (the secret shown once);
 * the provider is a tiny site served by the test, a relying party written with openid-client
 * (authorization code with PKCE). A patron who is not logged in starts at the provider, is sent
 * to Sésame's login page, logs in, authorizes the fields asked, and comes back to the provider,
 * which shows the claims it received. Axe checks Sésame's pages on the way.
 */

const PATRON = 'chloe.morin'; // an active patron of the demo network (seed-demo-patrons.ts)
const RESOURCE = 'Savoir-faire en vidéo'; // Accès libre in the demo catalog

let server: RunningServer;
let browser: Browser;
let provider: Server;
let providerUrl: string;
/** The client Sésame registered, once the administrator has done it in the browser. */
let client: oidc.Configuration | null = null;
/** PKCE verifiers of the authorizations under way, by state. */
const pending = new Map<string, string>();
const pages = pageFactory(
  () => browser,
  () => server.baseUrl,
);

const escapeHtml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The provider's two addresses: /videos starts the sign-in, /retour ends it and shows the claims. */
async function providerPage(url: URL): Promise<{ status: number; location?: string; html?: string }> {
  if (!client) return { status: 503, html: 'pas encore de client' };
  if (url.pathname === '/videos') {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    pending.set(state, verifier);
    const to = oidc.buildAuthorizationUrl(client, {
      redirect_uri: `${providerUrl}/retour`,
      scope: 'openid profile bibliotheque',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { status: 302, location: to.href };
  }
  if (url.pathname === '/retour') {
    const state = url.searchParams.get('state') ?? '';
    const tokens = await oidc.authorizationCodeGrant(client, url, {
      pkceCodeVerifier: pending.get(state),
      expectedState: state,
    });
    pending.delete(state);
    const sub = tokens.claims()!.sub;
    const info = await oidc.fetchUserInfo(client, tokens.access_token, sub);
    const p = (id: string, v: unknown) => `<p id="${id}">${escapeHtml(typeof v === 'string' ? v : '')}</p>`;
    return {
      status: 200,
      html:
        '<!doctype html><html lang="fr"><title>Fournisseur</title><main><h1>Bienvenue</h1>' +
        p('sub', sub) +
        p('prenom', info.given_name) +
        p('nom', info.family_name) +
        p('bibliotheque', info.library) +
        p('courriel', info.email) +
        '</main></html>',
    };
  }
  return { status: 404, html: 'introuvable' };
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  provider = createServer(async (req, res) => {
    try {
      const out = await providerPage(new URL(req.url ?? '/', providerUrl));
      res.statusCode = out.status;
      if (out.location) res.setHeader('location', out.location);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(out.html ?? '');
    } catch (e) {
      res.statusCode = 401;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(String((e as Error).message));
    }
  });
  await new Promise<void>((done) => provider.listen(0, '127.0.0.1', done));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  provider?.close();
  await server?.stop();
});

describe('OpenID Connect journey in a browser', () => {
  it('provider page → Sésame login → consent → back to the provider with the chosen claims', async () => {
    const admin = await pages.fresh();
    const adminPassword = await setPasswordThroughLink(admin, server.admin.url);
    await logIn(admin, server.admin.identifier, adminPassword, '/admin');

    // The administrator registers the provider as a client of the resource; the secret is shown once.
    await admin.goto('/admin/ressources');
    await admin.getByRole('link', { name: RESOURCE }).first().click();
    await admin.getByRole('link', { name: 'Clients OpenID Connect de la ressource' }).click();
    await admin.waitForURL((u) => /^\/admin\/ressources\/[0-9a-f-]+\/oidc$/.test(u.pathname));
    const clientsPage = new URL(admin.url()).pathname;
    await expectNoAxeViolations(admin, 'OpenID Connect page');
    await admin.locator('#champ-name').fill('Vidéos du fournisseur');
    await admin.locator('#champ-redirectUris').fill(`${providerUrl}/retour`);
    // DSFR draws the box on the label: a person clicks the label.
    await admin.locator('label', { hasText: /^Prénom/ }).click();
    await admin.locator('label', { hasText: /^Bibliothèque$/ }).click();
    await admin.getByRole('button', { name: 'Enregistrer le client' }).click();
    await admin.waitForLoadState('load');
    await expectNoAxeViolations(admin, 'OpenID Connect page with the new secret');
    const clientId = await text(admin, '[data-client-id]');
    const secret = await text(admin, '[data-client-secret]');
    expect(clientId).not.toBe('');
    expect(secret).not.toBe('');
    client = await oidc.discovery(
      new URL(`${server.baseUrl}/oidc`),
      clientId,
      undefined,
      oidc.ClientSecretBasic(secret),
      { execute: [oidc.allowInsecureRequests] },
    );

    const patron = await pages.fresh();
    const password = await patronPasswordThroughReset(patron, admin, PATRON);
    await patron.context().clearCookies();

    // The patron starts at the provider, not logged in: Sésame asks for the password.
    await patron.goto(`${providerUrl}/videos`);
    await patron.waitForURL((u) => u.pathname === '/connexion');
    expect(new URL(patron.url()).searchParams.get('suite')).toMatch(/^\/oidc\/interaction\//);
    await expectNoAxeViolations(patron, 'login page on the way to the provider');
    await patron.locator('#champ-login').fill(PATRON);
    await patron.locator('#champ-password').fill(password);
    await patron.getByRole('button', { name: 'Se connecter' }).click();

    // Fields beyond the anonymous id: Sésame asks, in French, before sending them.
    await patron.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
    expect(await text(patron, 'h1')).toBe('Autoriser Vidéos du fournisseur');
    expect(await patron.locator('ul[data-champs] li').allTextContents()).toEqual(['Prénom', 'Bibliothèque']);
    await expectNoAxeViolations(patron, 'consent page');
    await patron.getByRole('button', { name: 'Autoriser et continuer' }).click();

    await patron.waitForURL((u) => u.origin === providerUrl && u.pathname === '/retour');
    expect(await text(patron, 'h1')).toBe('Bienvenue');
    expect(await text(patron, '#sub')).not.toBe('');
    expect(await text(patron, '#prenom')).toBe('Chloé');
    expect(await text(patron, '#bibliotheque')).not.toBe('');
    // Not ticked by the administrator: never released, even with the profile scope asked.
    expect(await text(patron, '#nom')).toBe('');
    expect(await text(patron, '#courriel')).toBe('');
    const firstSub = await text(patron, '#sub');

    // A second client of the resource that receives the anonymous id only: no consent page, the
    // login form leads straight back to the provider, with another pseudonymous sub.
    await admin.goto(clientsPage);
    await admin.locator('#champ-name').fill('Lecteur anonyme');
    await admin.locator('#champ-redirectUris').fill(`${providerUrl}/retour`);
    await admin.getByRole('button', { name: 'Enregistrer le client' }).click();
    await admin.waitForLoadState('load');
    client = await oidc.discovery(
      new URL(`${server.baseUrl}/oidc`),
      await text(admin, '[data-client-id]'),
      undefined,
      oidc.ClientSecretBasic(await text(admin, '[data-client-secret]')),
      { execute: [oidc.allowInsecureRequests] },
    );
    await patron.context().clearCookies();
    await patron.goto(`${providerUrl}/videos`);
    await patron.waitForURL((u) => u.pathname === '/connexion');
    await patron.locator('#champ-login').fill(PATRON);
    await patron.locator('#champ-password').fill(password);
    await patron.getByRole('button', { name: 'Se connecter' }).click();
    await patron.waitForURL((u) => u.origin === providerUrl && u.pathname === '/retour');
    expect(await text(patron, 'h1')).toBe('Bienvenue');
    expect(await text(patron, '#sub')).not.toBe('');
    expect(await text(patron, '#sub')).not.toBe(firstSub);
    expect(await text(patron, '#prenom')).toBe('');
  }, 240_000);
});
