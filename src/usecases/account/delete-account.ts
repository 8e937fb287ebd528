import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { anonymisePatron } from '../../db/repositories/patron-erasure.js';
import { transitionPatron } from '../../db/repositories/patrons.js';
import type { PatronActor } from '../../domain/actor.js';
import { DomainError, ValidationError } from '../../domain/errors.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import { addDays } from '../../domain/patron-lifecycle.js';
import { accountDeletedMail } from '../../mail/account-mails.js';
import type { Deps } from '../deps.js';
import { patronLabel } from '../patrons/register-patron.js';
import { currentPasswordProblem } from './current-password.js';
import { displayName, ownAccount } from './own-account.js';

const OPEN_STATES = ['pending', 'active', 'renewal_pending', 'expired'] as const;

/**
 * "Supprimer mon compte" (SPEC §2 transition 9), with the password asked again. In one
 * transaction: the account is closed (state `expired`, its end date brought back to
 * yesterday if it ran further, out of the validation queue), the deletion is recorded, then
 * the personal data is erased at once by the shared anonymisation (history rewritten, e-mails
 * about the patron emptied, sessions and links gone). The library receives the name and
 * identifiant of the patron who left — data it already had — in an e-mail that is not tied to
 * the patron (it is the library's mail, kept like its other mail).
 */
export async function deleteOwnAccount(
  deps: Deps,
  actor: PatronActor,
  input: { password: string },
): Promise<void> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const patron = await ownAccount(deps.db, actor);
  const problem = await currentPasswordProblem(deps.db, patron, input.password, now, network.settings);
  if (problem) throw new ValidationError({ password: problem });

  await deps.db.transaction(async (tx) => {
    const yesterday = addDays(isoDate(parisDay(now)), -1);
    const closed = await transitionPatron(tx, patron.id, OPEN_STATES, {
      state: 'expired',
      activeUntil: patron.activeUntil && patron.activeUntil > yesterday ? yesterday : patron.activeUntil,
      pendingSince: null,
      updatedAt: now,
    });
    if (!closed || closed.anonymisedAt)
      throw new DomainError('account_closed', 'Ce compte n’existe plus ou n’est plus ouvert.', 409);
    // Recorded before the erasure, which rewrites it like the rest of the history.
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
      action: 'deleted_by_patron',
      subject: { kind: 'patron', id: patron.id },
      data: { previousState: patron.state, previousActiveUntil: patron.activeUntil },
    });
    await anonymisePatron(tx, patron.id, now, 'deleted_by_patron');
    await enqueueMail(
      tx,
      accountDeletedMail({
        networkName: network.name,
        to: patron.libraryEmail,
        libraryName: patron.libraryName,
        patron: { name: displayName(patron), identifier: patron.identifier ?? '' },
        deletedAt: now,
      }),
      now,
    );
  });
}
