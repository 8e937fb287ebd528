import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findPatronById, findPatronForStaff, transitionPatron } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import { formatDate } from '../../domain/paris.js';
import { AWAITING_DECISION, daysWaiting, isOverdue } from '../../domain/patron-lifecycle.js';
import { overdueWarningMail } from '../../mail/decision-mails.js';
import type { Deps } from '../deps.js';
import { notAwaitingError, patronDisplayName } from './decide-request.js';

/**
 * A network administrator warns the library that one of its requests is overdue (SPEC §2
 * transition 5): an e-mail to the library with a direct link, recorded in the patron's history.
 */
export async function warnLibrary(
  deps: Deps,
  actor: StaffActor,
  patronId: string,
): Promise<{ libraryName: string; patronName: string }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, patronId);
    if (!patron) throw notFound('Cette demande');
    if (!AWAITING_DECISION.includes(patron.state) || !patron.pendingSince) throw notAwaitingError(patron);
    const network = await getNetwork(tx);
    if (!isOverdue(patron.pendingSince, now, network.settings)) {
      const due = new Date(patron.pendingSince.getTime() + network.settings.escalationDays * DAY);
      throw new DomainError(
        'not_overdue',
        `Cette demande n’est pas en retard : la bibliothèque a jusqu’au ${formatDate(due)} pour décider.`,
        409,
      );
    }
    const row = await transitionPatron(tx, patron.id, AWAITING_DECISION, {
      lastWarnedAt: now,
      updatedAt: now,
    });
    if (!row) {
      const current = await findPatronById(tx, patron.id);
      throw current ? notAwaitingError(current) : notFound('Cette demande');
    }
    const name = patronDisplayName(patron);
    const waited = daysWaiting(patron.pendingSince, now);
    const mailId = await enqueueMail(
      tx,
      {
        ...overdueWarningMail({
          networkName: network.name,
          to: patron.libraryEmail,
          libraryName: patron.libraryName,
          adminName: actor.name,
          daysWaiting: waited,
          request: {
            name,
            identifier: patron.identifier ?? '',
            pendingSince: patron.pendingSince,
            url: `${deps.baseUrl}/admin/usagers/${patron.id}`,
          },
        }),
        patronId: patron.id,
      },
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'warned',
      subject: { kind: 'patron', id: patron.id },
      data: { libraryId: patron.libraryId, libraryName: patron.libraryName, daysWaiting: waited, mailId },
    });
    return { libraryName: patron.libraryName, patronName: name };
  });
}
