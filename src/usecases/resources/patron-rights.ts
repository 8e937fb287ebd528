import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { findPatronForStaff, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import {
  findResource,
  listResources,
  type PatronRightRow,
  patronRights,
  quotaUsageOf,
  type ResourceRow,
  setPatronRight,
  subscribedResourceIds,
} from '../../db/repositories/resources.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { parisMonthKey } from '../../domain/paris-month.js';
import { accessRefusal, type Standing, standingOf } from '../../domain/resource-access.js';
import { QUOTA_CATEGORIES, type QuotaCategory, quotaLimit } from '../../domain/resources.js';
import { staffRefusalReason } from '../../domain/staff-refusal-reason.js';
import type { Deps } from '../deps.js';
import { viewerOf } from './open-document.js';

export interface PatronResourceLine {
  resource: ResourceRow;
  subscribed: boolean;
  right: PatronRightRow | null;
  /** Null when the patron may open it today; else the French reason, worded for staff. */
  refusal: string | null;
  /** Free resources are open to anyone: a withdrawal would mean nothing. */
  withdrawable: boolean;
}

export interface ResourcesTabData {
  patronId: string;
  standing: Standing;
  lines: PatronResourceLine[];
  quotas: Array<{ category: QuotaCategory; used: number; limit: number }>;
}

/**
 * The record's "Ressources" tab: for each active resource, what this patron may open today
 * (network defaults: state, age, library subscription) and the staff's withdrawals. The
 * caller has already found the patron within the actor's scope.
 */
export async function loadResourcesTab(
  deps: Deps,
  _actor: StaffActor,
  patron: PatronWithLibrary,
): Promise<ResourcesTabData> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const viewer = viewerOf(patron);
  const all = await listResources(deps.db, { activeOnly: true });
  const subscribed = await subscribedResourceIds(deps.db, patron.libraryId);
  const rights = await patronRights(deps.db, patron.id);
  const used = await quotaUsageOf(deps.db, patron.id, parisMonthKey(now));
  const lines = all.map((resource) => {
    const isSubscribed = resource.allLibraries || subscribed.has(resource.id);
    const right = rights.get(resource.id) ?? null;
    const refusal = accessRefusal({
      viewer,
      resource,
      subscribed: isSubscribed,
      withdrawn: right?.withdrawn ?? false,
      now,
      settings: network.settings,
    });
    return {
      resource,
      subscribed: isSubscribed,
      right,
      refusal: refusal ? staffRefusalReason(refusal) : null,
      withdrawable: resource.kind !== 'open' && isSubscribed,
    };
  });
  return {
    patronId: patron.id,
    standing: standingOf(viewer, now, network.settings),
    lines,
    quotas: QUOTA_CATEGORIES.map((category) => ({
      category,
      used: used[category] ?? 0,
      limit: quotaLimit(network.settings, category),
    })),
  };
}

/**
 * Staff withdraw a resource from one patron, or restore it. Scope-checked (another library's
 * patron is unknown: 404) and recorded in the patron's history; a repeated click says so.
 */
export async function setPatronResourceRight(
  deps: Deps,
  actor: StaffActor,
  input: { patronId: string; resourceId: string; withdrawn: boolean },
): Promise<{ patron: PatronWithLibrary; resource: ResourceRow }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, input.patronId);
    if (!patron) throw notFound('Cet usager');
    const resource = await findResource(tx, input.resourceId);
    if (!resource) throw notFound('Cette ressource');
    if (resource.kind === 'open')
      throw new DomainError(
        'resource_open_to_all',
        'Les ressources libres sont ouvertes à tous, sans compte : elles ne peuvent pas être retirées à un usager.',
        409,
      );
    const changed = await setPatronRight(tx, {
      patronId: patron.id,
      resourceId: resource.id,
      withdrawn: input.withdrawn,
      staffId: actor.id,
      label: actor.name,
      at: now,
    });
    if (!changed)
      throw new DomainError(
        input.withdrawn ? 'resource_already_withdrawn' : 'resource_not_withdrawn',
        input.withdrawn
          ? `« ${resource.name} » est déjà retirée à cet usager.`
          : `« ${resource.name} » n’est pas retirée à cet usager.`,
        409,
      );
    const onBehalf = actor.role === 'network_admin';
    await recordEvent(tx, {
      at: now,
      actor,
      action: input.withdrawn ? 'resource_withdrawn' : 'resource_restored',
      subject: { kind: 'patron', id: patron.id },
      onBehalfOfLibraryId: onBehalf ? patron.libraryId : null,
      data: { resourceId: resource.id, resourceName: resource.name },
    });
    return { patron, resource };
  });
}
