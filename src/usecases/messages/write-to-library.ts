import { recordEvent } from '../../db/repositories/events.js';
import { insertThread, insertThreadMessage } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import type { PatronActor } from '../../domain/actor.js';
import { newMessageNoticeMail } from '../../mail/message-mails.js';
import { displayName, ownAccount } from '../account/own-account.js';
import type { Deps } from '../deps.js';
import { assertMayWrite, checkedMessage } from './message-limits.js';

/**
 * "Écrire à ma médiathèque": a logged-in patron (any state that may log in: temporary,
 * active, renewal, expired) writes to their home library. One transaction: the thread, its
 * first message, the event, and the notice to the library's address.
 */
export async function writeToLibrary(
  deps: Deps,
  actor: PatronActor,
  input: { objet: string; message: string },
): Promise<string> {
  const { objet, message } = checkedMessage(input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await ownAccount(tx, actor);
    const network = await getNetwork(tx);
    await assertMayWrite(tx, { patronId: patron.id, email: patron.email! }, now, network.settings);
    const name = displayName(patron) || patron.identifier!;
    const threadId = await insertThread(tx, {
      kind: 'library',
      libraryId: patron.libraryId,
      patronId: patron.id,
      email: patron.email!,
      subject: objet,
      now,
    });
    await insertThreadMessage(tx, { threadId, authorKind: 'patron', authorLabel: name, body: message, now });
    const mailId = await enqueueMail(
      tx,
      newMessageNoticeMail({
        networkName: network.name,
        to: patron.libraryEmail,
        inboxName: patron.libraryName,
        from: name,
        subject: objet,
        url: `${deps.baseUrl}/admin/messages/${threadId}`,
        reply: false,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: patron.id, label: name },
      action: 'message_sent',
      subject: { kind: 'message_thread', id: threadId },
      data: { kind: 'library', libraryId: patron.libraryId, mailId },
    });
    return threadId;
  });
}
