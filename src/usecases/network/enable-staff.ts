import { recordEvent } from '../../db/repositories/events.js';
import { findStaffById, type StaffWithLibraries, setStaffDisabledIf } from '../../db/repositories/staff.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/** A network administrator re-enables a disabled account; its former password works again. */
export async function enableStaff(
  deps: Deps,
  actor: StaffActor,
  staffId: string,
): Promise<StaffWithLibraries> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const target = await findStaffById(tx, staffId);
    if (!target) throw notFound('Ce compte');
    if (!(await setStaffDisabledIf(tx, target.id, null)))
      throw new DomainError('staff_already_enabled', 'Ce compte est déjà actif.', 409);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'staff_enabled',
      subject: { kind: 'staff', id: target.id },
      data: { identifier: target.identifier },
    });
    return { ...target, disabledAt: null };
  });
}
