import { timingSafeEqual } from 'node:crypto';
import { mnIdEncrypted } from '../../connectors/mn-sso.js';
import { verifySignedLink } from '../../connectors/signed-link.js';
import { findResource, type ResourceRow } from '../../db/repositories/resources.js';
import { DomainError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/**
 * The built-in demonstration provider: it checks the hand-off exactly as a real provider
 * would (signature, expiry, id_encrypted), with the secret stored on the resource, so that the
 * whole path from the catalog to a document works in the demo.
 */

export interface DemoHandOff {
  resource: ResourceRow;
  document: string;
  user: string;
  connector: 'signed_link' | 'mn_sso';
  expiresAt?: Date;
  personal: Record<string, string>;
}

const tampered = () =>
  new DomainError(
    'link_tampered',
    'Ce lien n’est pas valide : il a été modifié ou ne vient pas de Sésame. Revenez au catalogue et ouvrez le document à nouveau.',
    403,
  );

const expired = () =>
  new DomainError(
    'link_expired',
    'Ce lien a expiré : les liens vers les fournisseurs ne sont valables que quelques minutes. Revenez au catalogue et ouvrez le document à nouveau.',
    403,
  );

export async function checkDemoSignedLink(
  deps: Deps,
  input: { resourceId: string; document: string; query: URLSearchParams },
): Promise<DemoHandOff> {
  const resource = await findResource(deps.db, input.resourceId);
  if (resource?.connector !== 'signed_link' || !resource.connectorConfig.secret) throw tampered();
  const check = verifySignedLink(resource.connectorConfig.secret, input.query, deps.clock.now());
  if (!check.ok) throw check.reason === 'expired' ? expired() : tampered();
  // The signed fields must name what the address names.
  if (check.resource !== resource.id || check.document !== input.document) throw tampered();
  return {
    resource,
    document: check.document,
    user: check.user,
    connector: 'signed_link',
    expiresAt: check.expiresAt,
    personal: {},
  };
}

/** sso_login of the Médiathèque Numérique format; in the demo, sso_id is the resource id. */
export async function checkDemoSsoLogin(deps: Deps, query: URLSearchParams): Promise<DemoHandOff> {
  const resource = await findResource(deps.db, query.get('sso_id') ?? '');
  if (resource?.connector !== 'mn_sso' || !resource.connectorConfig.secret) throw tampered();
  const id = query.get('id') ?? '';
  const given = Buffer.from(query.get('id_encrypted') ?? '');
  const expected = Buffer.from(mnIdEncrypted(id, resource.connectorConfig.secret));
  if (!id || given.length !== expected.length || !timingSafeEqual(given, expected)) throw tampered();
  const returnUrl = query.get('return_url') ?? '';
  const document = decodeURIComponent(returnUrl.split('?')[0]?.split('/').pop() ?? '');
  const personal: Record<string, string> = {};
  for (const f of ['email', 'nom', 'prenom', 'dnaiss']) {
    const v = query.get(f);
    if (v) personal[f] = v;
  }
  return { resource, document, user: id, connector: 'mn_sso', personal };
}
