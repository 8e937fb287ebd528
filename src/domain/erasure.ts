/** Anonymisation rules (RGPD): what replaces personal data, and how free text is scrubbed. */

/** What remains of a patron's name in the history once their data is erased. */
export const ERASED_PATRON_LABEL = 'Usager (données effacées)';

/** Replaces every piece of personal text in events and e-mails. */
export const ERASED_TEXT = '(effacé)';
export const ERASED_MAIL = '(courriel effacé)';

/**
 * Why a record loses its personal data. Callers record their own event (with their actor and
 * this reason) BEFORE calling anonymisePatron, so that event is scrubbed too.
 */
export type AnonymisationReason = 'lapsed' | 'retention' | 'deleted_by_staff' | 'deleted_by_patron';

export const ERASURE_REASON_LABELS: Record<AnonymisationReason, string> = {
  lapsed: 'demande d’inscription non confirmée dans le délai',
  retention: 'fin de la durée de conservation des données',
  deleted_by_staff: 'compte supprimé par la bibliothèque',
  deleted_by_patron: 'compte supprimé par l’usager',
};

/**
 * Keys of event data whose string values are personal text about the subject: the message and
 * subject of a decision e-mail, identity values, before/after of an identity correction.
 * Nested objects under these keys are scrubbed whole (strings only: numbers and booleans are
 * facts, not identity).
 */
const PERSONAL_KEYS = new Set([
  'subject',
  'message',
  'body',
  'text',
  'name',
  'patronName',
  'patron',
  'firstName',
  'lastName',
  'email',
  'newEmail',
  'oldEmail',
  'previousEmail',
  'pendingEmail',
  'identifier',
  'cardNumber',
  'birthDate',
  'before',
  'after',
  'changes',
  'to',
]);

/** Personal values shorter than this are not looked for inside other strings (too many false hits). */
const MIN_NEEDLE = 3;

/**
 * The event data of an anonymised subject: the facts stay (action, dates, template, checks,
 * library), personal text goes. Strings under personal keys are replaced, and any other string
 * that contains one of the patron's own values (name, e-mail, identifiant, card) is replaced
 * too, so a field we did not foresee cannot keep them.
 */
export function scrubEventData(data: unknown, needles: readonly string[]): unknown {
  const lowered = needles.filter((n) => n.length >= MIN_NEEDLE).map((n) => n.toLocaleLowerCase('fr'));
  const walk = (value: unknown, personal: boolean): unknown => {
    if (typeof value === 'string') {
      if (personal) return ERASED_TEXT;
      const v = value.toLocaleLowerCase('fr');
      return lowered.some((n) => v.includes(n)) ? ERASED_TEXT : value;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, personal));
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v, personal || PERSONAL_KEYS.has(k))]),
      );
    return value;
  };
  return walk(data, false);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * A text about several people (an e-mail listing a library's late requests) with one person's
 * own values replaced wherever they appear, whatever the case, also in their HTML-escaped form;
 * the others' stay.
 */
export function scrubText(text: string, needles: readonly string[]): string {
  const forms = new Set<string>();
  for (const n of needles) {
    if (n.length < MIN_NEEDLE) continue;
    forms.add(n);
    forms.add(n.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!));
  }
  // Longest first: "Quenault-Brébeuf" goes whole before "Quenault" is looked for.
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length))
    out = out.replace(new RegExp(form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'), ERASED_TEXT);
  return out;
}
