import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { listLibraries } from '../../db/repositories/libraries.js';
import {
  insertResource,
  lockResource,
  type NewResource,
  type ResourceRow,
  resourceLibraryIds,
  setResourceLibraries,
  updateResource,
} from '../../db/repositories/resources.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, forbidden, notFound, ValidationError } from '../../domain/errors.js';
import { type ResourceInput, resourceErrors } from '../../domain/resource-form.js';
import type { ConnectorConfig } from '../../domain/resources.js';
import type { Deps } from '../deps.js';

/** The stored form of a validated input; the secret is kept when none was typed. */
function columnsOf(
  input: ResourceInput,
  currentSecret: string | undefined,
): Omit<NewResource, 'createdAt' | 'updatedAt'> {
  const config: ConnectorConfig = { urlTemplate: input.urlTemplate.trim() };
  if (input.connector !== 'direct') config.secret = input.secret || currentSecret;
  if (input.connector === 'signed_link' && input.linkMinutes !== null) config.linkMinutes = input.linkMinutes;
  if (input.connector === 'mn_sso') {
    config.ssoId = input.ssoId.trim();
    config.loginUrl = input.loginUrl.trim();
    config.fields = [...input.fields];
  }
  return {
    name: input.name.trim(),
    provider: input.provider.trim(),
    description: input.description.trim(),
    kind: input.kind,
    category: input.kind === 'quota' ? input.category : null,
    audience: input.audience,
    underTwelve: input.underTwelve,
    allLibraries: input.allLibraries,
    connector: input.connector,
    connectorConfig: config,
    documents: input.documents,
    capPeriod: input.capPeriod,
    capLimit: input.capPeriod ? input.capLimit : null,
  };
}

/** What changed, for the history: never the secret itself. */
function changes(before: ResourceRow, after: Omit<NewResource, 'createdAt' | 'updatedAt'>) {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof typeof after>) {
    if (key === 'connectorConfig') continue;
    const a = JSON.stringify(before[key as keyof ResourceRow] ?? null);
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) out[key] = { before: before[key as keyof ResourceRow] ?? null, after: after[key] ?? null };
  }
  const { secret: s1, ...c1 } = before.connectorConfig;
  const { secret: s2, ...c2 } = after.connectorConfig!;
  if (JSON.stringify(c1) !== JSON.stringify(c2)) out.connectorConfig = { before: c1, after: c2 };
  if (s1 !== s2) out.secret = { before: 'masquée', after: 'nouvelle clé' };
  return out;
}

async function checkLibraries(db: Executor, input: ResourceInput): Promise<void> {
  if (input.allLibraries) return;
  const known = new Set((await listLibraries(db, { all: true })).map((l) => l.id));
  if (input.libraryIds.some((id) => !known.has(id)))
    throw new ValidationError({
      libraryIds: 'Une des bibliothèques cochées n’existe plus : rechargez la page.',
    });
}

/** A network administrator adds a resource to the catalog (active at once). */
export async function createResource(
  deps: Deps,
  actor: StaffActor,
  input: ResourceInput,
): Promise<ResourceRow> {
  if (actor.role !== 'network_admin') throw forbidden();
  const errors = resourceErrors(input, { hasSecret: false });
  if (Object.keys(errors).length) throw new ValidationError(errors);
  await checkLibraries(deps.db, input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const row = await insertResource(tx, { ...columnsOf(input, undefined), createdAt: now, updatedAt: now });
    if (!input.allLibraries) await setResourceLibraries(tx, row.id, [...new Set(input.libraryIds)]);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'resource_created',
      subject: { kind: 'resource', id: row.id },
      data: { name: row.name, kind: row.kind, category: row.category, capLimit: row.capLimit },
    });
    return row;
  });
}

/**
 * Saves a resource's new values. Quota and cap changes apply at the next opening; lowering a
 * cap below this period's use closes the resource until the next period, nothing is taken back.
 */
export async function updateResourceFromForm(
  deps: Deps,
  actor: StaffActor,
  id: string,
  input: ResourceInput,
): Promise<{ resource: ResourceRow; changed: string[] }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await lockResource(tx, id);
    if (!current) throw notFound('Cette ressource');
    const errors = resourceErrors(input, {
      hasSecret: Boolean(current.connectorConfig.secret) && current.connector !== 'direct',
    });
    if (Object.keys(errors).length) throw new ValidationError(errors);
    await checkLibraries(tx, input);
    const next = columnsOf(input, current.connectorConfig.secret);
    const diff = changes(current, next);
    const beforeLibraries = (await resourceLibraryIds(tx, id)).sort();
    const afterLibraries = input.allLibraries ? [] : [...new Set(input.libraryIds)].sort();
    if (JSON.stringify(beforeLibraries) !== JSON.stringify(afterLibraries))
      diff.libraryIds = { before: beforeLibraries, after: afterLibraries };
    const changed = Object.keys(diff);
    if (changed.length === 0) return { resource: current, changed };
    const row = await updateResource(tx, id, { ...next, updatedAt: now });
    await setResourceLibraries(tx, id, afterLibraries);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'resource_updated',
      subject: { kind: 'resource', id },
      data: diff,
    });
    return { resource: row!, changed };
  });
}

/** Activates or deactivates a resource: an inactive one leaves the catalog and cannot be opened. */
export async function setResourceActive(
  deps: Deps,
  actor: StaffActor,
  id: string,
  active: boolean,
): Promise<ResourceRow> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await lockResource(tx, id);
    if (!current) throw notFound('Cette ressource');
    if (current.active === active)
      throw new DomainError(
        active ? 'resource_already_active' : 'resource_already_inactive',
        active ? 'Cette ressource est déjà active.' : 'Cette ressource est déjà désactivée.',
        409,
      );
    const row = await updateResource(tx, id, { active, updatedAt: now });
    await recordEvent(tx, {
      at: now,
      actor,
      action: active ? 'resource_activated' : 'resource_deactivated',
      subject: { kind: 'resource', id },
      data: { name: current.name },
    });
    return row!;
  });
}
