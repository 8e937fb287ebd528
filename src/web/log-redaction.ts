import { maskEmail } from '../security/redact.js';

/** Path segments that are secrets: the token after these prefixes never reaches a log line. */
const SECRET_PATHS = [
  /^(\/mot-de-passe\/)[^/?#]+/,
  /^(\/inscription\/confirmer\/)[^/?#]+/,
  /^(\/[a-z-]+\/jeton\/)[^/?#]+/,
  /^(\/mon-compte\/renouveler\/)[^/?#]+/,
  // OpenID Connect: a pending authorization's uid (interaction pages, resume).
  /^(\/oidc\/(?:interaction|auth)\/)[^/?#]+/,
];
/** Query parameters holding a local path to return to after login, which may carry a token. */
const PATH_PARAMS = new Set(['suite']);
const SECRET_PARAMS = new Set([
  '_csrf',
  'token',
  'jeton',
  'signature',
  'sig',
  // OAuth 2.0 / OpenID Connect: codes, tokens and secrets that may travel in a query string.
  'code',
  'code_verifier',
  'client_secret',
  'access_token',
  'id_token',
  'id_token_hint',
  'refresh_token',
  // CAS service tickets, on /cas/*Validate and on a service URL passed along.
  'ticket',
]);
const EMAIL = /[^\s/?&=#@]+@[^\s/?&=#@]+\.[^\s/?&=#@]+/g;

/**
 * A request URL as it may be logged: tokens in paths and secret query parameters replaced,
 * e-mail addresses (typed in a search, say) masked.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  for (const re of SECRET_PATHS) path = path.replace(re, '$1[masqué]');
  path = maskEmails(path);
  if (q === -1) return path;
  const kept: string[] = [];
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
    const value = SECRET_PARAMS.has(k.toLowerCase())
      ? '[masqué]'
      : PATH_PARAMS.has(k.toLowerCase())
        ? SECRET_PATHS.reduce((p, re) => p.replace(re, '$1[masqué]'), v)
        : v.replace(EMAIL, (m) => maskEmail(m));
    kept.push(`${k}=${value}`);
  }
  return `${path}?${kept.join('&')}`;
}

function maskEmails(path: string): string {
  return decodeSafe(path).replace(EMAIL, (m) => maskEmail(m));
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
