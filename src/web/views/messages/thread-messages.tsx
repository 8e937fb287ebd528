import type { ThreadDetail } from '../../../db/repositories/messages.js';
import { THREAD_STATE_BADGES, THREAD_STATE_LABELS, type ThreadState } from '../../../domain/messages.js';
import { formatDateTime } from '../../../domain/paris.js';

export function ThreadStateBadge({ state }: { state: ThreadState }) {
  return <p class={`fr-badge fr-badge--sm ${THREAD_STATE_BADGES[state]}`}>{THREAD_STATE_LABELS[state]}</p>;
}

/**
 * The messages of a thread, oldest first. Plain text: escaped, line breaks kept, web addresses
 * shown as text (never links: a message could point anywhere).
 */
export function ThreadMessages({
  thread,
  staffLabel,
  writerLabel,
}: {
  thread: ThreadDetail;
  /** How a staff reply is signed for this reader. */
  staffLabel: (m: ThreadDetail['messages'][number]) => string;
  writerLabel: (m: ThreadDetail['messages'][number]) => string;
}) {
  return (
    <ol class="sesame-thread fr-mb-4w" aria-label="Messages de la conversation">
      {thread.messages.map((m) => (
        <li
          class={`fr-p-3w fr-mb-2w ${m.authorKind === 'staff' ? 'fr-background-alt--blue-france' : 'fr-background-alt--grey'}`}
        >
          <p class="fr-text--sm fr-mb-1w">
            <strong>{m.authorKind === 'staff' ? staffLabel(m) : writerLabel(m)}</strong>, le{' '}
            {formatDateTime(m.createdAt)}
          </p>
          <div class="sesame-pre sesame-break">{m.body}</div>
        </li>
      ))}
    </ol>
  );
}
