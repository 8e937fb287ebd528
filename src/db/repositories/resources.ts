import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { CapLevel } from '../../domain/resource-access.js';
import type { QuotaCategory, ResourceKind } from '../../domain/resources.js';
import { type Executor, queryRows } from '../client.js';
import {
  capUsage,
  consultations,
  networkAlerts,
  patronResourceRights,
  patrons,
  quotaUsage,
  resourceLibraries,
  resources,
} from '../schema.js';
import { isUuid } from './libraries.js';

export type ResourceRow = typeof resources.$inferSelect;
export type NewResource = typeof resources.$inferInsert;
export type ConsultationRow = typeof consultations.$inferSelect;

export async function insertResource(db: Executor, values: NewResource): Promise<ResourceRow> {
  const [row] = await db.insert(resources).values(values).returning();
  return row!;
}

export async function updateResource(
  db: Executor,
  id: string,
  values: Partial<NewResource>,
): Promise<ResourceRow | null> {
  const [row] = await db.update(resources).set(values).where(eq(resources.id, id)).returning();
  return row ?? null;
}

/** Any resource, active or not (the catalog's administrators see them all); null if unknown. */
export async function findResource(db: Executor, id: string): Promise<ResourceRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(resources).where(eq(resources.id, id));
  return row ?? null;
}

/** Locks the resource row for the rest of the transaction (edits apply one at a time). */
export async function lockResource(db: Executor, id: string): Promise<ResourceRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(resources).where(eq(resources.id, id)).for('update');
  return row ?? null;
}

export async function listResources(
  db: Executor,
  options: { activeOnly?: boolean } = {},
): Promise<ResourceRow[]> {
  return db
    .select()
    .from(resources)
    .where(options.activeOnly ? eq(resources.active, true) : undefined)
    .orderBy(
      asc(resources.kind),
      asc(resources.category),
      asc(sql`lower(${resources.name})`),
      asc(resources.id),
    );
}

export async function resourceLibraryIds(db: Executor, resourceId: string): Promise<string[]> {
  const rows = await db
    .select({ id: resourceLibraries.libraryId })
    .from(resourceLibraries)
    .where(eq(resourceLibraries.resourceId, resourceId));
  return rows.map((r) => r.id);
}

/** Replaces the subscribing libraries of a resource (used when it is not for all libraries). */
export async function setResourceLibraries(
  db: Executor,
  resourceId: string,
  libraryIds: string[],
): Promise<void> {
  await db.delete(resourceLibraries).where(eq(resourceLibraries.resourceId, resourceId));
  if (libraryIds.length)
    await db.insert(resourceLibraries).values(libraryIds.map((libraryId) => ({ resourceId, libraryId })));
}

/** Resource ids a library subscribes to individually (those not for all libraries). */
export async function subscribedResourceIds(db: Executor, libraryId: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: resourceLibraries.resourceId })
    .from(resourceLibraries)
    .where(eq(resourceLibraries.libraryId, libraryId));
  return new Set(rows.map((r) => r.id));
}

/** How many libraries subscribe individually to each resource. */
export async function libraryCountsByResource(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .select({ id: resourceLibraries.resourceId, n: sql<number>`count(*)::int` })
    .from(resourceLibraries)
    .groupBy(resourceLibraries.resourceId);
  return new Map(rows.map((r) => [r.id, r.n]));
}

// ——— per-patron rights ———

export type PatronRightRow = typeof patronResourceRights.$inferSelect;

export async function patronRights(db: Executor, patronId: string): Promise<Map<string, PatronRightRow>> {
  const rows = await db
    .select()
    .from(patronResourceRights)
    .where(eq(patronResourceRights.patronId, patronId));
  return new Map(rows.map((r) => [r.resourceId, r]));
}

/**
 * Sets the staff decision for one patron and one resource. Returns false when it was already
 * so (a second click, or a colleague first): nothing to record then. Restoring only updates an
 * existing withdrawal, so a resource never withdrawn is "not withdrawn".
 */
