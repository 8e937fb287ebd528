import { recordEvent } from '../../db/repositories/events.js';
import { deleteSessionsOf } from '../../db/repositories/sessions.js';
import { findStaffById, type StaffWithLibraries, setStaffDisabledIf } from '../../db/repositories/staff.js';
import { revokeTokens } from '../../db/repositories/tokens.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { isLastActiveAdmin } from './staff-checks.js';

/**
 * A network administrator disables a staff account: it can no longer log in, its open
 * sessions end now and its pending password links stop working. Nobody disables their own
 * account, and the network always keeps one active administrator.
 */
export async function disableStaff(
  deps: Deps,
  actor: StaffActor,
  staffId: string,
): Promise<StaffWithLibraries> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const target = await findStaffById(tx, staffId);
    if (!target) throw notFound('Ce compte');
    if (target.id === actor.id)
      throw new DomainError(
        'cannot_disable_self',
        'Vous ne pouvez pas désactiver votre propre compte. Demandez à un autre administrateur du réseau de le faire.',
        409,
      );
    if (target.role === 'network_admin' && (await isLastActiveAdmin(tx, target.id)))
      throw new DomainError(
        'last_admin',
        'C’est le dernier compte d’administration du réseau encore actif : créez ou réactivez un autre compte d’administration avant de désactiver celui-ci.',
        409,
      );
    if (!(await setStaffDisabledIf(tx, target.id, now)))
      throw new DomainError('staff_already_disabled', 'Ce compte est déjà désactivé.', 409);
    await deleteSessionsOf(tx, 'staff', target.id);
    await revokeTokens(tx, { kind: 'staff', id: target.id }, ['set_password', 'reset_password'], now);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'staff_disabled',
      subject: { kind: 'staff', id: target.id },
      data: { identifier: target.identifier },
    });
    return { ...target, disabledAt: now };
  });
}
