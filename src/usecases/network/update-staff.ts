import { recordEvent } from '../../db/repositories/events.js';
import { findStaffById, type StaffWithLibraries, updateStaffProfile } from '../../db/repositories/staff.js';
import { revokeTokens } from '../../db/repositories/tokens.js';
import type { StaffActor, StaffRole } from '../../domain/actor.js';
import { forbidden, notFound, ValidationError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { isLastActiveAdmin, libraryChoiceError } from './staff-checks.js';

export interface StaffProfile {
  name: string;
  email: string;
  role: StaffRole;
  /** The account's libraries; ignored for the network's administration, which sees them all. */
  libraryIds: string[];
}

/** What the form sends: one library to choose (the account's libraries are kept if it is one of them). */
export interface StaffProfileInput extends Omit<StaffProfile, 'libraryIds'> {
  /** Empty for the network's administration. */
  libraryId: string;
}

export interface StaffUpdate {
  account: StaffWithLibraries;
  /** The fields that changed, in form order; empty when the form changed nothing. */
  changed: Array<keyof StaffProfile>;
  /** The e-mail changed: links sent to the old address no longer work. */
  linksRevoked: boolean;
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * A network administrator corrects a staff account: name, e-mail, role and libraries. The
 * change applies to the person's next page (their scope is read at every request). Nobody
 * changes their own role, and the network always keeps one active administrator. A new e-mail
 * voids the password links sent to the old one, which may have been a wrong address.
 */
export async function updateStaff(
  deps: Deps,
  actor: StaffActor,
  staffId: string,
  input: StaffProfileInput,
): Promise<StaffUpdate> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const target = await findStaffById(tx, staffId);
    if (!target) throw notFound('Ce compte');
    // The form offers one library: keeping one of an account's several libraries keeps them all.
    const libraryIds =
      input.role === 'network_admin' || !input.libraryId
        ? []
        : target.libraryIds.includes(input.libraryId)
          ? target.libraryIds
          : [input.libraryId];

    const errors: Record<string, string> = {};
    const libraryError = await libraryChoiceError(tx, input.role, libraryIds);
    if (libraryError) errors.libraryId = libraryError;
    if (input.role !== target.role && target.id === actor.id)
      errors.role =
        'Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre administrateur du réseau.';
    else if (
      target.role === 'network_admin' &&
      input.role !== 'network_admin' &&
      (await isLastActiveAdmin(tx, target.id))
    )
      errors.role =
        'C’est le dernier compte d’administration du réseau encore actif : créez ou réactivez un autre compte d’administration avant de changer son rôle.';
    if (Object.keys(errors).length) throw new ValidationError(errors);

    const changed: StaffUpdate['changed'] = [];
    if (input.name !== target.name) changed.push('name');
    if (input.email !== target.email) changed.push('email');
    if (input.role !== target.role) changed.push('role');
    if (!sameSet(libraryIds, target.libraryIds)) changed.push('libraryIds');
    const account = { ...target, name: input.name, email: input.email, role: input.role, libraryIds };
    if (changed.length === 0) return { account: target, changed, linksRevoked: false };

    await updateStaffProfile(tx, target.id, account);
    const linksRevoked = changed.includes('email');
    if (linksRevoked)
      await revokeTokens(tx, { kind: 'staff', id: target.id }, ['set_password', 'reset_password'], now);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'staff_updated',
      subject: { kind: 'staff', id: target.id },
      data: {
        identifier: target.identifier,
        fields: changed,
        before: Object.fromEntries(changed.map((f) => [f, target[f]])),
        after: Object.fromEntries(changed.map((f) => [f, account[f]])),
      },
    });
    return { account, changed, linksRevoked };
  });
}
