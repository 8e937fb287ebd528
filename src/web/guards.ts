import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PatronActor, StaffActor } from '../domain/actor.js';
import { forbidden } from '../domain/errors.js';
import { loginUrlFor } from './after-login.js';

/** Kept here for the routes that check a `retour` path. */
export { safeLocalPath } from './after-login.js';

/**
 * The one authorisation helper: gives a route its acting staff member (and so the library
 * scope every query must filter by), or sends the visitor to the login page and back.
 */
export function requireStaff(request: FastifyRequest, reply: FastifyReply): StaffActor | null {
  if (request.actor) return request.actor;
  // A patron is logged in: the back-office is not theirs (no redirect loop through the login page).
  if (request.patron) throw forbidden();
  reply.redirect(loginUrlFor(request), 303);
  return null;
}

/** As requireStaff, then refuses (403) anyone who is not a network administrator. */
export function requireAdmin(request: FastifyRequest, reply: FastifyReply): StaffActor | null {
  const actor = requireStaff(request, reply);
  if (!actor) return null;
  if (actor.role !== 'network_admin') throw forbidden();
  return actor;
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
  reply.redirect(loginUrlFor(request, back), 303);
  return null;
}
