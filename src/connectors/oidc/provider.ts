import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Configuration, JWK, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../../db/client.js';
import { findOidcAccount } from '../../db/repositories/oidc.js';
import type { Clock } from '../../domain/clock.js';
import { protocolErrorPage } from '../../web/views/oidc/protocol-error.js';
import { drizzleAdapter } from './adapter.js';
import { claimsOf, OIDC_SCOPE_CLAIMS } from './claims.js';

/** Where the provider is mounted: the issuer is the site's address followed by this path. */
export const OIDC_PATH = '/oidc';
export const interactionPath = (uid: string) => `${OIDC_PATH}/interaction/${uid}`;

export interface OidcSetup {
  db: Db;
  clock: Clock;
  baseUrl: string;
  /** The network's secret, from which the cookie keys and the pairwise salt are derived. */
  secret: string;
  trustProxy: boolean;
  secureCookies: boolean;
  /** The private signing keys, newest (signing) first. */
  keys: JWK[];
}

export function derivedSecret(secret: string, label: string): string {
  return createHmac('sha256', secret).update(`sesame-oidc:${label}`).digest('base64url');
}

/** SHA-256 of a client secret, as stored; secrets are 256 random bits, so no slow hash is needed. */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * The OpenID Connect provider (oidc-provider, certified): authorization code with PKCE S256
 * only, clients from the database, a pairwise `sub` per client, claims as the administrator
 * chose per client, and every authorization going through Sésame's own interaction pages
 * (no grant is ever reused), where the opening checks run before any code is issued.
 */
export function createOidcProvider(ProviderClass: typeof Provider, setup: OidcSetup): Provider {
  const pairwiseKey = derivedSecret(setup.secret, 'pairwise');
  const configuration: Configuration = {
    adapter: drizzleAdapter(setup.db),
    clients: [],
    jwks: { keys: setup.keys },
    cookies: {
      keys: [derivedSecret(setup.secret, 'cookies')],
      names: {
        session: 'sesame_oidc_session',
        interaction: 'sesame_oidc_interaction',
        resume: 'sesame_oidc_resume',
      },
      long: { httpOnly: true, sameSite: 'lax', secure: setup.secureCookies },
      short: { httpOnly: true, sameSite: 'lax', secure: setup.secureCookies },
    },
    claims: OIDC_SCOPE_CLAIMS,
    scopes: ['openid', 'profile', 'email', 'bibliotheque'],
    responseTypes: ['code'],
    subjectTypes: ['pairwise'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    extraClientMetadata: { properties: ['sesame_resource_id', 'sesame_claims'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      claimsParameter: { enabled: false },
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 10 * 60,
      IdToken: 10 * 60,
      Interaction: 30 * 60,
      Session: 60 * 60,
      Grant: 60 * 60,
    },
    // The client is the provider's application; each one has its own pseudonym of the patron.
    pairwiseIdentifier: (_ctx, accountId, client) =>
      createHmac('sha256', pairwiseKey).update(`${client.clientId}\n${accountId}`).digest('base64url'),
    // Only the grant this very interaction made: an earlier authorization is never reused, so
    // every code goes through Sésame's interaction (and so the opening's checks).
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    async findAccount(ctx: KoaContextWithOIDC, id: string) {
      const patron = await findOidcAccount(setup.db, id);
      if (!patron) return undefined;
      const allowed = (ctx.oidc.client?.['sesame_claims' as never] as string[] | undefined) ?? [];
      return {
        accountId: id,
        claims: () => ({ sub: id, ...claimsOf(patron, allowed, setup.clock.now()) }),
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = protocolErrorPage(String(out.error ?? 'server_error'));
    },
  };
  const provider = new ProviderClass(`${setup.baseUrl}${OIDC_PATH}`, configuration);
  provider.proxy = setup.trustProxy;
  // Stored secrets are hashes: compare the hash of what the client sent, in constant time.
  provider.Client.prototype.compareClientSecret = async function compare(
    this: { clientSecret?: string },
    actual: string,
  ) {
    const expected = Buffer.from(this.clientSecret ?? '');
    const given = Buffer.from(hashClientSecret(actual));
    return expected.length === given.length && timingSafeEqual(expected, given);
  } as never;
  return provider;
}
