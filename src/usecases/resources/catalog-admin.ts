import { listLibraries } from '../../db/repositories/libraries.js';
import { getNetwork } from '../../db/repositories/network.js';
import {
  capUsageOf,
  findResource,
  libraryCountsByResource,
  listResources,
  type ResourceRow,
  resourceLibraryIds,
} from '../../db/repositories/resources.js';
import type { StaffActor } from '../../domain/actor.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { capPeriodKey } from '../../domain/paris-month.js';
import { percentUsed } from '../../domain/resource-access.js';
import type { CapPeriod } from '../../domain/resources.js';
import type { Deps } from '../deps.js';

export interface CapUse {
  period: CapPeriod;
  periodKey: string;
  used: number;
  limit: number;
  percent: number;
  level: 'ok' | 'low' | 'high' | 'full';
}

export interface AdminResourceLine {
  resource: ResourceRow;
  libraryCount: number | null;
  cap: CapUse | null;
}

/** The cap use of each capped resource in its current period, with its alert level. */
export async function capUses(deps: Deps, rows: ResourceRow[]): Promise<Map<string, CapUse>> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const capped = rows.filter((r) => r.capPeriod && r.capLimit);
  const keys = capped.map((r) => ({ resourceId: r.id, period: capPeriodKey(r.capPeriod!, now) }));
  const used = await capUsageOf(deps.db, keys);
  const out = new Map<string, CapUse>();
  for (const [i, r] of capped.entries()) {
    const u = used.get(r.id) ?? 0;
    const limit = r.capLimit!;
    const percent = percentUsed(u, limit);
    const s = network.settings;
    const level =
      u >= limit
        ? 'full'
        : u * 100 >= s.capAlertHighPercent * limit
          ? 'high'
          : u * 100 >= s.capAlertLowPercent * limit
            ? 'low'
            : 'ok';
    out.set(r.id, { period: r.capPeriod!, periodKey: keys[i]!.period, used: u, limit, percent, level });
  }
  return out;
}

/** /admin/ressources: every resource, active or not, with its libraries and its cap use. */
export async function listCatalogForAdmin(deps: Deps, actor: StaffActor): Promise<AdminResourceLine[]> {
  if (actor.role !== 'network_admin') throw forbidden();
  const rows = await listResources(deps.db);
  const byId = await libraryCountsByResource(deps.db);
  const caps = await capUses(deps, rows);
  return rows.map((resource) => ({
    resource,
    libraryCount: resource.allLibraries ? null : (byId.get(resource.id) ?? 0),
    cap: caps.get(resource.id) ?? null,
  }));
}

export async function loadResourceForAdmin(
  deps: Deps,
  actor: StaffActor,
  id: string,
): Promise<{ resource: ResourceRow; libraryIds: string[]; cap: CapUse | null }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const resource = await findResource(deps.db, id);
  if (!resource) throw notFound('Cette ressource');
  const libraryIds = await resourceLibraryIds(deps.db, id);
  const cap = (await capUses(deps, [resource])).get(id) ?? null;
  return { resource, libraryIds, cap };
}

/** The libraries a resource may be subscribed by, as its form lists them (deactivated ones too). */
export async function librariesForResourceForm(
  deps: Deps,
): Promise<Array<{ id: string; name: string; code: string }>> {
  return (await listLibraries(deps.db, { all: true })).map((l) => ({ id: l.id, name: l.name, code: l.code }));
}
