import type { StaffActor } from '../../../domain/actor.js';

/**
 * The bulk decision controls shown under the queue's table (inside the list's form, whose
 * checkboxes are named `ids`). Owned by the decisions feature; the list page renders it.
 */
export function BulkDecisionBar(_props: { actor: StaffActor }) {
  return null;
}

/** Where the list's form posts its selection. */
export const BULK_DECISION_ACTION = '/admin/usagers/decisions';
