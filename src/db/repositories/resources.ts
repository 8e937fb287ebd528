import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { CapLevel } from '../../domain/resource-access.js';
import type { QuotaCategory, ResourceKind } from '../../domain/resources.js';
import { type Db, type Executor, queryRows } from '../client.js';
import {
  capUsage,
  consultations,
  network,
  networkAlerts,
  patronResourceRights,
  patrons,
  quotaUsage,
  resourceLibraries,
  resources,
} from '../schema.js';
import { isUuid } from './libraries.js';
import type { PatronRow } from './patrons.js';

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

// ——— opening a document: two statements, the second its own guard against parallel opens ———

export interface OpenContext {
  resource: ResourceRow;
  patron: PatronRow | null;
  network: { name: string; email: string; profile: string; settings: Record<string, unknown> };
  subscribed: boolean;
  withdrawn: boolean;
}

function openContextQuery(db: Db) {
  return db
    .select({
      resource: resources,
      patron: patrons,
      name: network.name,
      email: network.email,
      profile: network.profile,
      settings: network.settings,
      subscribed: sql<boolean>`(${resources.allLibraries} or exists (
        select 1 from ${resourceLibraries} rl where rl.resource_id = ${resources.id} and rl.library_id = ${patrons.libraryId}))`,
      withdrawn: sql<boolean>`coalesce((select w.withdrawn from ${patronResourceRights} w
        where w.patron_id = ${patrons.id} and w.resource_id = ${resources.id}), false)`,
    })
    .from(resources)
    .innerJoin(network, eq(network.id, 1))
    .leftJoin(patrons, eq(patrons.id, sql.placeholder('patronId')))
    .where(eq(resources.id, sql.placeholder('resourceId')))
    .prepare('sesame_open_context');
}

// Built once per database: opening documents is the hottest path of the portal.
const openContextQueries = new WeakMap<Db, ReturnType<typeof openContextQuery>>();

/**
 * Everything an opening checks, in one round trip: the resource, the patron (null when
 * anonymous or unknown), the network's settings, the library's subscription and the staff's
 * withdrawal. Null when the resource does not exist.
 */
export async function loadOpenContext(
  db: Db,
  resourceId: string,
  patronId: string | null,
): Promise<OpenContext | null> {
  if (!isUuid(resourceId)) return null;
  let query = openContextQueries.get(db);
  if (!query) {
    query = openContextQuery(db);
    openContextQueries.set(db, query);
  }
  const [row] = await query.execute({ resourceId, patronId: patronId && isUuid(patronId) ? patronId : null });
  if (!row) return null;
  return {
    resource: row.resource,
    patron: row.patron,
    network: { name: row.name, email: row.email, profile: row.profile, settings: row.settings },
    subscribed: row.subscribed,
    withdrawn: row.withdrawn,
  };
}

export interface Opening {
  patronId: string;
  libraryId: string;
  resourceId: string;
  kind: ResourceKind;
  category: QuotaCategory | null;
  document: string;
  month: string;
  at: Date;
  /** The monthly quota to respect (Forfait), at least 1. */
  quota: { category: QuotaCategory; limit: number } | null;
  /** The network cap to respect, at least 1. */
  cap: { period: string; limit: number } | null;
}

export interface OpeningResult {
  /** False: this document was already counted this month; the opening is recorded, not counted. */
  claimed: boolean;
  quotaUsed: number | null;
  capUsed: number | null;
  /** Cap alert levels not sent yet this period (whether reached or not). */
  capAlertsPending: CapLevel[];
}

/** Thrown when the statement below stopped at a limit: nothing of the opening was written. */
export class LimitReached extends Error {
  constructor(readonly limit: 'quota' | 'cap') {
    super(`${limit} reached`);
  }
}

const LIMIT_MARKERS = { quota: 'sesame:quota_reached', cap: 'sesame:cap_reached' } as const;

/**
 * The database's own error for the deliberate cast, found under the driver's wrapping (whose
 * message repeats the query and its parameters, so it cannot be trusted to tell).
 */
function limitReachedIn(e: unknown): 'quota' | 'cap' | null {
  for (
    let err = e as { message?: string; cause?: unknown } | undefined, depth = 0;
    err && depth < 4;
    depth++
  ) {
    const message = String(err.message ?? '');
    if (message.startsWith('invalid input syntax for type integer')) {
      if (message.includes(LIMIT_MARKERS.quota)) return 'quota';
      if (message.includes(LIMIT_MARKERS.cap)) return 'cap';
    }
    err = err.cause as typeof err;
  }
  return null;
}

