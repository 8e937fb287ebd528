import { eq } from 'drizzle-orm';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OidcClaimField } from '../../src/connectors/oidc/claims.js';
import { runAccountCommand } from '../../src/control/account-commands.js';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import { setPatronRight, setResourceLibraries } from '../../src/db/repositories/resources.js';
import { oidcClients, oidcKeys } from '../../src/db/schema.js';
import { hashPassword } from '../../src/security/passwords.js';
import { registerOidcClient } from '../../src/usecases/oidc/clients.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron, staffActor } from '../helpers/decision-fixtures.js';
import { addResource, consultationCount } from '../helpers/resource-fixtures.js';
import { freePort } from '../helpers/sesame-process.js';

/**
 * The OpenID Connect provider driven by a real relying party (openid-client 6) against the
 * listening app: the patron's browser is a cookie-keeping fetch that follows Sésame's pages.
 */

const PASSWORD = 'Un-mot-de-passe-solide-9';
const REDIRECT = 'https://fournisseur.example/oidc/retour';
let ctx: TestContext;
let base: string;
let issuer: string;
let hash: string;
let libA: { id: string; name: string };
let libB: { id: string; name: string };
let admin: ReturnType<typeof staffActor>;

const active = { state: 'active' as const, activeUntil: '2027-11-22', pendingSince: null };

async function patronWith(values: Parameters<typeof addPatron>[2] = {}): Promise<PatronRow> {
  return addPatron(ctx, libA.id, { passwordHash: hash, ...active, ...values });
}

/** A browser over fetch: cookies by path, redirects followed by hand within Sésame. */
class Browser {
  private jar = new Map<string, { value: string; path: string }>();
  html = '';

  private header(url: URL): string {
    return [...this.jar]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([k, c]) => `${k}=${c.value}`)
      .join('; ');
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const u = new URL(url, base);
    const res = await fetch(u, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.header(u),
        'sec-fetch-site': 'same-origin',
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const path =
        attrs
          .map((a) => a.trim())
          .find((a) => a.toLowerCase().startsWith('path='))
          ?.slice(5) ?? '/';
      const gone = value === '' || attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (gone) this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
    const body = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('text/html')) this.html = body;
    // "0;url=…": the page Sésame shows after a form instead of a redirect off the site.
    const refresh = /^0;url=(.+)$/.exec(res.headers.get('refresh') ?? '')?.[1] ?? null;
    return { status: res.status, location: res.headers.get('location'), refresh, body };
  }

  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.html);
    if (!m) throw new Error('no CSRF token');
    return m[1]!;
  }

  async logIn(login: string) {
    await this.request('/connexion');
    const res = await this.request('/connexion', {
      method: 'POST',
      form: { _csrf: this.csrf(), login, password: PASSWORD },
    });
    expect(res.status).toBe(303);
  }

  /**
   * Follows redirects inside Sésame from `url` until the answer leaves for the client (its
   * redirect URI) or is a page; logs in when sent to the login page, consents when asked.
   */
  async authorize(
    url: string,
    patron: PatronRow | null,
    opts: { consent?: 'accept' | 'refuse' } = {},
  ): Promise<{ redirect?: string; status: number; body: string; consentShown: boolean }> {
    let next: string | null = url;
    let consentShown = false;
    for (let i = 0; i < 12 && next; i++) {
      const res = await this.request(next);
      if (res.status === 303 || res.status === 302 || res.refresh) {
        const to: URL = new URL((res.location ?? res.refresh)!, new URL(next, base));
        if (to.origin !== new URL(base).origin)
          return { redirect: to.href, status: res.status, body: '', consentShown };
        if (to.pathname === '/connexion' && patron) {
          await this.logIn(patron.identifier!);
          next = to.searchParams.get('suite');
          continue;
        }
        next = to.pathname + to.search;
        continue;
      }
      if (res.status === 200 && res.body.includes('/autoriser"') && opts.consent) {
        consentShown = true;
        const uid = /\/oidc\/interaction\/([^/"]+)\/autoriser/.exec(res.body)![1]!;
        const post = await this.request(
          `/oidc/interaction/${uid}/${opts.consent === 'accept' ? 'autoriser' : 'refuser'}`,
          {
            method: 'POST',
            form: { _csrf: this.csrf() },
          },
        );
        // A form's navigation may not leave the site (CSP form-action 'self'): a page that moves on.
        expect(post.status).toBe(200);
        expect(post.location).toBeNull();
        next = post.refresh!;
        const to: URL = new URL(next, base);
        if (to.origin !== new URL(base).origin)
          return { redirect: to.href, status: 303, body: '', consentShown };
        continue;
      }
      return { status: res.status, body: res.body, consentShown };
    }
    throw new Error('too many redirects');
  }
}

/** The OAuth error code of a refusal, from the body or from the WWW-Authenticate challenge. */
async function oauthError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    const err = e as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
    return err.error ?? err.cause?.[0]?.parameters?.error ?? String(e);
  }
  throw new Error('expected a refusal');
}

