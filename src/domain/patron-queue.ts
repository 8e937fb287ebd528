/**
 * The criteria of "Validation des inscriptions" (the staff list of patrons): which states it
 * filters by, how it sorts, how many rows a page holds. Shared by the repository that queries
 * the list and the views that show its form and links.
 */

export const QUEUE_STATE_FILTERS = [
  'a_valider',
  'reinscriptions',
  'en_retard',
  'attente_confirmation',
  'actifs',
  'expires',
  'refuses',
  'demandes_expirees',
  'tous',
] as const;
export type QueueStateFilter = (typeof QUEUE_STATE_FILTERS)[number];

export const QUEUE_SORTS = ['inscription', 'nom', 'attente', 'fin'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export const QUEUE_ORDERS = ['croissant', 'decroissant'] as const;
export type QueueOrder = (typeof QUEUE_ORDERS)[number];

export const QUEUE_PAGE_SIZE = 50;

/**
 * With text, the matching patrons are counted up to this; each match costs a recheck of the
 * folded text, so a vague word ("mar") over a whole network is better narrowed than counted.
 */
export const SEARCH_COUNT_CAP = 2_000;

/** States whose patrons wait for a decision: sorting them by waiting time makes sense. */
export const WAITING_FILTERS: readonly QueueStateFilter[] = ['a_valider', 'reinscriptions', 'en_retard'];

/** The sort a state filter opens with: the longest wait first, or the latest registrations. */
export function defaultSort(state: QueueStateFilter): { sort: QueueSort; order: QueueOrder } {
  return WAITING_FILTERS.includes(state)
    ? { sort: 'attente', order: 'croissant' }
    : { sort: 'inscription', order: 'decroissant' };
}
