import type Provider from 'oidc-provider';
import { fieldsAsked, type OidcClaimField } from '../../connectors/oidc/claims.js';
import { findActiveOidcClient, type OidcClientRow } from '../../db/repositories/oidc.js';
import { loadOpenContext } from '../../db/repositories/openings.js';
import type { PatronActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import { accessRefusal, unknownResource } from '../../domain/resource-access.js';
import { isProfile, resolveSettings } from '../../domain/settings.js';
import type { Deps } from '../deps.js';
import { openDocument, viewerOf } from '../resources/open-document.js';

export interface OidcRequest {
  clientId: string;
  scopes: string[];
}

export interface OidcAsk {
  client: OidcClientRow;
  resourceName: string;
  /** The personal fields this request would release: a consent page when there are some. */
  fields: OidcClaimField[];
}

/**
 * What a provider's authorization request asks of this patron, after the opening's checks
 * (state, rights, age, library subscription, withdrawal) for the client's resource, which
 * throw the opening's French refusals. Nothing is written.
 */
export async function askOidcAuthorization(
  deps: Deps,
  patron: PatronActor,
  req: OidcRequest,
): Promise<OidcAsk> {
  const client = await findActiveOidcClient(deps.db, req.clientId);
  if (!client) throw notFound();
  const c = await loadOpenContext(deps.db, client.resourceId, patron.id);
  if (!c?.resource.active) throw unknownResource();
  const settings = resolveSettings(
    isProfile(c.network.profile) ? c.network.profile : 'numos',
    c.network.settings,
  );
  const refusal = accessRefusal({
    viewer: viewerOf(c.patron),
    resource: c.resource,
    subscribed: c.subscribed,
    withdrawn: c.withdrawn,
    now: deps.clock.now(),
    settings,
  });
  if (refusal) throw refusal;
  return { client, resourceName: c.resource.name, fields: fieldsAsked(req.scopes, client.claims) };
}

/**
 * The patron goes on to the provider: the opening of the resource's home (the same checks
 * again, the consultation recorded as an opening would be), then a grant of the scopes asked,
 * which lets oidc-provider issue the code. Returns the interaction's result.
 */
export async function authorizeOidc(
  deps: Deps,
  provider: Provider,
  patron: PatronActor,
  req: OidcRequest,
): Promise<{ login: { accountId: string }; consent: { grantId: string } }> {
  const client = await findActiveOidcClient(deps.db, req.clientId);
  if (!client) throw notFound();
  await openDocument(deps, patron, { resourceId: client.resourceId, handOff: true });
  const grant = new provider.Grant({ accountId: patron.id, clientId: client.clientId });
  grant.addOIDCScope(req.scopes.join(' '));
  const grantId = await grant.save();
  return { login: { accountId: patron.id }, consent: { grantId } };
}
