import type { Executor } from '../../db/client.js';
import { findPatronById, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import type { PatronActor } from '../../domain/actor.js';
import { DomainError } from '../../domain/errors.js';
import { patronMayLogIn } from '../../domain/patron-lifecycle.js';

/**
 * The logged-in patron's own record, as every "Mon compte" action reads it: a record that was
 * anonymised or closed in the meantime (another tab, a sweep) is refused rather than changed.
 */
export async function ownAccount(db: Executor, actor: Pick<PatronActor, 'id'>): Promise<PatronWithLibrary> {
  const patron = await findPatronById(db, actor.id);
  if (!patron || patron.anonymisedAt || !patron.identifier || !patronMayLogIn(patron.state))
    throw new DomainError('account_closed', 'Ce compte n’existe plus ou n’est plus ouvert.', 404);
  return patron;
}

/** "Prénom Nom", as e-mails greet the patron. */
export function displayName(p: Pick<PatronWithLibrary, 'firstName' | 'lastName'>): string {
  return `${p.firstName ?? ''} ${p.lastName ?? ''}`.trim();
}
