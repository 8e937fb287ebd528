import type { FastifyRequest } from 'fastify';
import { askingBeforeOpening } from './views/catalog/urls.js';

/**
 * Where a visitor goes around the login page, in one place: the `suite` return path carried
 * by /connexion, always passed through safeLocalPath (never another site), and each kind of
 * account kept to its own side (staff under /admin, patrons everywhere else).
 */

/** Any origin will do: it only tells a same-origin path from one that leaves the site. */
const PATH_BASE = new URL('http://sesame.invalid');

/**
 * Only a path of this site is a valid place to return to after login. The value is parsed as
 * a browser would resolve it against our origin, and the path is rebuilt from the parsed URL,
 * so what is checked is what is sent. Tabs, line breaks and backslashes are refused outright:
 * browsers drop or turn them into slashes (`/\t/evil.example` goes to evil.example), and
 * control or non-Latin-1 characters cannot be sent in a Location header anyway.
 */
export function safeLocalPath(value: unknown, fallback = '/admin'): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return fallback;
  if (/[^\x20-\x7e\xa0-\xff]|\\/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PATH_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== PATH_BASE.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", itself a link to another site.
  if (!path.startsWith('/') || path.startsWith('//')) return fallback;
  return path;
}

export const LOGIN_URL = '/connexion';
export const STAFF_HOME = '/admin';
export const PATRON_HOME = '/mon-compte';

type Kind = 'staff' | 'patron';

const fitsKind = (kind: Kind, path: string) =>
  kind === 'staff' ? path.startsWith(STAFF_HOME) : !path.startsWith(STAFF_HOME);

/** The login page that brings the visitor back to this request's page afterwards. */
export function loginUrlFor(request: FastifyRequest, back: string = request.url): string {
  const next = encodeURIComponent(back);
  const expired = request.sessionExpired ? '&expiree=1' : '';
  return `${LOGIN_URL}?suite=${next}${expired}`;
}

/**
 * Someone already logged in opens the login page: straight to the return path. A patron sent
 * to a staff page lands on their own account instead.
 */
export function whereWhenLoggedIn(kind: Kind, suite: unknown): string {
  if (kind === 'staff') return safeLocalPath(suite);
  const path = safeLocalPath(suite, PATRON_HOME);
  return fitsKind('patron', path) ? path : PATRON_HOME;
}

/**
 * Just logged in: to the return path if it belongs to this kind of account (asking before a
 * document opening counts), else to the account's home page.
 */
export function whereAfterLogin(kind: Kind, suite: unknown): string {
  const home = kind === 'staff' ? STAFF_HOME : PATRON_HOME;
  const path = safeLocalPath(suite, home);
  return fitsKind(kind, path) ? askingBeforeOpening(path) : home;
}

/** The return path the login form carries on (typed value first, then the address's). */
export function loginFormSuite(typed: string | undefined, query: unknown): string {
  return safeLocalPath(typed ?? query ?? '', '');
}
