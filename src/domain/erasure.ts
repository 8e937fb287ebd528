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

/** What replaces an erased patron's line in an e-mail that lists several requests. */
export const ERASED_REQUEST_LINE = 'Demande d’un usager dont les données ont été effacées.';

const RECORD_URL = /\/admin\/usagers\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;

/** The patrons an e-mail to staff is about: each request it lists carries its record's address. */
export function recordIdsIn(text: string): Set<string> {
  return new Set([...text.matchAll(RECORD_URL)].map((m) => m[1]!));
}

/**
 * An e-mail listing several requests (one line, or HTML paragraph, per request, each with its
 * record's address) without the lines of the erased patrons: the whole line goes, so nothing
 * of theirs stays, however short or common their name, and the other lines stay intact.
 */
export function withoutRequestLines(
  mail: { text: string; html: string },
  patronIds: readonly string[],
): { text: string; html: string } {
  let { text, html } = mail;
  for (const id of patronIds) {
    const url = `/admin/usagers/${id}`;
    text = text
      .split('\n')
      .map((line) => (line.includes(url) ? ERASED_REQUEST_LINE : line))
      .join('\n');
    html = html.replace(new RegExp(`<p([^>]*)>[^<]*${url}[^<]*</p>`, 'g'), `<p$1>${ERASED_REQUEST_LINE}</p>`);
  }
  return { text, html };
}
