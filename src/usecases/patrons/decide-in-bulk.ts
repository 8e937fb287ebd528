import { getNetwork } from '../../db/repositories/network.js';
import { findPatronForStaff } from '../../db/repositories/patrons.js';
import { templatesByKey } from '../../db/repositories/response-templates.js';
import type { StaffActor } from '../../domain/actor.js';
import {
  CHECK_MISSING,
  CHECKS,
  type CheckName,
  type DecisionKind,
  defaultTemplate,
  KNOWN_MEMBER_RULE,
  situationOf,
  templatesFor,
} from '../../domain/decision-rules.js';
import { ValidationError } from '../../domain/errors.js';
import type { TemplateKey } from '../../domain/response-templates.js';
import type { Deps } from '../deps.js';
import { alertLicencePoolFull, LicencePoolFullError } from '../resources/licence-pool.js';
import { AlreadyDecidedError, applyDecision, notAwaitingError, patronDisplayName } from './decide-request.js';

export const BULK_MAX = 200;

export interface BulkInput {
  ids: string[];
  decision: DecisionKind | undefined;
  /** The refusal reason for first registrations; renewals get the renewal's own template. */
  templateKey?: string;
  checks: Record<CheckName, boolean>;
  confirmRefusal?: boolean;
}

export interface BulkOutcome {
  done: string[];
  skipped: Array<{ name: string; reason: string }>;
}

export function bulkErrors(input: BulkInput): Record<string, string> {
  const errors: Record<string, string> = {};
  const ids = new Set(input.ids);
  if (ids.size === 0) errors.ids = 'Sélectionnez au moins une demande dans la liste.';
  else if (ids.size > BULK_MAX)
    errors.ids = `Sélectionnez au plus ${BULK_MAX} demandes à la fois (${ids.size} sélectionnées).`;
  if (!input.decision) errors.decision = 'Choisissez Accepter ou Refuser.';
  if (input.decision === 'accept')
    for (const check of Object.keys(CHECKS) as CheckName[])
      if (!input.checks[check]) errors[check] = CHECK_MISSING[check];
  if (
    input.decision === 'refuse' &&
    !templatesFor('registration', 'refuse').includes(input.templateKey as TemplateKey)
  )
    errors.modele = 'Choisissez le motif du refus.';
  if (input.decision === 'refuse' && input.checks.membre && !input.confirmRefusal)
    errors.confirmer_refus = KNOWN_MEMBER_RULE;
  return errors;
}

/**
 * One decision applied to a selection of requests. Each patron is decided in a transaction of
 * its own with the same guarded update as a single decision (and its own filled message and
 * held e-mail), so a request a colleague decided meanwhile is skipped without failing the rest.
 * Ids outside the actor's libraries are reported as unknown and never touched.
 */
export async function decideInBulk(deps: Deps, actor: StaffActor, input: BulkInput): Promise<BulkOutcome> {
  const errors = bulkErrors(input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const decision = input.decision as DecisionKind;
  const network = await getNetwork(deps.db);
  const templates = await templatesByKey(deps.db);
  const outcome: BulkOutcome = { done: [], skipped: [] };

  for (const id of [...new Set(input.ids)]) {
    let name = id;
    try {
      const skippedReason = await deps.db.transaction(async (tx) => {
        const patron = await findPatronForStaff(tx, actor.scope, id);
        if (!patron) return 'introuvable';
        name = patronDisplayName(patron);
        const situation = situationOf(patron.state);
        if (!situation) {
          const e = notAwaitingError(patron);
          return e instanceof AlreadyDecidedError ? e.reason : e.message;
        }
        const templateKey: TemplateKey =
          situation === 'registration' && decision === 'refuse'
            ? (input.templateKey as TemplateKey)
            : defaultTemplate(situation, decision, patron.channel);
        const template = templates[templateKey];
        await applyDecision(tx, {
          now: deps.clock.now(),
          actor,
          patron,
          network,
          situation,
          decision,
          templateKey,
          subject: template.subject,
          message: template.body,
          checks: input.checks,
          bulk: true,
          baseUrl: deps.baseUrl,
        });
        return null;
      });
      if (skippedReason) outcome.skipped.push({ name, reason: skippedReason });
      else outcome.done.push(name);
    } catch (error) {
      if (error instanceof AlreadyDecidedError) outcome.skipped.push({ name, reason: error.reason });
      else if (error instanceof LicencePoolFullError) {
        // The rest of the selection would meet the same limit: say so for each, decide none.
        await alertLicencePoolFull(deps, error);
        outcome.skipped.push({ name, reason: error.message });
      } else throw error;
    }
  }
  return outcome;
}
