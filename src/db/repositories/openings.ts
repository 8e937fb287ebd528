/**
 * Opening a document, the hottest path of the portal, in two round trips: one read of
 * everything the opening checks, then one call that counts it against the quota and the cap
 * (batched with the openings of other patrons arriving meanwhile).
 */
import { eq, sql } from 'drizzle-orm';
import type { CapLevel } from '../../domain/resource-access.js';
import type { QuotaCategory, ResourceKind } from '../../domain/resources.js';
import { Batcher } from '../batcher.js';
import { type Db, type Executor, queryRows } from '../client.js';
import {
  consultations,
  network,
  patronResourceRights,
  patrons,
  resourceLibraries,
  resources,
} from '../schema.js';
import { isUuid } from './libraries.js';
import type { PatronRow } from './patrons.js';
import type { ResourceRow } from './resources.js';

/**
 * Batching per database (one instance): one batch of reads and one batch of counts at a time.
 * Measured on two cores (bench/quota): one batch in flight makes the batches larger and the
 * work per opening smaller, 3 000 openings/s over four instances against 1 900 with three in
 * flight each; 64 openings is more than one instance receives during one batch.
 */
const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 1;
/**
 * Openings waiting for a batch, beyond which one is answered 503 at once: 16 batches, which a
 * healthy database clears in well under a second; with the statement timeout this bounds
 * both the memory and the wait of a patron when the database stalls.
 */
export const MAX_WAITING = 16 * MAX_BATCH;

/** What an opening needs to know of the patron: standing, age, library, and the connector's fields. */
export type OpenContextPatron = Pick<
  PatronRow,
  | 'id'
  | 'libraryId'
  | 'state'
  | 'birthDate'
  | 'birthYear'
  | 'activeUntil'
  | 'pendingSince'
  | 'registeredAt'
  | 'firstName'
  | 'lastName'
  | 'email'
>;

export interface OpenContext {
  resource: ResourceRow;
  patron: OpenContextPatron | null;
  network: { name: string; email: string; profile: string; settings: Record<string, unknown> };
  subscribed: boolean;
  withdrawn: boolean;
}

interface ContextRequest {
  resourceId: string;
  patronId: string | null;
}

/** The contexts of many openings in one statement: one row per request found, tagged `n`. */
function openContextsQuery(db: Db) {
  const asked = sql`unnest(${sql.placeholder('resourceIds')}::uuid[], ${sql.placeholder('patronIds')}::uuid[])
    with ordinality as asked(resource_id, patron_id, n)`;
  return db
    .select({
      n: sql<number>`asked.n::int`,
      resource: resources,
      patron: {
        id: patrons.id,
        libraryId: patrons.libraryId,
        state: patrons.state,
        birthDate: patrons.birthDate,
        birthYear: patrons.birthYear,
        activeUntil: patrons.activeUntil,
        pendingSince: patrons.pendingSince,
        registeredAt: patrons.registeredAt,
        firstName: patrons.firstName,
        lastName: patrons.lastName,
        email: patrons.email,
      },
      name: network.name,
      email: network.email,
      profile: network.profile,
      settings: network.settings,
      subscribed: sql<boolean>`(${resources.allLibraries} or exists (
        select 1 from ${resourceLibraries} rl where rl.resource_id = ${resources.id} and rl.library_id = ${patrons.libraryId}))`,
      withdrawn: sql<boolean>`coalesce((select w.withdrawn from ${patronResourceRights} w
        where w.patron_id = ${patrons.id} and w.resource_id = ${resources.id}), false)`,
    })
    .from(asked)
    .innerJoin(resources, sql`${resources.id} = asked.resource_id`)
    .innerJoin(network, eq(network.id, 1))
    .leftJoin(patrons, sql`${patrons.id} = asked.patron_id`)
    .prepare('sesame_open_contexts');
}

type ContextsQuery = ReturnType<typeof openContextsQuery>;

