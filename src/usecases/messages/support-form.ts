import { findStaffById } from '../../db/repositories/staff.js';
import type { PatronActor, StaffActor } from '../../domain/actor.js';
import { ownAccount } from '../account/own-account.js';
import type { Deps } from '../deps.js';

/** What the support form shows: the account's address (fixed) when logged in, none for a visitor. */
export async function supportFormContext(
  deps: Deps,
  patron: PatronActor | null,
  staff: StaffActor | null,
): Promise<{ accountEmail: string | null; isPatron: boolean }> {
  if (patron) {
    const account = await ownAccount(deps.db, patron);
    return { accountEmail: account.email, isPatron: true };
  }
  if (staff)
    return { accountEmail: (await findStaffById(deps.db, staff.id))?.email ?? null, isPatron: false };
  return { accountEmail: null, isPatron: false };
}
