import { and, eq, gt } from 'drizzle-orm';
import { recordEvent } from '../../db/repositories/events.js';
import { cancelUnsentMail, findMail } from '../../db/repositories/outbox.js';
import { findPatronById, findPatronForStaff, type PatronRow } from '../../db/repositories/patrons.js';
import { patrons } from '../../db/schema.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { valuesFromSnapshot } from './decide-request.js';

export const UNDO_EXPIRED = 'Le délai d’annulation est dépassé : la décision a été envoyée.';

export interface UndoInput {
  patronId: string;
  /** The decision the person saw (ISO instant): a newer one is never undone by mistake. */
  decidedAt?: string;
}

/**
 * "Annuler la décision": within the grace period the request goes back exactly as it was and
 * the held e-mail is cancelled, so the patron never hears of the undone decision.
 */
export async function undoDecision(deps: Deps, actor: StaffActor, input: UndoInput): Promise<PatronRow> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, input.patronId);
    if (!patron) throw notFound('Cette demande');
    const { decidedAt, undoUntil, undoSnapshot } = patron;
    if (!decidedAt || !undoUntil || !undoSnapshot)
      throw new DomainError('nothing_to_undo', 'Aucune décision récente à annuler pour cette demande.', 409);
    if (input.decidedAt && input.decidedAt !== decidedAt.toISOString())
      throw new DomainError(
        'decision_changed',
        'La décision a changé depuis l’affichage de la fiche : vérifiez-la avant d’annuler.',
        409,
      );
    if (undoUntil.getTime() <= now.getTime()) throw new DomainError('undo_expired', UNDO_EXPIRED, 409);

    // Guarded: still within the window and still the same decision (not undone by a colleague meanwhile).
    const [row] = await tx
      .update(patrons)
      .set({
        ...valuesFromSnapshot(undoSnapshot),
        undoUntil: null,
        undoSnapshot: null,
        undoMailId: null,
        updatedAt: now,
      })
      .where(and(eq(patrons.id, patron.id), gt(patrons.undoUntil, now), eq(patrons.decidedAt, decidedAt)))
      .returning();
    if (!row) {
      const current = await findPatronById(tx, patron.id);
      if (current?.undoUntil && current.undoUntil.getTime() <= now.getTime())
        throw new DomainError('undo_expired', UNDO_EXPIRED, 409);
      throw new DomainError(
        'already_undone',
        'Cette décision vient d’être annulée ou remplacée par quelqu’un d’autre : vérifiez la fiche.',
        409,
      );
    }

    if (patron.undoMailId !== null) {
      const cancelled = await cancelUnsentMail(tx, patron.undoMailId);
      if (!cancelled) {
        const mail = await findMail(tx, patron.undoMailId);
        // Cannot happen while the mail is held until undoUntil, unless clocks disagree: then the
        // patron has been told, and undoing silently would contradict what they read.
        if (mail && mail.status !== 'cancelled')
          throw new DomainError(
            'mail_already_sent',
            'Le courriel annonçant la décision est déjà parti : la décision ne peut plus être annulée.',
            409,
          );
      }
    }

    await recordEvent(tx, {
      at: now,
      actor,
      action: 'decision_undone',
      subject: { kind: 'patron', id: patron.id },
      onBehalfOfLibraryId: actor.role === 'network_admin' ? patron.libraryId : null,
      data: {
        decision: patron.decision,
        decidedAt: decidedAt.toISOString(),
        decidedBy: patron.decidedByLabel,
        mailId: patron.undoMailId,
        state: row.state,
      },
    });
    return row;
  });
}
