import { getNetwork } from '../../db/repositories/network.js';
import type { PatronWithLibrary } from '../../db/repositories/patrons.js';
import { type ConsultationLine, consultationHistory, quotaUsageOf } from '../../db/repositories/resources.js';
import { parisMonthKey } from '../../domain/paris-month.js';
import { type Standing, standingOf } from '../../domain/resource-access.js';
import { QUOTA_CATEGORIES, type QuotaCategory, quotaLimit } from '../../domain/resources.js';
import type { Deps } from '../deps.js';
import { viewerOf } from './open-document.js';

export interface AccountUsage {
  month: string;
  standing: Standing;
  quotas: Array<{ category: QuotaCategory; used: number; limit: number; left: number }>;
  history: ConsultationLine[];
}

/** "Mon compte": quotas left this Paris month per category, and the latest consultations. */
export async function loadAccountUsage(deps: Deps, patron: PatronWithLibrary): Promise<AccountUsage> {
  const now = deps.clock.now();
  const month = parisMonthKey(now);
  const network = await getNetwork(deps.db);
  const used = await quotaUsageOf(deps.db, patron.id, month);
  const history = await consultationHistory(deps.db, patron.id, 50);
  return {
    month,
    standing: standingOf(viewerOf(patron), now, network.settings),
    quotas: QUOTA_CATEGORIES.map((category) => {
      const limit = quotaLimit(network.settings, category);
      const u = used[category] ?? 0;
      return { category, used: u, limit, left: Math.max(0, limit - u) };
    }),
    history,
  };
}
