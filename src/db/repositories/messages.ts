import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { LibraryScope } from '../../domain/actor.js';
import type { ThreadKind, ThreadState } from '../../domain/messages.js';
import type { Executor } from '../client.js';
import { events, libraries, messageThreads, patrons, threadMessages } from '../schema.js';
import { libraryScopeCondition } from './scope.js';

export type ThreadRow = typeof messageThreads.$inferSelect;
export type ThreadMessageRow = typeof threadMessages.$inferSelect;

export interface ThreadSummary {
  id: string;
  kind: ThreadKind;
  subject: string;
  state: ThreadState;
  unread: boolean;
  email: string;
  patronId: string | null;
  libraryId: string | null;
  libraryName: string | null;
  authorName: string | null;
  waitingSince: Date | null;
  takenOverAt: Date | null;
  lastMessageAt: Date;
  createdAt: Date;
}

export interface ThreadDetail extends ThreadSummary {
  takenOverByLabel: string | null;
  patronIdentifier: string | null;
  libraryEmail: string | null;
  messages: ThreadMessageRow[];
}

const summaryColumns = {
  id: messageThreads.id,
  kind: messageThreads.kind,
  subject: messageThreads.subject,
  state: messageThreads.state,
  unread: messageThreads.unread,
  email: messageThreads.email,
  patronId: messageThreads.patronId,
  libraryId: messageThreads.libraryId,
  libraryName: libraries.name,
  authorName: sql<
    string | null
  >`nullif(trim(coalesce(${patrons.firstName}, '') || ' ' || coalesce(${patrons.lastName}, '')), '')`,
  waitingSince: messageThreads.waitingSince,
  takenOverAt: messageThreads.takenOverAt,
  lastMessageAt: messageThreads.lastMessageAt,
  createdAt: messageThreads.createdAt,
};

const detailColumns = {
  ...summaryColumns,
  takenOverByLabel: messageThreads.takenOverByLabel,
  patronIdentifier: patrons.identifier,
  libraryEmail: libraries.email,
};

const onLibrary = eq(libraries.id, messageThreads.libraryId);
const onAuthor = eq(patrons.id, messageThreads.patronId);

/** Threads with their library's and author's names: what every listing starts from. */
const selectSummaries = (db: Executor) =>
  db.select(summaryColumns).from(messageThreads).leftJoin(libraries, onLibrary).leftJoin(patrons, onAuthor);

/** The same, with what one thread's page shows besides. */
const selectDetails = (db: Executor) =>
  db.select(detailColumns).from(messageThreads).leftJoin(libraries, onLibrary).leftJoin(patrons, onAuthor);

/** The messages of these threads, oldest first. */
function messagesOfThreads(db: Executor, threadIds: string[]) {
  return db
    .select()
    .from(threadMessages)
    .where(inArray(threadMessages.threadId, threadIds))
    .orderBy(asc(threadMessages.createdAt), asc(threadMessages.id));
}

/**
 * What a staff member may see: their libraries' threads; network administrators see every
 * library's and the support inbox. Filtered in SQL, never after loading.
 */
export function staffThreadScope(scope: LibraryScope): SQL {
  if (scope.all) return sql`true`;
  return and(eq(messageThreads.kind, 'library'), libraryScopeCondition(scope, messageThreads.libraryId))!;
}

export async function insertThread(
  db: Executor,
  t: {
    kind: ThreadKind;
    libraryId: string | null;
    patronId: string | null;
    email: string;
    subject: string;
    now: Date;
  },
): Promise<string> {
  const [row] = await db
    .insert(messageThreads)
    .values({
      kind: t.kind,
      libraryId: t.libraryId,
      patronId: t.patronId,
      email: t.email,
      subject: t.subject,
      state: 'new',
      unread: true,
      waitingSince: t.now,
      createdAt: t.now,
      lastMessageAt: t.now,
    })
    .returning({ id: messageThreads.id });
  return row!.id;
}

export async function insertThreadMessage(
  db: Executor,
  m: {
    threadId: string;
    authorKind: 'patron' | 'visitor' | 'staff';
    authorStaffId?: string | null;
    authorLabel: string;
    body: string;
    now: Date;
  },
): Promise<number> {
  const [row] = await db
    .insert(threadMessages)
    .values({
      threadId: m.threadId,
      authorKind: m.authorKind,
      authorStaffId: m.authorStaffId ?? null,
      authorLabel: m.authorLabel,
      body: m.body,
      createdAt: m.now,
    })
    .returning({ id: threadMessages.id });
  return row!.id;
}

