import { newServiceTicket, serviceWithTicket } from '../../connectors/cas/protocol.js';
import { deleteExpiredCasTickets, insertCasTicket } from '../../db/repositories/cas.js';
import { deleteSession, findSession } from '../../db/repositories/sessions.js';
import type { PatronActor } from '../../domain/actor.js';
import { ResourceRefusal } from '../../domain/resource-access.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';
import { openDocument } from '../resources/open-document.js';
import { registeredService } from './service-registry.js';

/**
 * How recent a login must be for `renew=true` to take it as "primary credentials presented"
 * (§2.1.1): the patron typed their password on /connexion on their way here. Longer would let an
 * old session pass for a fresh login; the round trip through the login page takes seconds.
 */
export const FRESH_LOGIN_MS = 60_000;

export interface CasLoginInput {
  patron: PatronActor | null;
  /** Someone of the staff is logged in: staff accounts get no ticket. */
  staff: boolean;
  sessionToken: string | undefined;
  service: string | undefined;
  renew: boolean;
  gateway: boolean;
  /** The network setting; a service may have its own. */
  ticketSeconds: number;
}

export type CasLoginOutcome =
  /** No service: say the patron is logged in (or ask them to log in). */
  | { kind: 'no_service' }
  | { kind: 'unregistered' }
  | { kind: 'staff' }
  /** To the login page and back; `endSession` when renew asked for a password anew. */
  | { kind: 'login'; endSession: boolean }
  /** Back to the service: with a ticket, or without one (gateway, nobody logged in). */
  | { kind: 'redirect'; url: string; ticket: boolean }
  | { kind: 'refused'; refusal: ResourceRefusal };

/**
 * /cas/login as credential requestor (CAS 3.0 §2.1): a registered service only; a logged-in
 * patron gets a ticket without typing a password again unless `renew`; `gateway` without a
 * session goes back to the service with no ticket. Before any ticket, the checks of an opening
 * (state, rights, age, the library's subscription, a withdrawal) and its consultation record,
 * through openDocument itself (not recorded again when the patron has just opened it from the
 * catalog: see OpenInput.handOff). Tickets: single use, bound to the exact service, stored hashed.
 */
export async function casLogin(deps: Deps, input: CasLoginInput): Promise<CasLoginOutcome> {
  const loggedIn = input.patron !== null || input.staff;
  if (input.service === undefined)
    return loggedIn ? { kind: 'no_service' } : { kind: 'login', endSession: false };
  const registered = await registeredService(deps.db, input.service);
  if (!registered) return { kind: 'unregistered' };
  const gateway = input.gateway && !input.renew;
  if (!input.patron) {
    if (gateway) return { kind: 'redirect', url: input.service, ticket: false };
    return input.staff ? { kind: 'staff' } : { kind: 'login', endSession: false };
  }
  const now = deps.clock.now();
  if (input.renew) {
    const session = input.sessionToken ? await findSession(deps.db, sha256(input.sessionToken)) : null;
    if (!session || now.getTime() - session.createdAt.getTime() > FRESH_LOGIN_MS) {
      if (session) await deleteSession(deps.db, session.idHash);
      return { kind: 'login', endSession: true };
    }
  }
  try {
    await openDocument(deps, input.patron, { resourceId: registered.resourceId, handOff: true });
  } catch (e) {
    if (e instanceof ResourceRefusal) return { kind: 'refused', refusal: e };
    throw e;
  }
  const ticket = newServiceTicket();
  const seconds = registered.ticketSeconds ?? input.ticketSeconds;
  await deleteExpiredCasTickets(deps.db, now);
  await insertCasTicket(deps.db, {
    hash: sha256(ticket),
    resourceId: registered.resourceId,
    patronId: input.patron.id,
    service: input.service,
    fromNewLogin: input.renew,
    createdAt: now,
    expiresAt: new Date(now.getTime() + seconds * 1000),
  });
  return { kind: 'redirect', url: serviceWithTicket(input.service, ticket), ticket: true };
}
