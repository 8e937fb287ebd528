import { and, asc, desc, eq, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { LibraryScope } from '../../domain/actor.js';
import { PARIS } from '../../domain/paris.js';
import type { NetworkSettings } from '../../domain/settings.js';
import type { Executor } from '../client.js';
import { libraries, patrons } from '../schema.js';
import { isUuid } from './libraries.js';
import {
  type QueueFilter,
  type QueueOrder,
  type QueueSort,
  type QueueStateFilter,
  queueCondition,
} from './patron-queue.js';
import { libraryScopeCondition } from './scope.js';

/**
 * The patrons of a staff list, read in batches for an export: keyset pagination on the list's
 * own order (its sort keys, then the id), so each batch is one short indexed query and memory
 * stays flat whatever the number of patrons. No long transaction: on PGlite (one connection)
 * other requests go on between batches.
 */

export const EXPORT_BATCH = 1_000;

/**
 * An instant's Paris calendar day as AAAA-MM-JJ, computed by the database: cheaper than
 * converting 100 000 instants one by one in JavaScript.
 */
function parisDay(column: AnyPgColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone ${sql.raw(`'${PARIS}'`)}, 'YYYY-MM-DD')`;
}

const EXPORT_ROW = {
  id: patrons.id,
  state: patrons.state,
  channel: patrons.channel,
  lastName: patrons.lastName,
  firstName: patrons.firstName,
  identifier: patrons.identifier,
  email: patrons.email,
  birthDate: patrons.birthDate,
  birthYear: patrons.birthYear,
  cardNumber: patrons.cardNumber,
  newsletter: patrons.newsletter,
  libraryName: libraries.name,
  registeredDay: parisDay(patrons.registeredAt),
  activeUntil: patrons.activeUntil,
  decidedDay: parisDay(patrons.decidedAt),
  refusalReason: patrons.refusalReason,
};

export interface ExportRow {
  id: string;
  state: (typeof patrons.$inferSelect)['state'];
  channel: 'self' | 'staff';
  lastName: string | null;
  firstName: string | null;
  identifier: string | null;
  email: string | null;
  birthDate: string | null;
  birthYear: number;
  cardNumber: string | null;
  newsletter: boolean;
  libraryName: string;
  /** Paris calendar days, AAAA-MM-JJ. */
  registeredDay: string;
  activeUntil: string | null;
  decidedDay: string | null;
  refusalReason: string | null;
}

/** One sort key: its expression (exactly as the indexes spell it), its type, whether it may be null. */
interface Key {
  expr: SQL;
  type: 'timestamptz' | 'date' | 'text';
  nullable: boolean;
}

const LAST_NAME: Key = { expr: sql`sesame_fold(${patrons.lastName})`, type: 'text', nullable: true };
const FIRST_NAME: Key = { expr: sql`sesame_fold(${patrons.firstName})`, type: 'text', nullable: true };

const SORT_KEYS: Record<QueueSort, Key[]> = {
  inscription: [{ expr: sql`${patrons.registeredAt}`, type: 'timestamptz', nullable: false }],
  attente: [{ expr: sql`${patrons.pendingSince}`, type: 'timestamptz', nullable: true }],
  fin: [{ expr: sql`${patrons.activeUntil}`, type: 'date', nullable: true }],
  nom: [LAST_NAME, FIRST_NAME],
};

/**
 * A part of the list walked with one keyset: the rows whose keys are all set (ordered by the
 * keys, then the id), or the others (ordered by id alone). Row comparison on NULL is never
 * true, so the rows with a missing key form their own part, placed where PostgreSQL puts
 * nulls: last when ascending, first when descending, as on the list page.
 */
interface Segment {
  where: SQL | undefined;
  keys: Key[];
}

function segments(sort: QueueSort, order: QueueOrder): Segment[] {
  const keys = SORT_KEYS[sort];
  const nullable = keys.filter((k) => k.nullable);
  if (nullable.length === 0) return [{ where: undefined, keys }];
  const keyed: Segment = { where: and(...nullable.map((k) => isNotNull(k.expr))), keys };
  const unkeyed: Segment = { where: or(...nullable.map((k) => sql`${k.expr} is null`)), keys: [] };
  return order === 'croissant' ? [keyed, unkeyed] : [unkeyed, keyed];
}

type Cursor = { keys: string[]; id: string };

function after(segment: Segment, order: QueueOrder, cursor: Cursor | null): SQL | undefined {
  if (!cursor) return undefined;
  const op = order === 'croissant' ? sql`>` : sql`<`;
  const left = sql.join([...segment.keys.map((k) => k.expr), sql`${patrons.id}`], sql`, `);
  const right = sql.join(
    [...segment.keys.map((k, i) => sql`${cursor.keys[i]}::${sql.raw(k.type)}`), sql`${cursor.id}::uuid`],
    sql`, `,
  );
  return sql`(${left}) ${op} (${right})`;
}

/**
 * Walks one segment batch by batch. The next batch is asked for as soon as the current one
 * arrives (its cursor is known): on PostgreSQL the server reads it while this process writes
 * the current one.
 */
async function* walk(
  db: Executor,
  where: SQL | undefined,
  segment: Segment,
  order: QueueOrder,
  batchSize: number,
): AsyncGenerator<ExportRow[]> {
  const dir = order === 'croissant' ? asc : desc;
  // Keys come back as text: a timestamp carries microseconds that a JavaScript Date would lose,
  // and the next batch must start exactly after the last row.
  const keyColumns = Object.fromEntries(segment.keys.map((k, i) => [`k${i}`, sql<string>`${k.expr}::text`]));
  type Fetched = Array<ExportRow & Record<string, unknown>>;
  const fetch = (cursor: Cursor | null): Promise<Fetched> => {
    const query = db
      .select({ ...EXPORT_ROW, ...keyColumns })
      .from(patrons)
      .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
      .where(and(where, segment.where, after(segment, order, cursor)))
      .orderBy(...segment.keys.map((k) => dir(k.expr)), dir(patrons.id))
      .limit(batchSize)
      .execute() as Promise<Fetched>;
    // Awaited below; until then a failure must not count as unhandled (the reader may be gone).
    query.catch(() => {});
    return query;
  };
  let next: Promise<Fetched> | null = fetch(null);
  while (next) {
    const rows: Fetched = await next;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    next =
      rows.length < batchSize
        ? null
        : fetch({ keys: segment.keys.map((_, i) => String(last[`k${i}`])), id: last.id });
    // The rows keep their key columns: copying 100 000 objects to drop them costs more than they weigh.
    yield rows;
  }
}

/**
 * The patrons the staff list shows for these criteria (same state, library and text filters,
 * same order), within the actor's scope whatever the query string says, in batches.
 */
export async function* patronExportBatches(
  db: Executor,
  scope: LibraryScope,
  criteria: QueueFilter & { state: QueueStateFilter; sort: QueueSort; order: QueueOrder },
  now: Date,
  settings: Pick<NetworkSettings, 'escalationDays'>,
  batchSize = EXPORT_BATCH,
): AsyncGenerator<ExportRow[]> {
  const where = queueCondition(scope, criteria, now, settings);
  for (const segment of segments(criteria.sort, criteria.order))
    yield* walk(db, where, segment, criteria.order, batchSize);
}

export interface NewsletterRow {
  id: string;
  lastName: string | null;
  firstName: string | null;
  email: string | null;
  libraryName: string;
}

/**
 * Patrons who may receive the newsletter: they asked for it and their subscription runs
 * (active, or active while their renewal waits). By name, in batches; one library or all.
 */
export async function* newsletterBatches(
  db: Executor,
  scope: LibraryScope,
  libraryId: string | null,
  batchSize = EXPORT_BATCH,
): AsyncGenerator<NewsletterRow[]> {
  const library =
    libraryId && isUuid(libraryId)
      ? and(libraryScopeCondition(scope, patrons.libraryId), eq(patrons.libraryId, libraryId))
      : libraryScopeCondition(scope, patrons.libraryId);
  const where = and(
    library,
    sql`${patrons.state} in ('active', 'renewal_pending')`,
    eq(patrons.newsletter, true),
    isNotNull(patrons.email),
    sql`${patrons.anonymisedAt} is null`,
  );
  const segment: Segment = {
    where: and(isNotNull(LAST_NAME.expr), isNotNull(FIRST_NAME.expr)),
    keys: [LAST_NAME, FIRST_NAME],
  };
  const select = {
    id: patrons.id,
    lastName: patrons.lastName,
    firstName: patrons.firstName,
    email: patrons.email,
    libraryName: libraries.name,
    k0: sql<string>`${LAST_NAME.expr}::text`,
    k1: sql<string>`${FIRST_NAME.expr}::text`,
  };
  let cursor: Cursor | null = null;
  for (;;) {
    const rows: Array<NewsletterRow & { k0: string; k1: string }> = await db
      .select(select)
      .from(patrons)
      .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
      .where(and(where, segment.where, after(segment, 'croissant', cursor)))
      .orderBy(asc(LAST_NAME.expr), asc(FIRST_NAME.expr), asc(patrons.id))
      .limit(batchSize);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    cursor = { keys: [last.k0, last.k1], id: last.id };
    yield rows;
    if (rows.length < batchSize) return;
  }
}
