import { snapshotActivePatrons } from '../db/repositories/statistics.js';
import { MINUTE } from '../domain/clock.js';
import { isoDate, parisDay } from '../domain/paris.js';
import { parisMonthKey } from '../domain/paris-month.js';
import type { Sweep } from './sweeps.js';

/**
 * The active patrons of the current Paris month, counted again every hour per library and age
 * band: when the month closes, its last count stays as "active at the month's end" and is never
 * written again (only the current month is). The same count resets the live count of active
 * patrons the triggers keep (and moves patrons a birthday took to the next age band). Everything
 * else of the statistics is counted as it happens, in the action's own transaction.
 */
export const STATISTICS_SWEEPS: Sweep[] = [
  {
    name: 'statistics',
    description: 'relève les usagers actifs du mois en cours pour les statistiques',
    intervalMs: 60 * MINUTE,
    async run(ctx) {
      const now = ctx.clock.now();
      const rows = await snapshotActivePatrons(ctx.db, parisMonthKey(now), isoDate(parisDay(now)), now);
      return { rows };
    },
  },
];
