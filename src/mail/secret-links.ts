/**
 * A web address carrying a single-use secret: a token of 32 characters or more as the last
 * segment of its path (set a password, confirm an address, renew). Only the token's hash is
 * in the database, so finding it in an e-mail's text is the way to know which link that is.
 */
const SECRET_LINK = /(https?:\/\/[^\s<>"'`]*\/)([A-Za-z0-9_-]{32,})(?=[\s<>"'`.,;:!?)\]»]|$)/g;

/** The distinct tokens of the secret links in a text. */
export function linkTokens(text: string): string[] {
  return [...new Set([...text.matchAll(SECRET_LINK)].map((m) => m[2]!))];
}

/**
 * The text with each secret link replaced by what `by` returns for it (given the address up
 * to its token, and the token); a link for which it returns undefined is kept.
 */
export function replaceSecretLinks(
  text: string,
  by: (start: string, token: string) => string | undefined,
): string {
  return text.replace(SECRET_LINK, (whole, start: string, token: string) => by(start, token) ?? whole);
}
