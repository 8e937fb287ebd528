import { getNetwork } from '../../db/repositories/network.js';
import { findPatronById, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import {
  listResources,
  patronRights,
  quotaUsageOf,
  type ResourceRow,
  subscribedResourceIds,
} from '../../db/repositories/resources.js';
import type { PatronActor } from '../../domain/actor.js';
import { parisDay } from '../../domain/paris.js';
import { parisMonthKey } from '../../domain/paris-month.js';
import {
  accessRefusal,
  isUnderTwelve,
  type Standing,
  standingOf,
  viewerAge,
} from '../../domain/resource-access.js';
import {
  QUOTA_CATEGORIES,
  type QuotaCategory,
  quotaLimit,
  type ResourceKind,
} from '../../domain/resources.js';
import type { Deps } from '../deps.js';
import { viewerOf } from './open-document.js';

export interface CatalogView {
  patron: PatronWithLibrary | null;
  standing: Standing;
  underTwelve: boolean;
  /** What the viewer may open, in catalog order (kind, category, name). */
  resources: ResourceRow[];
  /** Kinds of content that exist in the catalog but the viewer's standing does not open. */
  lockedKinds: ResourceKind[];
  /** Left this month per category (members only). */
  quotas: Array<{ category: QuotaCategory; used: number; limit: number }> | null;
  /** Network setting: patrons ask for renewal online (else at their library). */
  onlineRenewal: boolean;
}

/**
 * The catalog as this visitor or patron may use it: resources their standing, age, library
 * and personal rights allow. What the age or the library forbids is not offered at all.
 */
export async function loadCatalog(deps: Deps, actor: PatronActor | null): Promise<CatalogView> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const patron = actor ? await findPatronById(deps.db, actor.id) : null;
  const viewer = viewerOf(patron);
  const standing = standingOf(viewer, now, network.settings);
  const all = await listResources(deps.db, { activeOnly: true });
  const [subscribed, rights] = patron
    ? [await subscribedResourceIds(deps.db, patron.libraryId), await patronRights(deps.db, patron.id)]
    : [new Set<string>(), new Map()];
  const allowed: ResourceRow[] = [];
  const locked = new Set<ResourceKind>();
  for (const r of all) {
    const refusal = accessRefusal({
      viewer,
      resource: r,
      subscribed: r.allLibraries || subscribed.has(r.id),
      withdrawn: rights.get(r.id)?.withdrawn ?? false,
      now,
      settings: network.settings,
    });
    if (!refusal) allowed.push(r);
    else if (
      refusal.code !== 'age_restricted' &&
      refusal.code !== 'not_subscribed' &&
      refusal.code !== 'right_withdrawn'
    )
      locked.add(r.kind);
  }
  let quotas: CatalogView['quotas'] = null;
  if (patron && standing === 'member') {
    const used = await quotaUsageOf(deps.db, patron.id, parisMonthKey(now));
    quotas = QUOTA_CATEGORIES.map((category) => ({
      category,
      used: used[category] ?? 0,
      limit: quotaLimit(network.settings, category),
    }));
  }
  return {
    patron,
    standing,
    underTwelve: isUnderTwelve(viewerAge(viewer, parisDay(now)), network.settings),
    resources: allowed,
    lockedKinds: [...locked],
    quotas,
    onlineRenewal: network.settings.onlineRenewal,
  };
}
