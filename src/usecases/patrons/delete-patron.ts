import { recordEvent } from '../../db/repositories/events.js';
import { anonymisePatron } from '../../db/repositories/patron-erasure.js';
import { findPatronForStaff, transitionPatron } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { parisDay } from '../../domain/paris.js';
import { stateAfterErasure } from '../../domain/patron-identity.js';
import type { Deps } from '../deps.js';

export const alreadyErased = () =>
  new DomainError('already_erased', 'Les données de cet usager sont déjà effacées.', 409);

/**
 * Staff delete a patron (SPEC §2 transition 9, §4): the personal data is erased at once with
 * the network's anonymisation (names, e-mail, identifiant, password, card, exact birth date;
 * the history keeps its facts with the subject anonymised). The record stays for statistics,
 * in a state that no longer waits, counts as active or gets reminders (stateAfterErasure).
 * Library staff reach only their libraries' patrons (404 otherwise).
 */
export async function deletePatron(
  deps: Deps,
  actor: StaffActor,
  patronId: string,
): Promise<{ previousState: string }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, patronId);
    if (!patron) throw notFound('Cet usager');
    if (patron.anonymisedAt) throw alreadyErased();
    const next = stateAfterErasure(patron.state, patron.activeUntil, parisDay(now));
    const row = await transitionPatron(tx, patron.id, [patron.state], {
      state: next.state,
      activeUntil: next.activeUntil,
      pendingSince: null,
      ...(next.state === 'lapsed' && patron.state !== 'lapsed' ? { refusalReason: 'deleted_by_staff' } : {}),
      updatedAt: now,
    });
    if (!row)
      throw new DomainError(
        'patron_changed_meanwhile',
        'Cette fiche vient d’être modifiée par quelqu’un d’autre : vérifiez-la, puis recommencez la suppression.',
        409,
      );
    // Recorded before the erasure, so the erasure scrubs this event like every other one.
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'deleted_by_staff',
      subject: { kind: 'patron', id: patron.id },
      onBehalfOfLibraryId: actor.role === 'network_admin' ? patron.libraryId : null,
      data: {
        libraryId: patron.libraryId,
        previousState: patron.state,
        ...(next.state !== patron.state ? { newState: next.state } : {}),
      },
    });
    if (!(await anonymisePatron(tx, patron.id, now, 'deleted_by_staff'))) throw alreadyErased();
    return { previousState: patron.state };
  });
}
