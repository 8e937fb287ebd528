import { overdueThreads, type ThreadSummary } from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import {
  listOverdueRequests,
  type OverdueByLibrary,
  type OverdueRequest,
  overdueByLibrary,
} from '../../db/repositories/overdue-requests.js';
import type { StaffActor } from '../../domain/actor.js';
import { overdueCutoff } from '../../domain/decision-rules.js';
import type { NetworkSettings } from '../../domain/settings.js';
import type { Deps } from '../deps.js';

/** At most this many requests are listed at once (the page says to filter by library past it). */
export const OVERDUE_LIMIT = 1000;

export interface OverdueList {
  now: Date;
  settings: NetworkSettings;
  /** Every library with overdue requests, and how many (the filter's choices). */
  summary: OverdueByLibrary[];
  /** The library chosen, when it has overdue requests; undefined: all of them. */
  libraryId: string | undefined;
  /** The requests listed, grouped by library (by library name, then oldest first). */
  groups: OverdueRequest[][];
  /** Requests listed. */
  shown: number;
  /** Requests matching, all of them. */
  total: number;
  /** Library messages left unanswered beyond the same delay (the network may take them over). */
  lateMessages: ThreadSummary[];
}

/**
 * "Demandes en retard" (SPEC §2 transition 5): requests waiting for their library beyond the
 * network's delay, per library.
 */
export async function listOverdue(
  deps: Deps,
  actor: StaffActor,
  query: { bibliotheque?: string },
  limit = OVERDUE_LIMIT,
): Promise<OverdueList> {
  const now = deps.clock.now();
  const { settings } = await getNetwork(deps.db);
  const cutoff = overdueCutoff(now, settings);
  const summary = await overdueByLibrary(deps.db, cutoff);
  const libraryId = summary.some((s) => s.libraryId === query.bibliotheque) ? query.bibliotheque : undefined;
  const { rows, total } = await listOverdueRequests(deps.db, actor.scope, cutoff, { libraryId, limit });
  const groups = new Map<string, OverdueRequest[]>();
  for (const r of rows) groups.set(r.libraryId, [...(groups.get(r.libraryId) ?? []), r]);
  const lateMessages = await overdueThreads(deps.db, actor.scope, cutoff, libraryId);
  return {
    now,
    settings,
    summary,
    libraryId,
    groups: [...groups.values()],
    shown: rows.length,
    total,
    lateMessages,
  };
}
