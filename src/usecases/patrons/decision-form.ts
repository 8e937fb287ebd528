import { getNetwork } from '../../db/repositories/network.js';
import { findPatronForStaff } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { type DecisionFormInput, decisionErrors, situationOf } from '../../domain/decision-rules.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import {
  type DecisionInput,
  type DecisionOutcome,
  decideRequest,
  notAwaitingError,
} from './decide-request.js';

/**
 * The decision form posted without a decision: every field's message at once (the use case
 * needs a decision to run). A request no longer waiting is a conflict (409), as when deciding.
 */
export async function decisionFormErrors(
  deps: Deps,
  actor: StaffActor,
  patronId: string,
  input: DecisionFormInput,
): Promise<Record<string, string>> {
  const patron = await findPatronForStaff(deps.db, actor.scope, patronId);
  if (!patron) throw notFound('Cette demande');
  const situation = situationOf(patron.state);
  if (!situation) throw notAwaitingError(patron);
  return decisionErrors(input, situation, patron.channel);
}

/** Decides, and says how long the decision stays undoable (the network's setting, read after). */
export async function decideFromForm(
  deps: Deps,
  actor: StaffActor,
  input: DecisionInput,
): Promise<DecisionOutcome & { undoMinutes: number }> {
  const outcome = await decideRequest(deps, actor, input);
  const { settings } = await getNetwork(deps.db);
  return { ...outcome, undoMinutes: settings.undoMinutes };
}
