import { randomBytes } from 'node:crypto';
import type { CasAttribute } from '../../connectors/cas/protocol.js';
import { type CasServiceRow, findCasService, saveCasService } from '../../db/repositories/cas.js';
import { recordEvent } from '../../db/repositories/events.js';
import { findResource, type ResourceRow } from '../../db/repositories/resources.js';
import type { StaffActor } from '../../domain/actor.js';
import { forbidden, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

export interface CasServicePage {
  resource: ResourceRow;
  service: CasServiceRow | null;
}

export interface CasServiceInput {
  enabled: boolean;
  servicePrefix: string;
  attributes: CasAttribute[];
  ticketSeconds: number | null;
}

function requireNetworkAdmin(actor: StaffActor) {
  // The registry decides who receives patrons' data: network administrators only.
  if (actor.role !== 'network_admin') throw forbidden();
}

/** The resource's CAS page: its registry entry, if any. */
export async function loadCasService(
  deps: Deps,
  actor: StaffActor,
  resourceId: string,
): Promise<CasServicePage> {
  requireNetworkAdmin(actor);
  const resource = await findResource(deps.db, resourceId);
  if (!resource) throw notFound('Cette ressource');
  return { resource, service: await findCasService(deps.db, resource.id) };
}

/**
 * Registers (or changes) the resource's CAS service: recorded in the history with what changed.
 * The pseudonym key is made once, at the first save, and kept: a provider's users keep their
 * name across changes of the registry entry.
 */
export async function saveCasServiceConfig(
  deps: Deps,
  actor: StaffActor,
  resourceId: string,
  input: CasServiceInput,
): Promise<{ resource: ResourceRow; changed: string[] }> {
  requireNetworkAdmin(actor);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const resource = await findResource(tx, resourceId);
    if (!resource) throw notFound('Cette ressource');
    const before = await findCasService(tx, resource.id);
    const changed: string[] = [];
    if (!before || before.enabled !== input.enabled) changed.push('enabled');
    if (!before || before.servicePrefix !== input.servicePrefix) changed.push('servicePrefix');
    if (!before || before.attributes.join() !== input.attributes.join()) changed.push('attributes');
    if (!before || before.ticketSeconds !== input.ticketSeconds) changed.push('ticketSeconds');
    if (!changed.length) return { resource, changed };
    await saveCasService(tx, {
      resourceId: resource.id,
      ...input,
      pseudonymSecret: before?.pseudonymSecret ?? randomBytes(32).toString('base64url'),
      updatedAt: now,
    });
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'cas_service_updated',
      subject: { kind: 'resource', id: resource.id },
      data: { changed, ...input },
    });
    return { resource, changed };
  });
}
