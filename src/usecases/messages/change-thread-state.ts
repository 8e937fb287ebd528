import { recordEvent } from '../../db/repositories/events.js';
import { hasStaffReply, lockThreadForStaff, updateThread } from '../../db/repositories/messages.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { ThreadState } from '../../domain/messages.js';
import type { Deps } from '../deps.js';

/**
 * Staff close a thread (nothing more to say) or reopen a closed one. Reopened, it is
 * "Répondu" if staff have already answered, otherwise "Nouveau" again.
 */
export async function changeThreadState(
  deps: Deps,
  actor: StaffActor,
  threadId: string,
  to: 'closed' | 'open',
): Promise<ThreadState> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const thread = await lockThreadForStaff(tx, actor.scope, threadId);
    if (!thread) throw notFound('Ce message');
    if (thread.kind === 'library' && actor.role === 'network_admin' && !thread.takenOverAt)
      throw new DomainError('not_taken_over', 'Ce message est traité par sa bibliothèque.', 409);
    if (to === 'closed' && thread.state === 'closed')
      throw new DomainError('already_closed', 'Ce message est déjà clos.', 409);
    if (to === 'open' && thread.state !== 'closed')
      throw new DomainError('not_closed', 'Ce message n’est pas clos.', 409);
    const answered = await hasStaffReply(tx, threadId);
    const next: ThreadState = to === 'closed' ? 'closed' : answered ? 'answered' : 'new';
    const changed = await updateThread(tx, threadId, thread.state, {
      state: next,
      unread: false,
      waitingSince: next === 'new' ? now : null,
    });
    if (!changed)
      throw new DomainError('thread_changed', 'Ce message vient d’être modifié : rechargez la page.', 409);
    await recordEvent(tx, {
      at: now,
      actor,
      action: to === 'closed' ? 'message_closed' : 'message_reopened',
      subject: { kind: 'message_thread', id: threadId },
      onBehalfOfLibraryId:
        thread.kind === 'library' && actor.role === 'network_admin' ? thread.libraryId : null,
      data: { previousState: thread.state, state: next },
    });
    return next;
  });
}