export async function setPatronRight(
  db: Executor,
  values: {
    patronId: string;
    resourceId: string;
    withdrawn: boolean;
    staffId: string;
    label: string;
    at: Date;
  },
): Promise<boolean> {
  if (!values.withdrawn) {
    const rows = await db
      .update(patronResourceRights)
      .set({
        withdrawn: false,
        changedByStaffId: values.staffId,
        changedByLabel: values.label,
        changedAt: values.at,
      })
      .where(
        and(
          eq(patronResourceRights.patronId, values.patronId),
          eq(patronResourceRights.resourceId, values.resourceId),
          eq(patronResourceRights.withdrawn, true),
        ),
      )
      .returning({ id: patronResourceRights.patronId });
    return rows.length === 1;
  }
  const rows = await queryRows<{ patron_id: string }>(
    db,
    sql`
    insert into ${patronResourceRights} (patron_id, resource_id, withdrawn, changed_by_staff_id, changed_by_label, changed_at)
    values (${values.patronId}, ${values.resourceId}, true, ${values.staffId}, ${values.label}, ${values.at})
    on conflict (patron_id, resource_id) do update
      set withdrawn = true, changed_by_staff_id = excluded.changed_by_staff_id,
          changed_by_label = excluded.changed_by_label, changed_at = excluded.changed_at
      where ${patronResourceRights}.withdrawn = false
    returning patron_id`,
  );
  return rows.length === 1;
}

const ALERT_COLUMN: Record<CapLevel, string> = {
  low: 'low_alert_at',
  high: 'high_alert_at',
  full: 'full_alert_at',
};

/**
 * Claims the alert of a level for a period, if the use has reached `minUsed`: the use when
 * claimed, once per period whatever the concurrency; null otherwise.
 */
export async function claimCapAlert(
  db: Executor,
  v: { resourceId: string; period: string; level: CapLevel; minUsed: number; at: Date },
): Promise<number | null> {
  const column = sql.raw(ALERT_COLUMN[v.level]);
  const rows = await queryRows<{ used: number }>(
    db,
    sql`update ${capUsage} set ${column} = ${v.at}
        where resource_id = ${v.resourceId} and period = ${v.period} and ${column} is null and used >= ${v.minUsed}
        returning used`,
  );
  return rows[0] ? Number(rows[0].used) : null;
}

/** A network alert keyed by name (e.g. per day): true the first time only. */
export async function claimNetworkAlert(db: Executor, key: string, at: Date): Promise<boolean> {
  const rows = await db
    .insert(networkAlerts)
    .values({ key, sentAt: at })
    .onConflictDoNothing()
    .returning({ key: networkAlerts.key });
  return rows.length === 1;
}

// ——— reading use ———

export async function quotaUsageOf(
  db: Executor,
  patronId: string,
  month: string,
): Promise<Partial<Record<QuotaCategory, number>>> {
  const rows = await db
    .select({ category: quotaUsage.category, used: quotaUsage.used })
    .from(quotaUsage)
    .where(and(eq(quotaUsage.patronId, patronId), eq(quotaUsage.month, month)));
  return Object.fromEntries(rows.map((r) => [r.category, r.used]));
}

export interface ConsultationLine {
  at: Date;
  resourceId: string;
  resourceName: string;
  kind: ResourceKind;
  category: QuotaCategory | null;
  document: string;
  documentTitle: string | null;
  counted: boolean;
}

/** The patron's latest openings, newest first. */
export async function consultationHistory(
  db: Executor,
  patronId: string,
  limit = 50,
): Promise<ConsultationLine[]> {
  const rows = await db
    .select({
      at: consultations.at,
      resourceId: consultations.resourceId,
      resourceName: resources.name,
      documents: resources.documents,
      kind: consultations.kind,
      category: consultations.category,
      document: consultations.document,
      counted: consultations.counted,
    })
    .from(consultations)
    .innerJoin(resources, eq(resources.id, consultations.resourceId))
    .where(eq(consultations.patronId, patronId))
    .orderBy(desc(consultations.at), desc(consultations.id))
    .limit(limit);
  return rows.map(({ documents, ...r }) => ({
    ...r,
    documentTitle: documents.find((d) => d.id === r.document)?.title ?? null,
  }));
}

export async function capUsageOf(
  db: Executor,
  keys: Array<{ resourceId: string; period: string }>,
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({ resourceId: capUsage.resourceId, period: capUsage.period, used: capUsage.used })
    .from(capUsage)
    .where(inArray(capUsage.resourceId, [...new Set(keys.map((k) => k.resourceId))]));
  const wanted = new Set(keys.map((k) => `${k.resourceId}|${k.period}`));
  return new Map(
    rows.filter((r) => wanted.has(`${r.resourceId}|${r.period}`)).map((r) => [r.resourceId, r.used] as const),
  );
}

/** Accounts using a licence: every active patron, renewal requests included. */
export async function countLicencedPatrons(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(patrons)
    .where(inArray(patrons.state, ['active', 'renewal_pending']));
  return row?.n ?? 0;
}
