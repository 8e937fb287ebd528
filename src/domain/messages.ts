/**
 * Messages from patrons and visitors (SPEC §4, §5): "Écrire à ma médiathèque" and "Poser une
 * question au support technique". Pure rules: states, limits, field checks (saved replies are response templates of kind 'message').
 */

export type ThreadKind = 'library' | 'support';
export type ThreadState = 'new' | 'answered' | 'closed';

export const THREAD_STATE_LABELS: Record<ThreadState, string> = {
  new: 'Nouveau',
  answered: 'Répondu',
  closed: 'Clos',
};

export const THREAD_STATE_BADGES: Record<ThreadState, string> = {
  new: 'fr-badge--new',
  answered: 'fr-badge--success',
  closed: 'fr-badge--info',
};

export const THREAD_KIND_LABELS: Record<ThreadKind, string> = {
  library: 'Message à la bibliothèque',
  support: 'Question au support technique',
};

export const MESSAGE_SUBJECT_MAX = 150;
export const MESSAGE_BODY_MAX = 5_000;
/** The rate limit counts the messages sent in this window (setting: messagesPerHour). */
export const MESSAGE_WINDOW_MS = 60 * 60 * 1000;

/** The message shown when the rate limit is reached (a person must know nothing was sent). */
export const RATE_LIMITED =
  'Vous avez envoyé beaucoup de messages en peu de temps : celui-ci n’a pas été envoyé. Réessayez dans une heure ; votre texte est conservé ci-dessous.';

/** Field errors of a subject and message as typed (French, next to each field). */
export function messageFieldErrors(input: { objet?: string; message: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (input.objet !== undefined) {
    const s = input.objet.trim();
    if (!s) errors.objet = 'Indiquez l’objet de votre message.';
    else if (s.length > MESSAGE_SUBJECT_MAX)
      errors.objet = `L’objet ne doit pas dépasser ${MESSAGE_SUBJECT_MAX} caractères (actuellement ${s.length}).`;
  }
  const b = input.message.trim();
  if (!b) errors.message = 'Écrivez votre message.';
  else if (b.length > MESSAGE_BODY_MAX)
    errors.message = `Le message ne doit pas dépasser ${MESSAGE_BODY_MAX} caractères (actuellement ${b.length}).`;
  return errors;
}

/** One line: a subject never carries a line break into an e-mail header. */
export function cleanSubject(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Line breaks normalised, trailing spaces and blank lines at both ends removed. */
export function cleanBody(s: string): string {
  return s.replace(/\r\n?/g, '\n').trim();
}

/** Overdue like a request: the same delay, counted in elapsed 24-hour periods. */
export function isMessageOverdue(waitingSince: Date | null, cutoff: Date): boolean {
  return waitingSince !== null && waitingSince.getTime() <= cutoff.getTime();
}
