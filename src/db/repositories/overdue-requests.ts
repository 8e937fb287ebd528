import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { LibraryScope } from '../../domain/actor.js';
import { AWAITING_DECISION } from '../../domain/patron-lifecycle.js';
import { type Executor, queryRows } from '../client.js';
import { events, libraries, patrons } from '../schema.js';
import { libraryScopeCondition } from './scope.js';

/** A request waiting for its library beyond the escalation delay (SPEC §2 transition 5). */
export interface OverdueRequest {
  id: string;
  firstName: string | null;
  lastName: string | null;
  identifier: string | null;
  state: (typeof patrons.$inferSelect)['state'];
  pendingSince: Date;
  overdueNotifiedAt: Date | null;
  lastWarnedAt: Date | null;
  libraryId: string;
  libraryName: string;
  libraryCode: string;
  libraryEmail: string;
}

const columns = {
  id: patrons.id,
  firstName: patrons.firstName,
  lastName: patrons.lastName,
  identifier: patrons.identifier,
  state: patrons.state,
  pendingSince: patrons.pendingSince,
  overdueNotifiedAt: patrons.overdueNotifiedAt,
  lastWarnedAt: patrons.lastWarnedAt,
  libraryId: patrons.libraryId,
  libraryName: libraries.name,
  libraryCode: libraries.code,
  libraryEmail: libraries.email,
};

const awaiting = () => inArray(patrons.state, [...AWAITING_DECISION]);

function overdueWhere(scope: LibraryScope, cutoff: Date, libraryId?: string) {
  return and(
    awaiting(),
    lte(patrons.pendingSince, cutoff),
    libraryScopeCondition(scope, patrons.libraryId),
    libraryId ? eq(patrons.libraryId, libraryId) : undefined,
  );
}

/** Overdue requests visible in the scope, by library name then oldest first. */
export async function listOverdueRequests(
  db: Executor,
  scope: LibraryScope,
  cutoff: Date,
  options: { libraryId?: string; limit?: number } = {},
): Promise<{ rows: OverdueRequest[]; total: number }> {
  const where = overdueWhere(scope, cutoff, options.libraryId);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(patrons).where(where);
  const rows = await db
    .select(columns)
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(where)
    .orderBy(asc(libraries.name), asc(patrons.pendingSince), asc(patrons.id))
    .limit(options.limit ?? 1000);
  return { rows: rows as OverdueRequest[], total: count?.n ?? 0 };
}

export interface OverdueByLibrary {
  libraryId: string;
  libraryName: string;
  libraryCode: string;
  count: number;
  oldestSince: Date;
}

/** Counts per library, for the network's digest. */
export async function overdueByLibrary(db: Executor, cutoff: Date): Promise<OverdueByLibrary[]> {
  const rows = await db
    .select({
      libraryId: patrons.libraryId,
      libraryName: libraries.name,
      libraryCode: libraries.code,
      count: sql<number>`count(*)::int`,
      oldestSince: sql<string>`min(${patrons.pendingSince})`,
    })
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(overdueWhere({ all: true }, cutoff))
    .groupBy(patrons.libraryId, libraries.name, libraries.code)
    .orderBy(asc(libraries.name));
  // An aggregate comes back as text or Date depending on the driver.
  return rows.map((r) => ({ ...r, count: Number(r.count), oldestSince: new Date(r.oldestSince) }));
}

/**
 * Claims up to `limit` overdue requests whose library has not been reminded of this wait yet
 * (a reminder older than pendingSince belongs to an earlier request of the same patron). The
 * conditional UPDATE marks each once, whatever the number of instances or runs; SKIP LOCKED
 * lets a concurrent run take other rows instead of waiting.
 */
export async function claimOverdueReminders(
  db: Executor,
  cutoff: Date,
  now: Date,
  limit: number,
): Promise<OverdueRequest[]> {
  const claimed = await queryRows<{ id: string }>(
    db,
    sql`
    update ${patrons} set overdue_notified_at = ${now}
    where id in (
      select id from ${patrons}
      where state in ('pending', 'renewal_pending')
        and pending_since <= ${cutoff}
        and (overdue_notified_at is null or overdue_notified_at < pending_since)
      order by pending_since, id
      for update skip locked
      limit ${limit}
    )
    returning id`,
  );
  if (claimed.length === 0) return [];
  const rows = await db
    .select(columns)
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(
      inArray(
        patrons.id,
        claimed.map((c) => c.id),
      ),
    )
    .orderBy(asc(libraries.name), asc(patrons.pendingSince));
  return rows as OverdueRequest[];
}

export const DIGEST_ACTION = 'overdue_digest_sent';
export const NETWORK_SUBJECT = { kind: 'network', id: '1' } as const;

/** Whether the network's digest of this Paris day (AAAA-MM-JJ) was already sent. */
export async function digestSentOn(db: Executor, day: string): Promise<boolean> {
  const [row] = await db
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        eq(events.subjectKind, NETWORK_SUBJECT.kind),
        eq(events.subjectId, NETWORK_SUBJECT.id),
        eq(events.action, DIGEST_ACTION),
        sql`${events.data}->>'day' = ${day}`,
      ),
    )
    .limit(1);
  return Boolean(row);
}