/** Messages sent by a person (account or address) since `since`, for the rate limit. */
export async function countRecentMessages(
  db: Executor,
  who: { patronId: string | null; email: string },
  since: Date,
): Promise<number> {
  const person = who.patronId
    ? or(eq(messageThreads.patronId, who.patronId), sql`lower(${messageThreads.email}) = lower(${who.email})`)
    : sql`lower(${messageThreads.email}) = lower(${who.email})`;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(threadMessages)
    .innerJoin(messageThreads, eq(messageThreads.id, threadMessages.threadId))
    .where(and(ne(threadMessages.authorKind, 'staff'), gt(threadMessages.createdAt, since), person));
  return Number(row?.n ?? 0);
}

async function detail(db: Executor, where: SQL | undefined): Promise<ThreadDetail | null> {
  const [row] = await selectDetails(db).where(where).limit(1);
  if (!row) return null;
  const messages = await messagesOfThreads(db, [row.id]);
  return { ...(row as Omit<ThreadDetail, 'messages'>), messages };
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** A thread the staff member may see, or null (another library's is "not found"). */
export async function findThreadForStaff(
  db: Executor,
  scope: LibraryScope,
  id: string,
): Promise<ThreadDetail | null> {
  if (!isUuid(id)) return null;
  return detail(db, and(eq(messageThreads.id, id), staffThreadScope(scope)));
}

/** One of the patron's own threads, or null. */
export async function findThreadForPatron(
  db: Executor,
  patronId: string,
  id: string,
): Promise<ThreadDetail | null> {
  if (!isUuid(id)) return null;
  return detail(db, and(eq(messageThreads.id, id), eq(messageThreads.patronId, patronId)));
}

/** Locks the thread for a change, within the staff member's scope. */
export async function lockThreadForStaff(
  db: Executor,
  scope: LibraryScope,
  id: string,
): Promise<ThreadRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(messageThreads)
    .where(and(eq(messageThreads.id, id), staffThreadScope(scope)))
    .for('update');
  return row ?? null;
}

export async function lockThreadForPatron(
  db: Executor,
  patronId: string,
  id: string,
): Promise<ThreadRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(messageThreads)
    .where(and(eq(messageThreads.id, id), eq(messageThreads.patronId, patronId)))
    .for('update');
  return row ?? null;
}

/**
 * Guarded state change: applies only if the thread is still in `expected` (a colleague's
 * change meanwhile wins, and the caller says so). Returns whether it applied.
 */
export async function updateThread(
  db: Executor,
  id: string,
  expected: ThreadState,
  set: Partial<
    Pick<
      ThreadRow,
      | 'state'
      | 'unread'
      | 'waitingSince'
      | 'lastMessageAt'
      | 'takenOverAt'
      | 'takenOverById'
      | 'takenOverByLabel'
    >
  >,
): Promise<boolean> {
  const rows = await db
    .update(messageThreads)
    .set(set)
    .where(and(eq(messageThreads.id, id), eq(messageThreads.state, expected)))
    .returning({ id: messageThreads.id });
  return rows.length === 1;
}

/** Opening a thread marks it read (only by whoever answers it: see the use case). */
export async function markThreadRead(db: Executor, scope: LibraryScope, id: string): Promise<void> {
  if (!isUuid(id)) return;
  await db
    .update(messageThreads)
    .set({ unread: false })
    .where(and(eq(messageThreads.id, id), eq(messageThreads.unread, true), staffThreadScope(scope)));
}

export interface InboxFilter {
  state?: ThreadState;
  /** A library id, or 'support' for the network's support inbox. */
  inbox?: string;
  limit: number;
  offset: number;
}

function inboxWhere(scope: LibraryScope, f: Pick<InboxFilter, 'state' | 'inbox'>): SQL | undefined {
  return and(
    staffThreadScope(scope),
    f.state ? eq(messageThreads.state, f.state) : undefined,
    f.inbox === 'support'
      ? eq(messageThreads.kind, 'support')
      : f.inbox && isUuid(f.inbox)
        ? eq(messageThreads.libraryId, f.inbox)
        : undefined,
  );
}

/** The inbox: unread first, then the latest activity first. */
export async function listThreadsForStaff(
  db: Executor,
  scope: LibraryScope,
  f: InboxFilter,
): Promise<{ rows: ThreadSummary[]; total: number }> {
  const where = inboxWhere(scope, f);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(messageThreads).where(where);
  const rows = await selectSummaries(db)
    .where(where)
    .orderBy(desc(messageThreads.unread), desc(messageThreads.lastMessageAt), asc(messageThreads.id))
    .limit(f.limit)
    .offset(f.offset);
  return { rows: rows as ThreadSummary[], total: Number(count?.n ?? 0) };
}

