import { recordEvent } from '../../db/repositories/events.js';
import { updatePatron } from '../../db/repositories/patrons.js';
import type { PatronActor } from '../../domain/actor.js';
import type { Deps } from '../deps.js';
import { patronLabel } from '../patrons/register-patron.js';
import { ownAccount } from './own-account.js';

/** "Newsletter : Oui / Non" on "Mon compte". Saving the same answer again changes nothing. */
export async function setNewsletter(
  deps: Deps,
  actor: PatronActor,
  newsletter: boolean,
): Promise<{ changed: boolean }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await ownAccount(tx, actor);
    if (patron.newsletter === newsletter) return { changed: false };
    await updatePatron(tx, patron.id, { newsletter, updatedAt: now });
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
      action: 'newsletter_changed',
      subject: { kind: 'patron', id: patron.id },
      data: { newsletter },
    });
    return { changed: true };
  });
}
