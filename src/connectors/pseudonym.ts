import { createHmac } from 'node:crypto';

/**
 * The name a provider knows a patron by: an HMAC of the patron's id under the resource's own
 * secret. Stable for one provider (its statistics and bookmarks work), different from one
 * provider to the next (they cannot match their users), and it reveals neither the id nor
 * the e-mail address.
 */
export function patronPseudonym(secret: string, patronId: string): string {
  return createHmac('sha256', secret).update(`sesame-pseudonym:${patronId}`).digest('base64url').slice(0, 32);
}

/** Anonymous visitors opening a free resource all share this name. */
export const ANONYMOUS_PSEUDONYM = 'visiteur';