async function loadOpenContexts(
  query: ContextsQuery,
  requests: ContextRequest[],
): Promise<(OpenContext | null)[]> {
  const rows = await query.execute({
    resourceIds: requests.map((r) => r.resourceId),
    patronIds: requests.map((r) => r.patronId),
  });
  const found = new Map(rows.map((row) => [Number(row.n), row]));
  return requests.map((_, index) => {
    const row = found.get(index + 1);
    if (!row) return null;
    return {
      resource: row.resource,
      patron: row.patron,
      network: { name: row.name, email: row.email, profile: row.profile, settings: row.settings },
      subscribed: row.subscribed,
      withdrawn: row.withdrawn,
    };
  });
}

const contextLoaders = new WeakMap<Db, Batcher<ContextRequest, OpenContext | null>>();

/**
 * Everything an opening checks, in one round trip: the resource, the patron (null when
 * anonymous or unknown), the network's settings, the library's subscription and the staff's
 * withdrawal. Null when the resource does not exist. Requests made while earlier ones are
 * being read are read together, in one statement.
 */
export async function loadOpenContext(
  db: Db,
  resourceId: string,
  patronId: string | null,
): Promise<OpenContext | null> {
  if (!isUuid(resourceId)) return null;
  let loader = contextLoaders.get(db);
  if (!loader) {
    const query = openContextsQuery(db);
    loader = new Batcher((requests) => loadOpenContexts(query, requests), {
      maxBatch: MAX_BATCH,
      maxInFlight: MAX_IN_FLIGHT,
      retryAlone: true,
      maxWaiting: MAX_WAITING,
      name: 'open contexts',
    });
    contextLoaders.set(db, loader);
  }
  return loader.add({ resourceId, patronId: patronId && isUuid(patronId) ? patronId : null });
}

/** What a consultation records of an opening. */
export interface ConsultationFacts {
  resourceId: string;
  kind: ResourceKind;
  category: QuotaCategory | null;
  document: string;
  /** Paris month, AAAA-MM. */
  month: string;
  at: Date;
}

/** A patron's opening of a document that may count (Forfait or capped resource). */
export interface Opening extends ConsultationFacts {
  patronId: string;
  libraryId: string;
  /** The monthly quota to respect (Forfait), at least 1. */
  quota: { category: QuotaCategory; limit: number } | null;
  /** The network cap to respect, at least 1. */
  cap: { period: string; limit: number } | null;
}

export type OpeningResult =
  /** First opening of the document this month: one unit of the quota and of the cap taken. */
  | { outcome: 'counted'; quotaUsed: number | null; capUsed: number | null; capAlertsPending: CapLevel[] }
  /** Already counted this month: recorded, not counted. */
  | { outcome: 'again' }
  /** A limit is reached: nothing of the opening was written. */
  | { outcome: 'quota' | 'cap' };

interface OpeningRow {
  op: number;
  outcome: 'counted' | 'again' | 'quota' | 'cap';
  quota_used: number | null;
  cap_used: number | null;
  low_due: boolean | null;
  high_due: boolean | null;
  full_due: boolean | null;
}

/**
 * Counts a batch of openings, at most one per patron, in one call of the database function
 * `sesame_consume_openings` (migration 0007): one atomic step whatever the number of instances,
 * which can never let parallel openings overdraw a quota or a cap.
 */
export async function consumeOpenings(db: Executor, batch: Opening[]): Promise<OpeningResult[]> {
  const payload = batch.map((v, index) => ({
    i: index + 1,
    patron: v.patronId,
    library: v.libraryId,
    resource: v.resourceId,
    kind: v.kind,
    category: v.category,
    document: v.document,
    month: v.month,
    at: v.at.toISOString(),
    quota_limit: v.quota?.limit ?? null,
    cap_period: v.cap?.period ?? null,
    cap_limit: v.cap?.limit ?? null,
  }));
  const rows = await queryRows<OpeningRow>(
    db,
    sql`select * from sesame_consume_openings(${JSON.stringify(payload)}::jsonb)`,
  );
  const byOp = new Map(rows.map((r) => [Number(r.op), r]));
  return batch.map((_, index) => {
    const r = byOp.get(index + 1);
    if (!r) throw new Error(`opening ${index + 1} missing from the batch's results`);
    if (r.outcome !== 'counted') return { outcome: r.outcome };
    const pending: CapLevel[] = [];
    if (r.full_due) pending.push('full');
    if (r.high_due) pending.push('high');
    if (r.low_due) pending.push('low');
    return {
      outcome: 'counted',
      quotaUsed: r.quota_used === null ? null : Number(r.quota_used),
      capUsed: r.cap_used === null ? null : Number(r.cap_used),
      capAlertsPending: pending,
    };
  });
}