async function clientFor(resourceId: string, claims: OidcClaimField[] = [], redirect = REDIRECT) {
  const { client, secret } = await registerOidcClient(ctx.deps, admin, resourceId, {
    name: 'Fournisseur fictif',
    redirectUris: [redirect],
    claims,
  });
  const config = await oidc.discovery(
    new URL(issuer),
    client.clientId,
    undefined,
    oidc.ClientSecretBasic(secret),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
  return { client, secret, config };
}

async function start(config: oidc.Configuration, scope = 'openid') {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, verifier, state };
}

async function codeFlow(config: oidc.Configuration, patron: PatronRow, scope = 'openid', consent?: 'accept') {
  const s = await start(config, scope);
  const out = await new Browser().authorize(s.url, patron, { consent });
  expect(out.redirect, out.body.slice(0, 400)).toBeDefined();
  const tokens = await oidc.authorizationCodeGrant(config, new URL(out.redirect!), {
    pkceCodeVerifier: s.verifier,
    expectedState: s.state,
  });
  return { tokens, redirect: out.redirect!, consentShown: out.consentShown };
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  issuer = `${base}/oidc`;
  ctx = await createTestApp({ env: { BASE_URL: base } });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  hash = await hashPassword(PASSWORD);
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  const a = await addStaff(ctx, { identifier: 'admin.oidc', role: 'network_admin' });
  admin = staffActor(a);
}, 180_000);
afterAll(() => ctx?.close());

describe('OpenID Connect discovery', () => {
  it('publishes its configuration at the issuer: code flow, S256 only, pairwise subjects', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(issuer);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.subject_types_supported).toEqual(['pairwise']);
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'bibliotheque']),
    );
  });
});

