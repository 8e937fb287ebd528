import { recordEvent } from '../../db/repositories/events.js';
import { findLibrary } from '../../db/repositories/libraries.js';
import { insertThreadMessage, lockThreadForStaff, updateThread } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { messageReplyMail } from '../../mail/message-mails.js';
import type { Deps } from '../deps.js';
import { checkedMessage } from './message-limits.js';
import { PATRON_THREAD_URL, replySender } from './thread-words.js';

/**
 * A staff member answers a thread of their scope: the reply is stored, the thread becomes
 * "Répondu" and the reply is e-mailed (through the outbox, in the same transaction) to the
 * patron, who also reads it in "Mes messages", or to the visitor. A network administrator
 * answers a library's message only once they have taken it over (see take-over-thread).
 */
export async function replyAsStaff(
  deps: Deps,
  actor: StaffActor,
  threadId: string,
  input: { message: string },
): Promise<void> {
  const { message } = checkedMessage(input);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const thread = await lockThreadForStaff(tx, actor.scope, threadId);
    if (!thread) throw notFound('Ce message');
    const onBehalf = thread.kind === 'library' && actor.role === 'network_admin';
    if (onBehalf && !thread.takenOverAt)
      throw new DomainError(
        'not_taken_over',
        'Ce message attend la réponse de sa bibliothèque. Vous pourrez le prendre en charge s’il reste sans réponse au-delà du délai du réseau.',
        409,
        'message',
      );
    const network = await getNetwork(tx);
    const library = thread.libraryId ? await findLibrary(tx, { all: true }, thread.libraryId) : null;
    await insertThreadMessage(tx, {
      threadId,
      authorKind: 'staff',
      authorStaffId: actor.id,
      authorLabel: actor.name,
      body: message,
      now,
    });
    const changed = await updateThread(tx, threadId, thread.state, {
      state: 'answered',
      unread: false,
      waitingSince: null,
      lastMessageAt: now,
    });
    if (!changed)
      throw new DomainError('thread_changed', 'Ce message vient d’être modifié : rechargez la page.', 409);
    const mailId = await enqueueMail(
      tx,
      messageReplyMail({
        networkName: network.name,
        to: thread.email,
        from: replySender({ ...thread, libraryName: library?.name ?? null }, network.name),
        subject: thread.subject,
        reply: message,
        threadUrl: thread.patronId ? `${deps.baseUrl}${PATRON_THREAD_URL}/${threadId}` : null,
        patronId: thread.patronId,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'message_replied',
      subject: { kind: 'message_thread', id: threadId },
      onBehalfOfLibraryId: onBehalf ? thread.libraryId : null,
      data: { mailId, previousState: thread.state },
    });
  });
}
