import { recordEvent } from '../../db/repositories/events.js';
import { findLibrary, type Library, setLibraryActive as setActive } from '../../db/repositories/libraries.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/**
 * A network administrator deactivates a library (it leaves the public list and the choices
 * offered to new patrons; its accounts and history stay) or reactivates it.
 */
export async function setLibraryActive(
  deps: Deps,
  actor: StaffActor,
  id: string,
  active: boolean,
): Promise<Library> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await findLibrary(tx, actor.scope, id);
    if (!current) throw notFound('Cette bibliothèque');
    const row = await setActive(tx, current.id, active, now);
    if (!row)
      throw new DomainError(
        active ? 'library_already_active' : 'library_already_inactive',
        active ? 'Cette bibliothèque est déjà active.' : 'Cette bibliothèque est déjà désactivée.',
        409,
      );
    await recordEvent(tx, {
      at: now,
      actor,
      action: active ? 'library_reactivated' : 'library_deactivated',
      subject: { kind: 'library', id: row.id },
      data: { code: row.code },
    });
    return row;
  });
}