describe('the authorization code flow with PKCE', () => {
  it('gives tokens and the claims the administrator chose, after a consent page in French', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { config } = await clientFor(resource.id, ['nom', 'prenom', 'courriel', 'bibliotheque']);
    const patron = await patronWith();
    const before = await consultationCount(ctx);
    const { tokens, consentShown } = await codeFlow(
      config,
      patron,
      'openid profile email bibliotheque',
      'accept',
    );
    expect(consentShown).toBe(true);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(issuer);
    expect(claims.sub).not.toBe(patron.id);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({
      sub: claims.sub,
      family_name: patron.lastName,
      given_name: patron.firstName,
      email: patron.email,
      library: 'Médiathèque Alpha',
    });
    // Not ticked by the administrator: never sent, even when the scope asks.
    expect(info.preferred_username).toBeUndefined();
    expect(info.age_category).toBeUndefined();
    expect(info.subscription_end).toBeUndefined();
    // The opening was recorded as a consultation.
    expect(await consultationCount(ctx)).toBe(before + 1);
  });

  it('a click in the catalog, then the provider’s authorization, is one consultation', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { config } = await clientFor(resource.id);
    const patron = await patronWith();
    const browser = new Browser();
    await browser.logIn(patron.identifier!);
    const before = await consultationCount(ctx);
    expect((await browser.request(`/ressources/${resource.id}/ouvrir`)).status).toBe(303);
    expect(await consultationCount(ctx)).toBe(before + 1);
    // The provider's page sends the patron through Sésame's authorization: the same opening.
    const s = await start(config);
    const out = await browser.authorize(s.url, patron);
    expect(out.redirect, out.body.slice(0, 400)).toBeDefined();
    expect(await consultationCount(ctx)).toBe(before + 1);
  });

  it('asks no consent when only the pseudonymous sub is asked, and the sub is pairwise per client', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const one = await clientFor(resource.id, ['courriel']);
    const two = await clientFor(resource.id);
    const patron = await patronWith();
    const a = await codeFlow(one.config, patron);
    expect(a.consentShown).toBe(false);
    const b = await codeFlow(two.config, patron);
    const again = await codeFlow(one.config, patron);
    expect(a.tokens.claims()!.sub).not.toBe(b.tokens.claims()!.sub);
    expect(again.tokens.claims()!.sub).toBe(a.tokens.claims()!.sub);
    const info = await oidc.fetchUserInfo(one.config, a.tokens.access_token, a.tokens.claims()!.sub);
    expect(info.email).toBeUndefined();
  });

  it('refuses a replayed code, and the tokens it gave stop working', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { config } = await clientFor(resource.id);
    const s = await start(config);
    const out = await new Browser().authorize(s.url, await patronWith());
    const tokens = await oidc.authorizationCodeGrant(config, new URL(out.redirect!), {
      pkceCodeVerifier: s.verifier,
      expectedState: s.state,
    });
    const replay = oidc.authorizationCodeGrant(config, new URL(out.redirect!), {
      pkceCodeVerifier: s.verifier,
      expectedState: s.state,
    });
    await expect(replay).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toBeDefined();
  });

  it('refuses a wrong secret and an unknown client at the token endpoint (invalid_client)', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { client, config } = await clientFor(resource.id);
    const s = await start(config);
    const out = await new Browser().authorize(s.url, await patronWith());
    const wrong = new oidc.Configuration(
      config.serverMetadata(),
      client.clientId,
      undefined,
      oidc.ClientSecretBasic('pas-le-bon-secret'),
    );
    oidc.allowInsecureRequests(wrong);
    const params = { pkceCodeVerifier: s.verifier, expectedState: s.state };
    expect(await oauthError(oidc.authorizationCodeGrant(wrong, new URL(out.redirect!), params))).toBe(
      'invalid_client',
    );
    const unknown = new oidc.Configuration(
      config.serverMetadata(),
      'client-inconnu',
      undefined,
      oidc.ClientSecretBasic('x'),
    );
    oidc.allowInsecureRequests(unknown);
    expect(await oauthError(oidc.authorizationCodeGrant(unknown, new URL(out.redirect!), params))).toBe(
      'invalid_client',
    );
    // The right client still redeems the code: the refusals consumed nothing.
    const tokens = await oidc.authorizationCodeGrant(config, new URL(out.redirect!), params);
    expect(tokens.access_token).toBeTruthy();
  });

  it('refuses a wrong PKCE verifier (invalid_grant)', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { config } = await clientFor(resource.id);
    const s = await start(config);
    const out = await new Browser().authorize(s.url, await patronWith());
    await expect(
      oidc.authorizationCodeGrant(config, new URL(out.redirect!), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: s.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an authorization request without PKCE, back to the client (invalid_request)', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { client } = await clientFor(resource.id);
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: 'etat-1',
    }).toString();
    const res = await new Browser().request(url.href);
    expect(res.status).toBe(303);
    const back = new URL(res.location!);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('never redirects to an unregistered redirect_uri nor for an unknown client: a French page', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { config } = await clientFor(resource.id);
    const s = await start(config);
    const wrong = new URL(s.url);
    wrong.searchParams.set('redirect_uri', 'https://attaquant.example/vol');
    const res = await new Browser().request(wrong.href);
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.body).toContain('Connexion impossible');
    const unknown = new URL(s.url);
    unknown.searchParams.set('client_id', 'client-inconnu');
    const res2 = await new Browser().request(unknown.href);
    expect(res2.status).toBe(400);
    expect(res2.body).toContain('n’est pas enregistré');
  });
});

describe('the opening checks before any code', () => {
  async function refusedFlow(patron: PatronRow, resourceValues: Parameters<typeof addResource>[1] = {}) {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null, ...resourceValues });
    const { config } = await clientFor(resource.id);
    const s = await start(config);
    const before = await consultationCount(ctx);
    const b = new Browser();
    const out = await b.authorize(s.url, patron);
    expect(out.redirect).toBeUndefined();
    expect(await consultationCount(ctx)).toBe(before);
    return { out, b, resource };
  }

  it('refuses an expired patron in French; going back tells the client access_denied', async () => {
    const { out, b } = await refusedFlow(await patronWith({ state: 'expired', activeUntil: '2026-10-31' }));
    expect(out.status).toBe(403);
    expect(out.body).toContain('data-refus="subscription_expired"');
    const uid = /\/oidc\/interaction\/([^/"]+)\/refuser/.exec(out.body)![1]!;
    const back = await b.request(`/oidc/interaction/${uid}/refuser`, {
      method: 'POST',
      form: { _csrf: b.csrf() },
    });
    expect(back.status).toBe(200);
    expect(back.body).toContain('Connexion non autorisée');
    const resumed = await b.request(back.refresh!);
    const to = new URL(resumed.location!);
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('code')).toBeNull();
  });

  it('refuses a patron too young for the resource', async () => {
    const { out } = await refusedFlow(await patronWith({ birthDate: '2016-03-02', birthYear: 2016 }), {
      audience: '16',
    });
    expect(out.body).toContain('data-refus="age_restricted"');
  });

  it('refuses a patron whose library does not subscribe, and one whose right was withdrawn', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null, allLibraries: false });
    await setResourceLibraries(ctx.database.db, resource.id, [libB.id]);
    const { config } = await clientFor(resource.id);
    const s = await start(config);
    const out = await new Browser().authorize(s.url, await patronWith());
    expect(out.redirect).toBeUndefined();
    expect(out.body).toContain('data-refus="not_subscribed"');

    const open = await addResource(ctx, { kind: 'unlimited', category: null });
    const p = await patronWith();
    await setPatronRight(ctx.database.db, {
      patronId: p.id,
      resourceId: open.id,
      withdrawn: true,
      staffId: admin.id,
      label: 'Retrait pour essai',
      at: ctx.clock.now(),
    });
    const c2 = await clientFor(open.id);
    const s2 = await start(c2.config);
    const out2 = await new Browser().authorize(s2.url, p);
    expect(out2.redirect).toBeUndefined();
    expect(out2.body).toContain('data-refus="right_withdrawn"');
  });
});

