import { recordEvent } from '../../db/repositories/events.js';
import { lockThreadForStaff, updateThread } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import type { StaffActor } from '../../domain/actor.js';
import { overdueCutoff } from '../../domain/decision-rules.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import { isMessageOverdue } from '../../domain/messages.js';
import type { Deps } from '../deps.js';

/**
 * A network administrator takes over a library's message left unanswered beyond the network's
 * escalation delay (the one of requests, counted the same way). The library sees who took it
 * over; the reply then goes out in the network's name, for the library.
 */
export async function takeOverThread(deps: Deps, actor: StaffActor, threadId: string): Promise<void> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const thread = await lockThreadForStaff(tx, actor.scope, threadId);
    if (!thread) throw notFound('Ce message');
    if (thread.kind !== 'library')
      throw new DomainError('not_library', 'Les questions au support sont déjà traitées par le réseau.', 409);
    if (thread.takenOverAt)
      throw new DomainError(
        'already_taken',
        `Ce message est déjà pris en charge par ${thread.takenOverByLabel}.`,
        409,
      );
    const network = await getNetwork(tx);
    if (
      thread.state !== 'new' ||
      !isMessageOverdue(thread.waitingSince, overdueCutoff(now, network.settings))
    )
      throw new DomainError(
        'not_overdue',
        'Ce message n’est pas en retard : il reste à sa bibliothèque jusqu’à la fin du délai du réseau.',
        409,
      );
    const changed = await updateThread(tx, threadId, 'new', {
      takenOverAt: now,
      takenOverById: actor.id,
      takenOverByLabel: actor.name,
    });
    if (!changed)
      throw new DomainError('thread_changed', 'Ce message vient d’être modifié : rechargez la page.', 409);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'message_taken_over',
      subject: { kind: 'message_thread', id: threadId },
      onBehalfOfLibraryId: thread.libraryId,
      data: { waitingSince: thread.waitingSince?.toISOString() ?? null },
    });
  });
}
