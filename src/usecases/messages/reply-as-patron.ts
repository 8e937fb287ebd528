import { recordEvent } from '../../db/repositories/events.js';
import { findLibrary } from '../../db/repositories/libraries.js';
import { insertThreadMessage, lockThreadForPatron, updateThread } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import type { PatronActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { newMessageNoticeMail } from '../../mail/message-mails.js';
import { displayName, ownAccount } from '../account/own-account.js';
import type { Deps } from '../deps.js';
import { assertMayWrite, checkedMessage } from './message-limits.js';
import { STAFF_THREAD_URL } from './thread-words.js';

/**
 * The patron answers back in one of their threads. The thread becomes "Nouveau" again (a
 * closed one reopens) and waits for its inbox; the escalation delay counts from this message
 * unless an earlier one was already waiting.
 */
export async function replyAsPatron(
  deps: Deps,
  actor: PatronActor,
  threadId: string,
  input: { message: string },
): Promise<void> {
  const { message } = checkedMessage(input);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const thread = await lockThreadForPatron(tx, actor.id, threadId);
    if (!thread) throw notFound('Cette conversation');
    const patron = await ownAccount(tx, actor);
    const network = await getNetwork(tx);
    await assertMayWrite(tx, { patronId: patron.id, email: patron.email! }, now, network.settings);
    const name = displayName(patron) || patron.identifier!;
    await insertThreadMessage(tx, { threadId, authorKind: 'patron', authorLabel: name, body: message, now });
    const changed = await updateThread(tx, threadId, thread.state, {
      state: 'new',
      unread: true,
      waitingSince: thread.state === 'new' && thread.waitingSince ? thread.waitingSince : now,
      lastMessageAt: now,
    });
    if (!changed)
      throw new DomainError(
        'thread_changed',
        'Cette conversation vient de changer : rechargez la page.',
        409,
      );
    const library = thread.libraryId ? await findLibrary(tx, { all: true }, thread.libraryId) : null;
    const mailId = await enqueueMail(
      tx,
      newMessageNoticeMail({
        networkName: network.name,
        to: library?.email ?? network.email,
        inboxName: library?.name ?? 'le support technique',
        from: name,
        subject: thread.subject,
        url: `${deps.baseUrl}${STAFF_THREAD_URL}/${threadId}`,
        reply: true,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: patron.id, label: name },
      action: 'message_patron_replied',
      subject: { kind: 'message_thread', id: threadId },
      data: { mailId, previousState: thread.state },
    });
  });
}
