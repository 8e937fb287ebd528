import { type Library, listLibraries } from '../../db/repositories/libraries.js';
import {
  loadQueue,
  type QueueCounts,
  type QueuePage,
  type QueueRow,
} from '../../db/repositories/patron-queue.js';
import type { StaffActor } from '../../domain/actor.js';
import { isAwaitingDecision } from '../../domain/patron-lifecycle.js';
import {
  defaultSort,
  type QueueOrder,
  type QueueSort,
  type QueueStateFilter,
} from '../../domain/patron-queue.js';
import type { NetworkSettings } from '../../domain/settings.js';
import type { Deps } from '../deps.js';
import { isRenewable } from './renew-directly.js';

/** The list's query string once read (each value absent when missing or wrong). */
export interface QueueQuery {
  bibliotheque?: string;
  etat?: QueueStateFilter;
  q?: string;
  tri?: QueueSort;
  ordre?: QueueOrder;
  page?: number;
}

/** The criteria the list is shown with. */
export interface QueueView {
  /** Null: every library the actor may see. */
  libraryId: string | null;
  state: QueueStateFilter;
  q: string;
  sort: QueueSort;
  order: QueueOrder;
  page: number;
}

/** The criteria of a request, within what the actor may see (a library outside it is ignored). */
export function resolveQueueView(query: QueueQuery, libraries: readonly Library[]): QueueView {
  const state = query.etat ?? 'a_valider';
  const sort = query.tri ?? defaultSort(state).sort;
  const order = query.ordre ?? (query.tri ? 'croissant' : defaultSort(state).order);
  let libraryId: string | null = null;
  if (libraries.length === 1) libraryId = libraries[0]!.id;
  else if (query.bibliotheque && libraries.some((l) => l.id === query.bibliotheque))
    libraryId = query.bibliotheque;
  return { libraryId, state, q: query.q ?? '', sort, order, page: query.page ?? 1 };
}

/** A line of the list; `selectable`: the bulk bar can act on it. */
export type QueueLineData = QueueRow & { selectable: boolean };

export interface PatronQueueData {
  /** The libraries the actor may see (the library criterion's choices). */
  libraries: Library[];
  /** The criteria, the page being the one shown (a page past the end shows the last). */
  view: QueueView;
  counts: QueueCounts;
  page: Omit<QueuePage, 'rows'> & { rows: QueueLineData[] };
  now: Date;
}

/** Rows the bulk bar can act on: requests to decide, and subscriptions whose rights can be renewed. */
function selectableRow(r: QueueRow): boolean {
  return isAwaitingDecision(r.state) || isRenewable(r);
}

/** "Validation des inscriptions": the counts per state and one page of patrons, within the actor's scope. */
export async function loadPatronQueue(
  deps: Deps,
  actor: StaffActor,
  query: QueueQuery,
  settings: NetworkSettings,
): Promise<PatronQueueData> {
  const libraries = await listLibraries(deps.db, actor.scope);
  const view = resolveQueueView(query, libraries);
  const now = deps.clock.now();
  const { counts, page } = await loadQueue(deps.db, actor.scope, view, now, settings);
  return {
    libraries,
    view: { ...view, page: page.page },
    counts,
    page: { ...page, rows: page.rows.map((r) => ({ ...r, selectable: selectableRow(r) })) },
    now,
  };
}
