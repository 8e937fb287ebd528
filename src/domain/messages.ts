/**
 * Messages from patrons and visitors (SPEC §4, §5): "Écrire à ma médiathèque" and "Poser une
 * question au support technique". Pure rules: states, limits, field checks, saved replies.
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

/**
 * Saved replies offered to staff answering a message. The text is prefilled in the reply and
 * stays editable; [reseau] is the network's name, [bibliotheque] the answering library's.
 */
export const SAVED_REPLIES = {
  accuse: {
    label: 'Accusé de réception',
    body: 'Bonjour,\n\nNous avons bien reçu votre message et nous vous répondrons dès que possible.\n\nBien cordialement,\n[bibliotheque]',
  },
  mot_de_passe: {
    label: 'Mot de passe oublié',
    body: 'Bonjour,\n\nPour choisir un nouveau mot de passe, utilisez le lien « Mot de passe oublié » de la page de connexion de [reseau] : vous recevrez un lien par courriel.\n\nBien cordialement,\n[bibliotheque]',
  },
  adhesion: {
    label: 'Adhésion à vérifier à la bibliothèque',
    body: 'Bonjour,\n\nL’accès à [reseau] est réservé aux adhérents actifs d’une bibliothèque du réseau. Nous vous invitons à passer à la bibliothèque pour vérifier ou renouveler votre adhésion.\n\nBien cordialement,\n[bibliotheque]',
  },
  transmis: {
    label: 'Transmis au prestataire',
    body: 'Bonjour,\n\nNous avons transmis votre signalement au prestataire de la ressource concernée. Nous reviendrons vers vous dès que nous aurons sa réponse.\n\nBien cordialement,\n[bibliotheque]',
  },
} as const;

export type SavedReplyKey = keyof typeof SAVED_REPLIES;

export function isSavedReply(v: unknown): v is SavedReplyKey {
  return typeof v === 'string' && Object.hasOwn(SAVED_REPLIES, v);
}

export function fillSavedReply(key: SavedReplyKey, v: { networkName: string; signature: string }): string {
  return SAVED_REPLIES[key].body
    .replaceAll('[reseau]', v.networkName)
    .replaceAll('[bibliotheque]', v.signature);
}

/** Overdue like a request: the same delay, counted in elapsed 24-hour periods. */
export function isMessageOverdue(waitingSince: Date | null, cutoff: Date): boolean {
  return waitingSince !== null && waitingSince.getTime() <= cutoff.getTime();
}
