import { z } from 'zod';
import { type DecisionKind, templateMismatch } from '../../../domain/decision-rules.js';
import { DEFAULT_TEMPLATES, isTemplateKey } from '../../../domain/response-templates.js';
import { safeLocalPath } from '../../guards.js';
import type { FormValues } from '../../views/components/forms.js';
import { DECISION_VALUES } from '../../views/patrons/decision-panel.js';

/** The decision forms as posted: the record's decision form and the list's bulk bar. */

const QUEUE_URL = '/admin/usagers';

/** Lenient parsing: the checks and their French messages are the use case's (decisionErrors). */
const text = (max: number) => z.string().max(max).optional().catch(undefined);
export const decisionForm = z.object({
  action: z.enum(['modele', 'decider']).catch('decider'),
  decision: text(20),
  membre: text(10),
  naissance: text(10),
  confirmer_refus: text(10),
  modele: text(60),
  modele_affiche: text(60),
  objet: text(2_000),
  message: text(100_000),
  fin_prevue: text(10),
});

export function decisionKind(value: string | undefined): DecisionKind | undefined {
  if (value === DECISION_VALUES.accept) return 'accept';
  if (value === DECISION_VALUES.refuse) return 'refuse';
  return undefined;
}

const idsField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
export const bulkForm = z.object({
  ids: idsField,
  decision: text(20),
  membre: text(10),
  naissance: text(10),
  confirmer_refus: text(10),
  modele: text(60),
  retour: text(2_000),
});

/** Back to the same filtered list: only a local path under the queue is followed. */
export function queueReturnPath(retour: string | undefined): string {
  if (!retour) return QUEUE_URL;
  const path = safeLocalPath(retour.startsWith('?') ? `${QUEUE_URL}${retour}` : retour, QUEUE_URL);
  return path === QUEUE_URL || /^\/admin\/usagers(?:[?#/]|$)/.test(path) ? path : QUEUE_URL;
}

/**
 * "Utiliser ce modèle": no decision taken, the same form again with the chosen template's texts,
 * unless the template did not change (Enter pressed in a field): then nothing typed is lost.
 * `mismatch`: the template does not go with the decision ticked.
 */
export function templateChoice(
  f: z.output<typeof decisionForm>,
  kept: FormValues,
): { values: FormValues; mismatch: string | null } {
  const decision = decisionKind(f.decision);
  const changed = f.modele !== f.modele_affiche;
  const values: FormValues = changed ? { ...kept, objet: undefined, message: undefined } : kept;
  if (changed && !decision && isTemplateKey(f.modele))
    values.decision =
      DEFAULT_TEMPLATES[f.modele].decision === 'accepted' ? DECISION_VALUES.accept : DECISION_VALUES.refuse;
  // Said now, next to the list, rather than only when "Valider la décision" is pressed.
  const mismatch = decision && isTemplateKey(f.modele) ? templateMismatch(decision, f.modele) : null;
  return { values, mismatch };
}
