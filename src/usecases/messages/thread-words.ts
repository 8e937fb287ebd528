import type { ThreadKind } from '../../domain/messages.js';

/** Who the patron reads as the author of a staff reply: the library, never a staff member's name. */
export function replySender(
  t: { kind: ThreadKind; libraryName: string | null; takenOverAt: Date | null },
  networkName: string,
): string {
  if (t.kind === 'support') return `Le support technique de ${networkName}`;
  if (t.takenOverAt) return `${networkName}, pour ${t.libraryName ?? 'votre bibliothèque'}`;
  return t.libraryName ?? networkName;
}

export const PATRON_THREAD_URL = '/mon-compte/conversations';
export const STAFF_THREAD_URL = '/admin/messages';
