import { TZDate } from '@date-fns/tz';
import { DAY } from './clock.js';
import { formatDateTime, isoDate, PARIS, parisDay } from './paris.js';
import { addDays, type PatronState, subscriptionEnd } from './patron-lifecycle.js';
import {
  DEFAULT_TEMPLATES,
  isTemplateKey,
  PLACEHOLDERS,
  type RegistrationChannel,
  type ResponseTemplate,
  type TemplateKey,
  templateFits,
  unknownPlaceholders,
} from './response-templates.js';
import type { NetworkSettings } from './settings.js';

/**
 * Pure rules of the library's decision on a request (SPEC §2 transitions 4, 5, 6): what must be
 * confirmed before accepting, which templates fit, the new end date, and when a request is late.
 */

/** The two checks of the NuMos seed, by form field. */
export const CHECKS = {
  membre: 'Adhérent actif de la bibliothèque (inscrit ou réinscrit depuis moins d’un an)',
  naissance: 'Date de naissance vérifiée (au moins l’année)',
} as const;
export type CheckName = keyof typeof CHECKS;

export const CHECK_MISSING: Record<CheckName, string> = {
  membre:
    'Pour accepter, confirmez que le demandeur est adhérent actif de la bibliothèque (inscrit ou réinscrit depuis moins d’un an).',
  naissance: 'Pour accepter, confirmez que la date de naissance a été vérifiée (au moins l’année).',
};

export type DecisionKind = 'accept' | 'refuse';
/** A first registration or a renewal: each has its own templates and outcome. */
export type DecisionSituation = 'registration' | 'renewal';

export function situationOf(state: PatronState): DecisionSituation | null {
  if (state === 'pending') return 'registration';
  if (state === 'renewal_pending') return 'renewal';
  return null;
}

/** Templates offered for a situation (and a decision, when given), in their list order. */
export function templatesFor(
  situation: DecisionSituation,
  decision?: DecisionKind,
  channel: RegistrationChannel = 'self',
): TemplateKey[] {
  return (Object.keys(DEFAULT_TEMPLATES) as TemplateKey[]).filter((key) => {
    const t = DEFAULT_TEMPLATES[key];
    if (!templateFits(key, situation, channel)) return false;
    if (decision) return t.decision === (decision === 'accept' ? 'accepted' : 'refused');
    return true;
  });
}

/** The template sent when a decision is taken without choosing one (bulk, renewals). */
export function defaultTemplate(
  situation: DecisionSituation,
  decision: DecisionKind,
  channel: RegistrationChannel = 'self',
): TemplateKey {
  return templatesFor(situation, decision, channel)[0]!;
}

/**
 * The NuMos seed's FAQ: a library "ne peut en aucun cas refuser une inscription … à partir du
 * moment où le demandeur s'est précédemment inscrit à la bibliothèque". Refusing someone staff
 * have just confirmed as a member asks for this confirmation.
 */
export const KNOWN_MEMBER_RULE =
  'Vous avez coché « adhérent actif de la bibliothèque ». Une bibliothèque ne peut en aucun cas refuser une inscription à partir du moment où le demandeur s’est précédemment inscrit à la bibliothèque, qu’il utilise ses services ou pas. Pour refuser quand même (date de naissance incorrecte, par exemple), cochez « Je confirme le refus ».';

export const CONFIRM_REFUSAL_LABEL = 'Je confirme le refus malgré l’adhésion à la bibliothèque';

export const SUBJECT_MAX = 200;
export const BODY_MAX = 20_000;

/** "Balise inconnue : [xxx]. Balises possibles : …" for a text with unknown placeholders. */
export function placeholderMessage(unknown: readonly string[], kind?: ResponseTemplate['kind']): string {
  const list = kind === 'message' ? '[reseau], [bibliotheque]' : PLACEHOLDERS.join(', ');
  return unknown.length === 1
    ? `Balise inconnue : ${unknown[0]}. Balises possibles : ${list}.`
    : `Balises inconnues : ${unknown.join(', ')}. Balises possibles : ${list}.`;
}

/** Errors of a subject and body of e-mail text (decision message or template), by field. */
export function messageErrors(
  subject: string,
  body: string,
  fields: { subject: string; body: string } = { subject: 'objet', body: 'message' },
  /** A saved reply ('message'): its title instead of a subject, its own placeholders. */
  kind?: ResponseTemplate['kind'],
): Record<string, string> {
  const errors: Record<string, string> = {};
  const s = subject.trim();
  const b = body.trim();
  if (!s)
    errors[fields.subject] =
      kind === 'message' ? 'Indiquez le titre de la réponse.' : 'Indiquez l’objet du courriel.';
  else if (s.length > SUBJECT_MAX)
    errors[fields.subject] = `L’objet ne doit pas dépasser ${SUBJECT_MAX} caractères.`;
  else if (/[\r\n]/.test(s)) errors[fields.subject] = 'L’objet doit tenir sur une seule ligne.';
  else {
    const unknown = unknownPlaceholders(s, kind);
    if (unknown.length) errors[fields.subject] = placeholderMessage(unknown, kind);
  }
  if (!b) errors[fields.body] = 'Écrivez le message envoyé à l’usager.';
  else if (b.length > BODY_MAX)
    errors[fields.body] = `Le message ne doit pas dépasser ${BODY_MAX} caractères.`;
  else {
    const unknown = unknownPlaceholders(b, kind);
    if (unknown.length) errors[fields.body] = placeholderMessage(unknown, kind);
  }
  return errors;
}