describe('signing keys', () => {
  it('rotates: the new key signs, the previous one stays published', async () => {
    const before = (await ctx.database.db.select().from(oidcKeys)).map((k) => k.kid);
    // The command the CLI runs (itself, or through the server holding the embedded database).
    expect(await runAccountCommand(ctx.deps, 'oidc-rotate-keys', [])).toContain('Nouvelle clé de signature');
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as {
      keys: Array<{ kid: string; d?: string }>;
    };
    const kids = jwks.keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining(before));
    expect(kids.length).toBe(before.length + 1);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const { config } = await clientFor(resource.id);
    const { tokens } = await codeFlow(config, await patronWith());
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString());
    expect(before).not.toContain(header.kid);
    expect(kids).toContain(header.kid);
  });
});

describe('client registration by network administrators', () => {
  it('shows the secret once, stores only its hash; library staff are refused', async () => {
    const resource = await addResource(ctx, { kind: 'unlimited', category: null });
    const staff = await addStaff(ctx, { identifier: 'agent.oidc', libraryIds: [libA.id] });
    const s = new TestBrowser(ctx.app, '192.0.2.77');
    await s.logIn(staff.identifier, staff.password);
    expect((await s.get(`/admin/ressources/${resource.id}/oidc`)).statusCode).toBe(403);

    const b = new TestBrowser(ctx.app, '192.0.2.78');
    await addStaff(ctx, { identifier: 'admin.web', role: 'network_admin' });
    await b.logIn('admin.web', 'Mot-de-passe-solide-1');
    const bad = await b.post(
      `/admin/ressources/${resource.id}/oidc`,
      { name: 'Lecteur', redirectUris: 'ftp://x' },
      { from: `/admin/ressources/${resource.id}/oidc` },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('doit commencer par https://');
    expect(bad.body).toContain('value="Lecteur"');
    expect(
      await ctx.database.db.select().from(oidcClients).where(eq(oidcClients.resourceId, resource.id)),
    ).toHaveLength(0);

    const ok = await b.post(
      `/admin/ressources/${resource.id}/oidc`,
      { name: 'Lecteur', redirectUris: 'https://lecteur.example/retour', claims: ['nom', 'courriel'] },
      { from: `/admin/ressources/${resource.id}/oidc` },
    );
    expect(ok.statusCode).toBe(200);
    const secret = /data-client-secret="?[^>]*>([^<]+)</.exec(ok.body)![1]!;
    const [row] = await ctx.database.db
      .select()
      .from(oidcClients)
      .where(eq(oidcClients.resourceId, resource.id));
    expect(row!.claims).toEqual(['nom', 'courriel']);
    expect(row!.secretHash).not.toContain(secret);
    const list = await b.get(`/admin/ressources/${resource.id}/oidc`);
    expect(list.body).toContain(row!.clientId);
    expect(list.body).not.toContain(secret);

    const byStaff = await s.post(
      `/admin/ressources/${resource.id}/oidc/revoquer`,
      { clientId: row!.clientId },
      { from: '/admin' },
    );
    expect(byStaff.statusCode).toBe(403);
    const revoke = await b.post(
      `/admin/ressources/${resource.id}/oidc/revoquer`,
      { clientId: row!.clientId },
      { from: `/admin/ressources/${resource.id}/oidc` },
    );
    expect(revoke.statusCode).toBe(303);
    const [after] = await ctx.database.db
      .select()
      .from(oidcClients)
      .where(eq(oidcClients.clientId, row!.clientId));
    expect(after!.revokedAt).not.toBeNull();
    // A revoked client is unknown to the provider: no authorization page, no code.
    const gone = new URL(`${issuer}/auth`);
    gone.search = new URLSearchParams({
      client_id: row!.clientId,
      redirect_uri: 'https://lecteur.example/retour',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const refused = await new Browser().request(gone.href);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
  });
});
