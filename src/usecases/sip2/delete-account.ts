import { deleteSip2Account } from '../../db/repositories/sip2.js';
import type { StaffActor } from '../../domain/actor.js';
import type { Deps } from '../deps.js';

/**
 * A network administrator closes a provider's SIP2 account; its next login is refused (open
 * connections keep their session until they close). False when there was no such account.
 */
export async function removeSip2Account(deps: Deps, _actor: StaffActor, id: string): Promise<boolean> {
  return deleteSip2Account(deps.db, id);
}