/**
 * The opening, in one statement, so one atomic step whatever the number of instances:
 * 1. the counted consultation is claimed; the partial unique index makes a parallel claim of
 *    the same document wait, then find the row (then a consultation "not counted" is recorded);
 * 2. the quota row is incremented only while under its limit, then the cap row likewise: a
 *    parallel opening queues on each row and re-reads it, so nothing can overdraw;
 * 3. if the claim succeeded but a limit is reached, the statement fails on purpose (a cast of a
 *    marker text to integer) and PostgreSQL undoes all of it: nothing is counted.
 * Rows are always taken in the same order (consultation, quota, cap): no deadlock.
 */
export async function consumeOpening(db: Executor, v: Opening): Promise<OpeningResult> {
  const quota = v.quota
    ? sql`, quota as (
        insert into ${quotaUsage} (patron_id, category, month, used)
        select ${v.patronId}::uuid, ${v.quota.category}, ${v.month}, 1 from claim
        on conflict (patron_id, category, month) do update set used = ${quotaUsage}.used + 1
          where ${quotaUsage}.used < ${v.quota.limit}
        returning used)`
    : sql``;
  const cap = v.cap
    ? sql`, cap as (
        insert into ${capUsage} (resource_id, period, used)
        select ${v.resourceId}::uuid, ${v.cap.period}, 1 from claim
        ${v.quota ? sql`where exists (select 1 from quota)` : sql``}
        on conflict (resource_id, period) do update set used = ${capUsage}.used + 1
          where ${capUsage}.used < ${v.cap.limit}
        returning used, low_alert_at is null as low_due, high_alert_at is null as high_due,
          full_alert_at is null as full_due)`
    : sql``;
  // A non-constant expression, so that the planner never evaluates the failing cast early.
  const failUnless = (cte: string, marker: string) =>
    sql`case when exists (select 1 from claim)
      then coalesce((select used::text from ${sql.raw(cte)}), ${marker})::int end`;
  try {
    const rows = await queryRows<{
      claimed: number;
      quota_used: number | null;
      cap_used: number | null;
      low_due: boolean | null;
      high_due: boolean | null;
      full_due: boolean | null;
    }>(
      db,
      sql`
      with claim as (
        insert into ${consultations} (patron_id, library_id, resource_id, kind, category, document, month, counted, at)
        values (${v.patronId}, ${v.libraryId}, ${v.resourceId}, ${v.kind}, ${v.category}, ${v.document}, ${v.month}, true, ${v.at})
        on conflict (patron_id, resource_id, document, month) where counted do nothing
        returning id)
      ${quota} ${cap},
      again as (
        insert into ${consultations} (patron_id, library_id, resource_id, kind, category, document, month, counted, at)
        select ${v.patronId}::uuid, ${v.libraryId}::uuid, ${v.resourceId}::uuid, ${v.kind}, ${v.category}, ${v.document}, ${v.month}, false, ${v.at}::timestamptz
        where not exists (select 1 from claim)
        returning id)
      select (select count(*)::int from claim) as claimed,
        ${v.quota ? failUnless('quota', LIMIT_MARKERS.quota) : sql`null::int`} as quota_used,
        ${v.cap ? failUnless('cap', LIMIT_MARKERS.cap) : sql`null::int`} as cap_used,
        ${v.cap ? sql`(select low_due from cap)` : sql`null::boolean`} as low_due,
        ${v.cap ? sql`(select high_due from cap)` : sql`null::boolean`} as high_due,
        ${v.cap ? sql`(select full_due from cap)` : sql`null::boolean`} as full_due,
        (select count(*) from again) as again`,
    );
    const r = rows[0]!;
    const pending: CapLevel[] = [];
    if (r.full_due) pending.push('full');
    if (r.high_due) pending.push('high');
    if (r.low_due) pending.push('low');
    return {
      claimed: Number(r.claimed) === 1,
      quotaUsed: r.quota_used === null ? null : Number(r.quota_used),
      capUsed: r.cap_used === null ? null : Number(r.cap_used),
      capAlertsPending: pending,
    };
  } catch (e) {
    const limit = limitReachedIn(e);
    if (limit) throw new LimitReached(limit);
    throw e;
  }
}

export async function recordConsultation(
  db: Executor,
  v: {
    patronId: string | null;
    libraryId: string | null;
    resourceId: string;
    kind: ResourceKind;
    category: QuotaCategory | null;
    document: string;
    month: string;
    at: Date;
  },
): Promise<void> {
  await db.insert(consultations).values({ ...v, counted: false });
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
