import { type EventRow, eventsOf } from '../../db/repositories/events.js';
import { type Library, listLibraries } from '../../db/repositories/libraries.js';
import {
  findStaffById,
  listStaff,
  type StaffRow,
  type StaffWithLibraries,
} from '../../db/repositories/staff.js';
import type { StaffActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/** What the administration's pages about one staff account read. */

export async function findStaffAccount(deps: Deps, id: string): Promise<StaffWithLibraries> {
  const account = await findStaffById(deps.db, id);
  if (!account) throw notFound('Ce compte');
  return account;
}

/**
 * The libraries a staff account may be attached to: the active ones, and, when correcting an
 * account, its current ones even if they were deactivated since.
 */
export async function librariesForAccountForm(deps: Deps, account?: StaffWithLibraries): Promise<Library[]> {
  if (!account) return listLibraries(deps.db, { all: true }, { activeOnly: true });
  return (await listLibraries(deps.db, { all: true })).filter(
    (l) => l.active || account.libraryIds.includes(l.id),
  );
}

export interface StaffAccountDetails {
  account: StaffWithLibraries;
  libraries: Library[];
  history: EventRow[];
}

export async function loadStaffAccount(deps: Deps, id: string): Promise<StaffAccountDetails> {
  const account = await findStaffAccount(deps, id);
  const [libraries, history] = await Promise.all([
    account.libraryIds.length
      ? listLibraries(deps.db, { all: false, libraryIds: account.libraryIds })
      : Promise.resolve([]),
    eventsOf(deps.db, { kind: 'staff', id: account.id }, 50),
  ]);
  return { account, libraries, history };
}

export type StaffWithNames = StaffRow & { libraryNames: string[] };

/** Every account, for network administrators (whose scope is the whole network). */
export function listStaffAccounts(deps: Deps, actor: StaffActor): Promise<StaffWithNames[]> {
  return listStaff(deps.db, actor.scope);
}
