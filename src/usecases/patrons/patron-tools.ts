import { type Library, listLibraries } from '../../db/repositories/libraries.js';
import { getNetwork } from '../../db/repositories/network.js';
import type { PatronWithLibrary } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { renewalEnd } from '../../domain/decision-rules.js';
import type { Deps } from '../deps.js';
import { isRenewable } from './renew-directly.js';
import { awaitsFirstPassword } from './resend-password-link.js';

/**
 * "Actions sur le compte" on a patron's record: the staff tools (correct the identity, re-send
 * the set-password link, renew the rights, move to another library, delete). Each is a plain
 * link or POST form, so they all work without JavaScript.
 */
export interface PatronToolsData {
  patronId: string;
  name: string;
  email: string | null;
  state: PatronWithLibrary['state'];
  activeUntil: string | null;
  libraryId: string;
  libraryName: string;
  /** Registered by staff, no password chosen yet: the link can be sent again. */
  awaitingPassword: boolean;
  /** End date after "Renouveler les droits" today; null when the rights cannot be renewed. */
  renewTo: string | null;
  /** Network administrators only: the other active libraries. */
  otherLibraries: Library[] | null;
}

/** Null when the record has no personal data left: there is nothing to act on. */
export async function loadPatronTools(
  deps: Deps,
  actor: StaffActor,
  patron: PatronWithLibrary,
): Promise<PatronToolsData | null> {
  if (patron.anonymisedAt || patron.state === 'lapsed') return null;
  const { settings } = await getNetwork(deps.db);
  const admin = actor.role === 'network_admin';
  const libraries = admin ? await listLibraries(deps.db, actor.scope, { activeOnly: true }) : null;
  return {
    patronId: patron.id,
    name: [patron.firstName, patron.lastName].filter(Boolean).join(' ') || (patron.identifier ?? ''),
    email: patron.email,
    state: patron.state,
    activeUntil: patron.activeUntil,
    libraryId: patron.libraryId,
    libraryName: patron.libraryName,
    awaitingPassword: awaitsFirstPassword(patron),
    renewTo: isRenewable(patron) ? renewalEnd(patron.activeUntil, deps.clock.now(), settings) : null,
    otherLibraries: libraries ? libraries.filter((l) => l.id !== patron.libraryId) : null,
  };
}
