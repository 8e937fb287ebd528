import { recordEvent } from '../../db/repositories/events.js';
import { findLibrary } from '../../db/repositories/libraries.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { movePatronToLibrary } from '../../db/repositories/patron-records.js';
import { findPatronForStaff } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { forbidden, notFound, ValidationError } from '../../domain/errors.js';
import { isAwaitingDecision } from '../../domain/patron-lifecycle.js';
import { requestTransferredMail } from '../../mail/staff-registration-mails.js';
import type { Deps } from '../deps.js';
import { patronDisplayName } from './decide-request.js';
import { changedMeanwhile, erasedRecord } from './edit-patron.js';

/**
 * A network administrator moves a patron to another home library (SPEC §4). A request still
 * waiting follows the patron into the new library's queue: the new library is told by e-mail
 * and will get its own overdue reminder (the old library's reminder does not count for it).
 */
export async function changePatronLibrary(
  deps: Deps,
  actor: StaffActor,
  input: { patronId: string; libraryId: string },
): Promise<{ from: string; to: string }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, input.patronId);
    if (!patron) throw notFound('Cet usager');
    if (patron.anonymisedAt || patron.state === 'lapsed') throw erasedRecord();
    const target = input.libraryId ? await findLibrary(tx, actor.scope, input.libraryId) : null;
    if (!target?.active)
      throw new ValidationError({ libraryId: 'Choisissez une bibliothèque active dans la liste.' });
    if (target.id === patron.libraryId)
      throw new ValidationError({
        libraryId: `L’usager est déjà rattaché à ${target.name} : choisissez une autre bibliothèque.`,
      });
    const waiting = isAwaitingDecision(patron.state);
    const row = await movePatronToLibrary(tx, patron.id, patron.libraryId, {
      libraryId: target.id,
      updatedAt: now,
      ...(waiting ? { overdueNotifiedAt: null, lastWarnedAt: null } : {}),
    });
    if (!row) throw changedMeanwhile();
    if (waiting) {
      const network = await getNetwork(tx);
      await enqueueMail(
        tx,
        requestTransferredMail({
          networkName: network.name,
          to: target.email,
          libraryName: target.name,
          fromLibraryName: patron.libraryName,
          patronName: patronDisplayName(patron),
          identifier: patron.identifier ?? '',
          pendingSince: patron.pendingSince,
          renewal: patron.state === 'renewal_pending',
          url: `${deps.baseUrl}/admin/usagers/${patron.id}`,
        }),
        now,
      );
    }
    // Library names are facts, not personal data: kept under their own keys when the record is erased.
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'library_changed',
      subject: { kind: 'patron', id: patron.id },
      data: {
        fromLibraryId: patron.libraryId,
        fromLibraryName: patron.libraryName,
        toLibraryId: target.id,
        toLibraryName: target.name,
        ...(waiting ? { requestFollowed: true } : {}),
      },
    });
    return { from: patron.libraryName, to: target.name };
  });
}
