import { dashboardFigures } from '../../db/repositories/statistics.js';
import type { StaffActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import type { Deps } from '../deps.js';

export interface DashboardFigures {
  waiting: number;
  /** Median days from confirmation to decision over the last 30 days; null without a decision. */
  medianDays: number | null;
  decisions: number;
  active: number;
}

/** The three figures the dashboards show first (issue #16), within the actor's libraries. */
export async function loadDashboardFigures(deps: Deps, actor: StaffActor): Promise<DashboardFigures> {
  const now = deps.clock.now();
  const ids = actor.scope.all ? null : actor.scope.libraryIds;
  const range = { from: isoDate(parisDay(new Date(now.getTime() - 30 * DAY))), to: isoDate(parisDay(now)) };
  const f = await dashboardFigures(deps.db, ids, range, isoDate(parisDay(now)));
  return {
    waiting: f.waiting,
    medianDays: f.medianHours === null ? null : Math.round((f.medianHours / 24) * 10) / 10,
    decisions: f.decisions,
    active: f.active,
  };
}