/** Counts per state in the scope (and inbox), for the filter's labels. */
export async function threadCounts(
  db: Executor,
  scope: LibraryScope,
  inbox?: string,
): Promise<Record<ThreadState, number>> {
  const rows = await db
    .select({ state: messageThreads.state, n: sql<number>`count(*)::int` })
    .from(messageThreads)
    .where(inboxWhere(scope, { inbox }))
    .groupBy(messageThreads.state);
  const out: Record<ThreadState, number> = { new: 0, answered: 0, closed: 0 };
  for (const r of rows) out[r.state] = Number(r.n);
  return out;
}

/** The menu badge: threads in the scope with a message nobody who answers has opened yet. */
export async function countUnreadThreads(
  db: Executor,
  scope: LibraryScope,
  forNetwork: boolean,
): Promise<number> {
  const answeredHere = forNetwork
    ? or(eq(messageThreads.kind, 'support'), isNotNull(messageThreads.takenOverAt))
    : staffThreadScope(scope);
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(messageThreads)
    .where(and(eq(messageThreads.unread, true), answeredHere));
  return Number(row?.n ?? 0);
}

/** Libraries that have threads, for the network administrators' filter. */
export async function librariesWithThreads(db: Executor): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectDistinct({ id: libraries.id, name: libraries.name })
    .from(messageThreads)
    .innerJoin(libraries, eq(libraries.id, messageThreads.libraryId))
    .orderBy(asc(libraries.name), asc(libraries.id));
}

/** Library messages left unanswered beyond the escalation delay ("En retard"). */
export async function overdueThreads(
  db: Executor,
  scope: LibraryScope,
  cutoff: Date,
  libraryId?: string,
): Promise<ThreadSummary[]> {
  const rows = await selectSummaries(db)
    .where(
      and(
        eq(messageThreads.kind, 'library'),
        eq(messageThreads.state, 'new'),
        lte(messageThreads.waitingSince, cutoff),
        staffThreadScope(scope),
        libraryId ? eq(messageThreads.libraryId, libraryId) : undefined,
      ),
    )
    .orderBy(asc(libraries.name), asc(messageThreads.waitingSince), asc(messageThreads.id))
    .limit(1000);
  return rows as ThreadSummary[];
}

/** The patron's own threads, latest activity first. */
export async function patronThreads(db: Executor, patronId: string, limit = 200): Promise<ThreadDetail[]> {
  const rows = await selectDetails(db)
    .where(eq(messageThreads.patronId, patronId))
    .orderBy(desc(messageThreads.lastMessageAt), asc(messageThreads.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const messages = await messagesOfThreads(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    ...(r as Omit<ThreadDetail, 'messages'>),
    messages: messages.filter((m) => m.threadId === r.id),
  }));
}

/**
 * Erasure: the patron's threads and their messages go (they are personal data through and
 * through); the events about them keep their facts, without the person's name.
 */
export async function deleteThreadsOfPatrons(
  db: Executor,
  patronIds: readonly string[],
  erasedLabel: string,
) {
  if (patronIds.length === 0) return 0;
  const gone = await db
    .delete(messageThreads)
    .where(inArray(messageThreads.patronId, [...patronIds]))
    .returning({ id: messageThreads.id });
  await scrubThreadEvents(
    db,
    gone.map((g) => g.id),
    erasedLabel,
  );
  return gone.length;
}

/**
 * Retention: threads without an account (visitors) whose last message is older than the
 * network's retention period are deleted, at most `limit` at a time.
 */
export async function deleteStaleThreads(db: Executor, before: Date, limit: number, erasedLabel: string) {
  const gone = await db
    .delete(messageThreads)
    .where(
      inArray(
        messageThreads.id,
        db
          .select({ id: messageThreads.id })
          .from(messageThreads)
          .where(and(lt(messageThreads.lastMessageAt, before), isNull(messageThreads.patronId)))
          .limit(limit),
      ),
    )
    .returning({ id: messageThreads.id });
  await scrubThreadEvents(
    db,
    gone.map((g) => g.id),
    erasedLabel,
  );
  return gone.length;
}

async function scrubThreadEvents(db: Executor, threadIds: string[], erasedLabel: string) {
  if (threadIds.length === 0) return;
  await db
    .update(events)
    .set({ actorLabel: erasedLabel })
    .where(
      and(
        eq(events.subjectKind, 'message_thread'),
        inArray(events.subjectId, threadIds),
        inArray(events.actorKind, ['patron', 'system']),
      ),
    );
}

/** Whether staff have answered the thread at least once. */
export async function hasStaffReply(db: Executor, threadId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: threadMessages.id })
    .from(threadMessages)
    .where(and(eq(threadMessages.threadId, threadId), eq(threadMessages.authorKind, 'staff')))
    .limit(1);
  return Boolean(row);
}
