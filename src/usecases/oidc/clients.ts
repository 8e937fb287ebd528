import { randomBytes } from 'node:crypto';
import { OIDC_CLAIM_FIELDS, type OidcClaimField } from '../../connectors/oidc/claims.js';
import { hashClientSecret } from '../../connectors/oidc/provider.js';
import {
  insertOidcClient,
  listOidcClients,
  type OidcClientRow,
  revokeOidcClient,
} from '../../db/repositories/oidc.js';
import type { ResourceRow } from '../../db/repositories/resources.js';
import type { StaffActor } from '../../domain/actor.js';
import { forbidden, ValidationError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { loadResourceForAdmin } from '../resources/catalog-admin.js';

export interface OidcClientInput {
  name: string;
  redirectUris: string[];
  claims: OidcClaimField[];
}

/** A resource and the OpenID Connect clients registered for it (network administrators only). */
export async function loadOidcClients(
  deps: Deps,
  actor: StaffActor,
  resourceId: string,
): Promise<{ resource: ResourceRow; clients: OidcClientRow[] }> {
  const { resource } = await loadResourceForAdmin(deps, actor, resourceId);
  return { resource, clients: await listOidcClients(deps.db, resource.id) };
}

/** The French message of a redirect URI that cannot be registered, or null. */
export function redirectUriError(uri: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `« ${uri} » n’est pas une adresse web complète (https://…).`;
  }
  if (url.hash) return `« ${uri} » ne doit pas contenir de fragment (#…).`;
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
    return `« ${uri} » doit commencer par https://.`;
  return null;
}

/**
 * Registers a client for the resource: a random id and a secret of 256 random bits, of which
 * only the SHA-256 is stored. Returns the secret, to be shown once. Every redirect URI must be
 * on the same host (the pairwise `sub` is per client, its redirect URIs one sector).
 */
export async function registerOidcClient(
  deps: Deps,
  actor: StaffActor,
  resourceId: string,
  input: OidcClientInput,
): Promise<{ client: OidcClientRow; secret: string }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const { resource } = await loadResourceForAdmin(deps, actor, resourceId);
  const allowHttp = deps.baseUrl.startsWith('http://');
  const errors: Record<string, string> = {};
  if (!input.name.trim()) errors.name = 'Saisissez le nom du service, tel que l’usager le verra.';
  if (input.redirectUris.length === 0) errors.redirectUris = 'Saisissez au moins une adresse de retour.';
  for (const uri of input.redirectUris) {
    const error = redirectUriError(uri, allowHttp);
    if (error) {
      errors.redirectUris = error;
      break;
    }
  }
  if (!errors.redirectUris && new Set(input.redirectUris.map((u) => new URL(u).host)).size > 1)
    errors.redirectUris = 'Toutes les adresses de retour doivent être sur le même site (même nom d’hôte).';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const secret = randomBytes(32).toString('base64url');
  const client = await insertOidcClient(deps.db, {
    clientId: `sesame-${randomBytes(12).toString('hex')}`,
    resourceId: resource.id,
    name: input.name.trim(),
    secretHash: hashClientSecret(secret),
    redirectUris: input.redirectUris,
    claims: OIDC_CLAIM_FIELDS.filter((f) => input.claims.includes(f)),
    createdAt: deps.clock.now(),
  });
  return { client, secret };
}

/**
 * Revokes a client of the resource: it gets no code, no token from now on. `revoked` is false
 * when the resource has no such client still active (already revoked, or a forged id).
 */
export async function revokeOidcClientOf(
  deps: Deps,
  actor: StaffActor,
  resourceId: string,
  clientId: string,
) {
  const { resource } = await loadResourceForAdmin(deps, actor, resourceId);
  const revoked = await revokeOidcClient(deps.db, resource.id, clientId, deps.clock.now());
  return { resource, revoked };
}
