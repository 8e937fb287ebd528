import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PatronActor, StaffActor } from '../domain/actor.js';
import { forbidden } from '../domain/errors.js';

/**
 * The one authorisation helper: gives a route its acting staff member (and so the library
 * scope every query must filter by), or sends the visitor to the login page and back.
 */
export function requireStaff(request: FastifyRequest, reply: FastifyReply): StaffActor | null {
  if (request.actor) return request.actor;
  // A patron is logged in: the back-office is not theirs (no redirect loop through the login page).
  if (request.patron) throw forbidden();
  const next = encodeURIComponent(request.url);
  const expired = request.sessionExpired ? '&expiree=1' : '';
  reply.redirect(`/connexion?suite=${next}${expired}`, 303);
  return null;
}

/** As requireStaff, then refuses (403) anyone who is not a network administrator. */
export function requireAdmin(request: FastifyRequest, reply: FastifyReply): StaffActor | null {
  const actor = requireStaff(request, reply);
  if (!actor) return null;
  if (actor.role !== 'network_admin') throw forbidden();
  return actor;
}

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

/**
 * The logged-in patron, or a redirect to the login page and back (to `back`, this page by
 * default). Staff are refused (403).
 */
export function requirePatron(
  request: FastifyRequest,
  reply: FastifyReply,
  back: string = request.url,
): PatronActor | null {
  if (request.patron) return request.patron;
  if (request.actor) throw forbidden();
  const next = encodeURIComponent(back);
  const expired = request.sessionExpired ? '&expiree=1' : '';
  reply.redirect(`/connexion?suite=${next}${expired}`, 303);
  return null;
}
