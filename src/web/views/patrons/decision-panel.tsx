import type { PatronWithLibrary } from '../../../db/repositories/patrons.js';
import type { StaffActor } from '../../../domain/actor.js';
import type { AppDeps } from '../../app.js';
import type { FieldErrors, FormValues } from '../components/forms.js';

/**
 * "Que décidez-vous ?" on a patron's record: the decision form (or, within the undo window,
 * the "Annuler la décision" button). Owned by the decisions feature; the record page renders it.
 */
export interface DecisionPanelData {
  patronId: string;
}

/** Null when there is nothing to decide or undo for this patron. */
export async function loadDecisionPanel(
  _deps: AppDeps,
  _actor: StaffActor,
  _patron: PatronWithLibrary,
): Promise<DecisionPanelData | null> {
  return null;
}

export function DecisionPanel(_props: {
  data: DecisionPanelData;
  csrf: string;
  values?: FormValues;
  errors?: FieldErrors;
}) {
  return null;
}
