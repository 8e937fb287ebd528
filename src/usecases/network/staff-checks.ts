import type { Executor } from '../../db/client.js';
import { findLibrary } from '../../db/repositories/libraries.js';
import { lockActiveAdminIds } from '../../db/repositories/staff.js';
import type { StaffRole } from '../../domain/actor.js';

/**
 * What is wrong with an account's libraries, for the form's `libraryId` field (the same message
 * at creation and when correcting an account); null when they are right. The network's
 * administration has none to choose.
 */
export async function libraryChoiceError(
  tx: Executor,
  role: StaffRole,
  libraryIds: readonly string[],
): Promise<string | null> {
  if (role === 'network_admin') return null;
  if (libraryIds.length === 0) return 'Choisissez la bibliothèque de ce compte.';
  for (const libraryId of libraryIds)
    if (!(await findLibrary(tx, { all: true }, libraryId))) return 'Bibliothèque inconnue.';
  return null;
}

/**
 * Whether this account is the network's last active administrator. Locks the administrators'
 * rows until the end of the transaction, so two administrators acting on each other at once
 * cannot leave the network without one.
 */
export async function isLastActiveAdmin(tx: Executor, staffId: string): Promise<boolean> {
  const active = await lockActiveAdminIds(tx);
  return active.includes(staffId) && active.length <= 1;
}
