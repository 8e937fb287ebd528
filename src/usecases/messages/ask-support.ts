import { z } from 'zod';
import { recordEvent } from '../../db/repositories/events.js';
import { insertThread, insertThreadMessage } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findStaffById } from '../../db/repositories/staff.js';
import type { PatronActor, StaffActor } from '../../domain/actor.js';
import { ValidationError } from '../../domain/errors.js';
import { newMessageNoticeMail } from '../../mail/message-mails.js';
import { displayName, ownAccount } from '../account/own-account.js';
import type { Deps } from '../deps.js';
import { assertMayWrite, checkedMessage } from './message-limits.js';

const emailSchema = z.string().trim().max(254).email();

export type SupportAsker =
  | { kind: 'visitor'; email: string }
  | { kind: 'patron'; actor: PatronActor }
  | { kind: 'staff'; actor: StaffActor };

/**
 * "Poser une question au support technique": anyone writes to the network's support inbox. A
 * logged-in person writes from their account's address; a visitor gives one and is answered by
 * e-mail only. A filled honeypot (a field people never see) is a robot: nothing is written and
 * the robot is told "sent", so it learns nothing.
 */
export async function askSupport(
  deps: Deps,
  asker: SupportAsker,
  input: { objet: string; message: string; honeypot?: string },
): Promise<{ threadId: string | null }> {
  const errors: Record<string, string> = {};
  if (asker.kind === 'visitor' && !emailSchema.safeParse(asker.email).success)
    errors.courriel = 'Indiquez une adresse électronique valide, par exemple nom@exemple.fr.';
  let checked: { objet?: string; message: string } = input;
  try {
    checked = checkedMessage(input);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    Object.assign(errors, e.fieldErrors);
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  if (input.honeypot?.trim()) return { threadId: null };
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const network = await getNetwork(tx);
    let who: { patronId: string | null; email: string; label: string; actorId: string | null };
    if (asker.kind === 'patron') {
      const patron = await ownAccount(tx, asker.actor);
      who = {
        patronId: patron.id,
        email: patron.email!,
        label: displayName(patron) || patron.identifier!,
        actorId: patron.id,
      };
    } else if (asker.kind === 'staff') {
      const staff = await findStaffById(tx, asker.actor.id);
      if (!staff) throw new ValidationError({ message: 'Votre compte n’est plus ouvert.' });
      who = { patronId: null, email: staff.email, label: asker.actor.name, actorId: null };
    } else {
      who = { patronId: null, email: asker.email.trim(), label: asker.email.trim(), actorId: null };
    }
    await assertMayWrite(tx, who, now, network.settings);
    const threadId = await insertThread(tx, {
      kind: 'support',
      libraryId: null,
      patronId: who.patronId,
      email: who.email,
      subject: checked.objet!,
      now,
    });
    await insertThreadMessage(tx, {
      threadId,
      authorKind: who.patronId ? 'patron' : 'visitor',
      authorLabel: who.label,
      body: checked.message,
      now,
    });
    const mailId = await enqueueMail(
      tx,
      newMessageNoticeMail({
        networkName: network.name,
        to: network.email,
        inboxName: 'le support technique',
        from: who.patronId ? who.label : 'Une personne',
        subject: checked.objet!,
        url: `${deps.baseUrl}/admin/messages/${threadId}`,
        reply: false,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor:
        asker.kind === 'staff'
          ? asker.actor
          : who.actorId
            ? { kind: 'patron', id: who.actorId, label: who.label }
            : { kind: 'system', label: 'Visiteur' },
      action: 'message_sent',
      subject: { kind: 'message_thread', id: threadId },
      data: { kind: 'support', mailId },
    });
    return { threadId };
  });
}
