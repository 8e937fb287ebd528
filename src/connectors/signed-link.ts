import { createHmac, timingSafeEqual } from 'node:crypto';
import { ANONYMOUS_PSEUDONYM, patronPseudonym } from './pseudonym.js';
import { type Connector, fillUrlTemplate } from './types.js';

/**
 * Sésame's own signed link: the provider's URL template, plus the patron's pseudonym, the
 * resource, the document, an expiry and an HMAC-SHA256 over the four, under the secret the
 * provider shares with the network. The provider recomputes it with verifySignedLink.
 */

export const SIGNED_LINK_PARAMS = {
  user: 'sesame_user',
  resource: 'sesame_resource',
  document: 'sesame_document',
  expires: 'sesame_expires',
  signature: 'sesame_signature',
} as const;

export const DEFAULT_LINK_MINUTES = 5;

function signature(
  secret: string,
  user: string,
  resource: string,
  document: string,
  expires: string,
): string {
  return createHmac('sha256', secret).update([user, resource, document, expires].join('\n')).digest('hex');
}

export const signedLinkConnector: Connector = {
  kind: 'signed_link',
  buildUrl(resource, patron, document, now) {
    const config = resource.connectorConfig;
    const secret = config.secret ?? '';
    const user = patron ? patronPseudonym(secret, patron.id) : ANONYMOUS_PSEUDONYM;
    const minutes = config.linkMinutes ?? DEFAULT_LINK_MINUTES;
    const expires = String(Math.floor(now.getTime() / 1000) + minutes * 60);
    const url = new URL(fillUrlTemplate(config.urlTemplate, { document, resource: resource.id }));
    url.searchParams.set(SIGNED_LINK_PARAMS.user, user);
    url.searchParams.set(SIGNED_LINK_PARAMS.resource, resource.id);
    url.searchParams.set(SIGNED_LINK_PARAMS.document, document);
    url.searchParams.set(SIGNED_LINK_PARAMS.expires, expires);
    url.searchParams.set(
      SIGNED_LINK_PARAMS.signature,
      signature(secret, user, resource.id, document, expires),
    );
    return url.toString();
  },
};

export type SignedLinkCheck =
  | { ok: true; user: string; resource: string; document: string; expiresAt: Date }
  | { ok: false; reason: 'missing' | 'tampered' | 'expired' };

/**
 * The provider's side: the signature must match every signed field (constant-time compare),
 * then the link must not have expired. A tampered link is reported as such even if also old.
 */
export function verifySignedLink(secret: string, params: URLSearchParams, now: Date): SignedLinkCheck {
  const user = params.get(SIGNED_LINK_PARAMS.user);
  const resource = params.get(SIGNED_LINK_PARAMS.resource);
  const document = params.get(SIGNED_LINK_PARAMS.document);
  const expires = params.get(SIGNED_LINK_PARAMS.expires);
  const given = params.get(SIGNED_LINK_PARAMS.signature);
  if (user === null || resource === null || document === null || expires === null || given === null)
    return { ok: false, reason: 'missing' };
  const expected = Buffer.from(signature(secret, user, resource, document, expires), 'hex');
  const actual = /^[0-9a-f]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { ok: false, reason: 'tampered' };
  if (!/^\d{1,12}$/.test(expires)) return { ok: false, reason: 'tampered' };
  const expiresAt = new Date(Number(expires) * 1000);
  if (expiresAt.getTime() < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, user, resource, document, expiresAt };
}
