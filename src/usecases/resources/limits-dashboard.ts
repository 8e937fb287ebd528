import { getNetwork } from '../../db/repositories/network.js';
import { listResources, type ResourceRow } from '../../db/repositories/resources.js';
import type { StaffActor } from '../../domain/actor.js';
import type { Deps } from '../deps.js';
import { type CapUse, capUses } from './catalog-admin.js';
import { type LicencePoolStatus, licencePoolStatus } from './licence-pool.js';

export interface LimitsDashboardData {
  licences: LicencePoolStatus;
  licenceWarningPercent: number;
  caps: Array<{ resource: ResourceRow; cap: CapUse }>;
}

/** The limits that warn, for the network administrators' dashboard; null for library staff. */
export async function loadLimitsDashboard(
  deps: Deps,
  actor: StaffActor,
): Promise<LimitsDashboardData | null> {
  if (actor.role !== 'network_admin') return null;
  const network = await getNetwork(deps.db);
  const resources = (await listResources(deps.db, { activeOnly: true })).filter(
    (r) => r.capPeriod && r.capLimit,
  );
  const uses = await capUses(deps, resources);
  return {
    licences: await licencePoolStatus(deps.db, network.settings),
    licenceWarningPercent: network.settings.licenceWarningPercent,
    caps: resources
      .map((resource) => ({ resource, cap: uses.get(resource.id)! }))
      .sort((a, b) => b.cap.percent - a.cap.percent),
  };
}
