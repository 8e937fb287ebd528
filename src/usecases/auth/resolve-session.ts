import type { Network } from '../../db/repositories/network.js';
import { findPatronById } from '../../db/repositories/patrons.js';
import { deleteSession, findSession, touchSession } from '../../db/repositories/sessions.js';
import { findStaffById } from '../../db/repositories/staff.js';
import { type PatronActor, type StaffActor, scopeFor } from '../../domain/actor.js';
import { MINUTE } from '../../domain/clock.js';
import { patronMayLogIn } from '../../domain/patron-lifecycle.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export type SessionState =
  | { status: 'none' }
  | { status: 'expired' }
  | { status: 'active'; actor: StaffActor; sessionHash: string }
  | { status: 'patron'; patron: PatronActor; sessionHash: string };

/**
 * Turns a session cookie into the acting person, enforcing the idle and absolute timeouts
 * of the network's settings. A disabled account's session ends at once.
 */
export async function resolveSession(
  deps: Deps,
  network: Network,
  token: string | undefined,
): Promise<SessionState> {
  if (!token) return { status: 'none' };
  const { db, clock } = deps;
  const now = clock.now();
  const idHash = sha256(token);
  const session = await findSession(db, idHash);
  if (!session) return { status: 'expired' };
  const idleLimit = network.settings.sessionIdleMinutes * MINUTE;
  const absoluteLimit = network.settings.sessionAbsoluteHours * 60 * MINUTE;
  if (
    now.getTime() - session.lastSeenAt.getTime() > idleLimit ||
    now.getTime() - session.createdAt.getTime() > absoluteLimit
  ) {
    await deleteSession(db, idHash);
    return { status: 'expired' };
  }
  if (session.principalKind === 'patron') {
    const patron = await findPatronById(db, session.principalId);
    if (!patron || !patronMayLogIn(patron.state) || patron.anonymisedAt || !patron.identifier) {
      await deleteSession(db, idHash);
      return { status: 'expired' };
    }
    if (now.getTime() - session.lastSeenAt.getTime() > MINUTE) await touchSession(db, idHash, now);
    return {
      status: 'patron',
      sessionHash: idHash,
      patron: {
        kind: 'patron',
        id: patron.id,
        firstName: patron.firstName ?? '',
        lastName: patron.lastName ?? '',
        identifier: patron.identifier,
        state: patron.state,
        libraryId: patron.libraryId,
      },
    };
  }
  const staff = await findStaffById(db, session.principalId);
  if (!staff || staff.disabledAt) {
    await deleteSession(db, idHash);
    return { status: 'expired' };
  }
  // Write at most once a minute: reading a page should not cost a write each time.
  if (now.getTime() - session.lastSeenAt.getTime() > MINUTE) await touchSession(db, idHash, now);
  return {
    status: 'active',
    sessionHash: idHash,
    actor: {
      kind: 'staff',
      id: staff.id,
      name: staff.name,
      identifier: staff.identifier,
      role: staff.role,
      scope: scopeFor(staff.role, staff.libraryIds),
    },
  };
}
