import { deleteSip2Account } from '../../db/repositories/sip2.js';
import type { StaffActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/** A network administrator closes a provider's SIP2 account; its next login is refused. */
export async function removeSip2Account(deps: Deps, _actor: StaffActor, id: string): Promise<void> {
  if (!(await deleteSip2Account(deps.db, id))) throw notFound('Ce compte SIP2');
}