export interface DecisionFormInput {
  decision: DecisionKind | undefined;
  checks: Record<CheckName, boolean>;
  /** "Je confirme le refus" (needed to refuse a patron ticked as a member). */
  confirmRefusal?: boolean;
  templateKey: string | undefined;
  subject: string;
  message: string;
}

/**
 * Everything wrong with a decision form, by field (empty when it may be applied). Field names
 * are the form's: decision, membre, naissance, modele, objet, message.
 */
/** A refusal template sent with "Accepter" (or the reverse) would tell the patron the opposite. */
export function templateMismatch(decision: DecisionKind, key: TemplateKey): string | null {
  const expected = decision === 'accept' ? 'accepted' : 'refused';
  if (DEFAULT_TEMPLATES[key].decision === expected) return null;
  return decision === 'accept'
    ? 'Ce modèle annonce un refus : choisissez le modèle d’acceptation, puis « Utiliser ce modèle ».'
    : 'Ce modèle annonce une acceptation : choisissez un motif de refus, puis « Utiliser ce modèle ».';
}

export function decisionErrors(
  input: DecisionFormInput,
  situation: DecisionSituation,
  channel: RegistrationChannel = 'self',
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!input.decision) errors.decision = 'Choisissez Accepter ou Refuser.';
  if (input.decision === 'accept')
    for (const check of Object.keys(CHECKS) as CheckName[])
      if (!input.checks[check]) errors[check] = CHECK_MISSING[check];
  if (
    input.decision === 'refuse' &&
    situation === 'registration' &&
    input.checks.membre &&
    !input.confirmRefusal
  )
    errors.confirmer_refus = KNOWN_MEMBER_RULE;
  const key = input.templateKey;
  if (!isTemplateKey(key) || !templateFits(key, situation, channel))
    errors.modele = 'Choisissez un modèle de réponse dans la liste.';
  else if (input.decision) {
    const mismatch = templateMismatch(input.decision, key);
    if (mismatch) errors.modele = mismatch;
  }
  Object.assign(errors, messageErrors(input.subject, input.message));
  return errors;
}

/**
 * End date after an accepted renewal: one more period after the current end, so renewing
 * early loses nothing. A subscription that has already ended starts again from the decision
 * day (a period counted from a past date would be partly spent already).
 */
export function renewalEnd(currentEnd: string | null, decidedAt: Date, settings: NetworkSettings): string {
  const today = isoDate(parisDay(decidedAt));
  if (!currentEnd || currentEnd < today) return subscriptionEnd(decidedAt, decidedAt, settings);
  return addDays(currentEnd, settings.membershipDays);
}

/** "Déjà traitée par X le JJ/MM/AAAA à HH:MM" (what a colleague sees after losing a race). */
export function alreadyDecidedReason(label: string, decidedAt: Date): string {
  return `Déjà traitée par ${label} le ${formatDateTime(decidedAt)}`;
}

const timeFmt = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, hour: '2-digit', minute: '2-digit' });

/** 10:05, Paris wall time. */
export function parisTime(at: Date): string {
  return timeFmt.format(at);
}

/**
 * Escalation counts elapsed 24-hour periods, like isOverdue and daysWaiting: a request
 * waiting since Thursday 10:00 (summer time) is late five 24-hour periods later, which reads
 * 09:00 once the clocks went back in between. One rule everywhere, so the reminder e-mail, the
 * "En retard" queue and the days shown in the lists always agree.
 */
export function overdueCutoff(now: Date, settings: NetworkSettings): Date {
  return new Date(now.getTime() - settings.escalationDays * DAY);
}

/** Whole days past the escalation delay (0 on the first day late). */
export function daysOverdue(pendingSince: Date, now: Date, settings: NetworkSettings): number {
  return Math.max(0, Math.floor((now.getTime() - pendingSince.getTime()) / DAY) - settings.escalationDays);
}

/** The network's digest goes out once a day, not before this Paris hour. */
export const DIGEST_HOUR = 7;

/** Paris calendar day (AAAA-MM-JJ) whose digest is due at `now`, or null before DIGEST_HOUR. */
export function digestDayDue(now: Date): string | null {
  const z = new TZDate(now.getTime(), PARIS);
  if (z.getHours() < DIGEST_HOUR) return null;
  return isoDate(parisDay(now));
}