const batchers = new WeakMap<Db, Batcher<Opening, OpeningResult>>();

/**
 * Counts one opening. Openings made while earlier batches are running leave together in the
 * next one (one round trip, one commit); a patron's openings never share a batch, so each sees
 * what the previous one counted.
 */
export function consumeOpening(db: Db, opening: Opening): Promise<OpeningResult> {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new Batcher((batch) => consumeOpenings(db, batch), {
      maxBatch: MAX_BATCH,
      maxInFlight: MAX_IN_FLIGHT,
      key: (o) => o.patronId,
      // One call, one transaction: a batch that failed before its commit wrote nothing. One cut
      // off during its commit may have been written: run again, its openings find their claims
      // and come back as already counted (`again`), never counted twice.
      retryAlone: true,
      maxWaiting: MAX_WAITING,
      name: 'openings',
    });
    batchers.set(db, batcher);
  }
  return batcher.add(opening);
}

/** An opening that never counts (free resource, provider's home page, anonymous visitor). */
export async function recordConsultation(
  db: Executor,
  v: ConsultationFacts & { patronId: string | null; libraryId: string | null },
): Promise<void> {
  // With its statistics row (issue #16), in the same statement: a free opening is counted once.
  const day = sql`(${v.at.toISOString()}::timestamptz at time zone 'Europe/Paris')::date`;
  await db.execute(sql`with recorded as (
      insert into ${consultations} (patron_id, library_id, resource_id, kind, category, document, month, counted, at)
      values (${v.patronId}::uuid, ${v.libraryId}::uuid, ${v.resourceId}::uuid, ${v.kind}, ${v.category},
        ${v.document}, ${v.month}, false, ${v.at.toISOString()}::timestamptz)
    )
    insert into stat_consultations as s (month, library_id, resource_id, kind, category, outcome, age_band, n)
    select ${v.month}, ${v.libraryId}::uuid, ${v.resourceId}::uuid, ${v.kind}, ${v.category}, 'free',
      sesame_age_band(p.birth_date, p.birth_year, ${day}), 1
    from (select 1) as one left join ${patrons} p on p.id = ${v.patronId}::uuid
    on conflict on constraint stat_consultations_key do update set n = s.n + 1`);
}

/**
 * Whether the patron's opening of the resource was recorded at or after `since`: the
 * provider's single sign-on round trip that follows a click in the catalog is that opening.
 */
export async function openedSince(
  db: Executor,
  q: { patronId: string; resourceId: string; since: Date },
): Promise<boolean> {
  const [row] = await queryRows<{ opened: boolean }>(
    db,
    sql`select exists (select 1 from ${consultations}
      where patron_id = ${q.patronId}::uuid and resource_id = ${q.resourceId}::uuid
        and at >= ${q.since.toISOString()}::timestamptz) as opened`,
  );
  return Boolean(row?.opened);
}

/**
 * Where a patron stands for one document this month: the units of its category used, and
 * whether the document was counted already (reopening it takes nothing).
 */
export async function documentQuotaStanding(
  db: Executor,
  q: { patronId: string; resourceId: string; document: string; category: QuotaCategory; month: string },
): Promise<{ used: number; alreadyCounted: boolean }> {
  const [row] = await queryRows<{ used: number | string | null; counted: boolean }>(
    db,
    sql`select
      (select used from quota_usage
        where patron_id = ${q.patronId} and category = ${q.category} and month = ${q.month}) as used,
      exists (select 1 from ${consultations}
        where patron_id = ${q.patronId} and resource_id = ${q.resourceId} and document = ${q.document}
          and month = ${q.month} and counted) as counted`,
  );
  return { used: Number(row?.used ?? 0), alreadyCounted: Boolean(row?.counted) };
}
