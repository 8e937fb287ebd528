import { and, asc, desc, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { LibraryScope } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import type { PatronState } from '../../domain/patron-lifecycle.js';
import {
  QUEUE_PAGE_SIZE,
  QUEUE_STATE_FILTERS,
  type QueueOrder,
  type QueueSort,
  type QueueStateFilter,
  SEARCH_COUNT_CAP,
} from '../../domain/patron-queue.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { type Executor, queryRows } from '../client.js';
import { libraries, patrons } from '../schema.js';
import { isUuid } from './libraries.js';
import { libraryScopeCondition } from './scope.js';

/**
 * "Validation des inscriptions": the staff list of patrons by library, state and free text.
 * Every query is bounded by the actor's library scope in SQL.
 */

/** The criteria's values, shared with the views (they are domain words). */
export * from '../../domain/patron-queue.js';

/** What narrows the list besides the state: the counts per state use these alone. */
export interface QueueFilter {
  /** One library; null or absent: every library of the scope. */
  libraryId?: string | null;
  /** Free text over nom, prénom, identifiant, courriel and card number. */
  q?: string;
}

export interface QueueCriteria extends QueueFilter {
  state: QueueStateFilter;
  sort: QueueSort;
  order: QueueOrder;
  /** 1-based. */
  page?: number;
}

export interface QueueRow {
  id: string;
  state: PatronState;
  channel: 'self' | 'staff';
  lastName: string | null;
  firstName: string | null;
  identifier: string | null;
  email: string | null;
  birthDate: string | null;
  birthYear: number;
  libraryId: string;
  libraryName: string;
  registeredAt: Date;
  emailConfirmedAt: Date | null;
  pendingSince: Date | null;
  activeUntil: string | null;
  decision: 'accepted' | 'refused' | null;
  decidedAt: Date | null;
  refusalReason: string | null;
  anonymisedAt: Date | null;
}

/**
 * A number of patrons. Counting is exact where it is cheap; past a cap it says "more than
 * `value`" (exact false): nobody pages through 600 000 patrons, and counting them on every
 * page view would cost more than the page itself.
 */
export interface Count {
  value: number;
  exact: boolean;
}

export interface QueuePage {
  rows: QueueRow[];
  /** Patrons matching the criteria, all pages together. */
  total: Count;
  page: number;
  /** Pages known to exist (more may follow when the total is not exact). */
  pageCount: number;
}

/** Per state filter; null when not counted (a text so vague that it matches too many patrons). */
export type QueueCounts = Record<QueueStateFilter, Count | null>;

/** Without text over several libraries, each state is counted up to this. */
export const STATE_COUNT_CAP = 10_000;

/**
 * The text searched, EXACTLY as `patrons_search_idx` indexes it (src/db/schema.ts): any other
 * spelling of the expression would not match the index, and every search would read the table.
 */
const SEARCH_TEXT = sql`sesame_fold(coalesce(${patrons.lastName}, '') || ' ' || coalesce(${patrons.firstName}, '') || ' ' || coalesce(${patrons.identifier}, '') || ' ' || coalesce(${patrons.email}, '') || ' ' || coalesce(${patrons.cardNumber}, ''))`;

/** Folded sort keys for "nom": accents and case must not scatter names (the database collation may be C). */
const LAST_NAME_KEY = sql`sesame_fold(${patrons.lastName})`;
const FIRST_NAME_KEY = sql`sesame_fold(${patrons.firstName})`;

const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 100;

export interface SearchWord {
  /** As typed (a word with three letters or digits in a row), or a shorter run folded to [a-z0-9]. */
  text: string;
  /** Found anywhere in the text through the trigram index; otherwise at the start of a word. */
  anywhere: boolean;
}

/** Lower case without accents, as sesame_fold gives it for ordinary Latin letters. */
function roughFold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Splits the typed text into words, each of which must match (in any order). A trigram index
 * only finds a fragment of three letters or digits anywhere; a shorter word (an initial, "Li",
 * "Bo") matches the start of a word instead, which the index still serves. Looking for "li"
 * anywhere would read every patron of the network.
 */
export function searchWords(q: string | undefined): SearchWord[] {
  const out: SearchWord[] = [];
  for (const raw of (q ?? '').trim().split(/\s+/)) {
    if (!raw) continue;
    const word = raw.slice(0, MAX_WORD_LENGTH);
    const folded = roughFold(word);
    // Trigrams come from runs of letters and digits: "l’ami" has one, "j.-p." or "..." none.
    if (/[\p{L}\p{N}]{3,}/u.test(folded)) out.push({ text: word, anywhere: true });
    else for (const run of folded.match(/[a-z0-9]+/g) ?? []) out.push({ text: run, anywhere: false });
    if (out.length >= MAX_WORDS) break;
  }
  return out.slice(0, MAX_WORDS);
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function wordCondition(word: SearchWord): SQL {
  if (word.anywhere) return sql`${SEARCH_TEXT} like '%' || sesame_fold(${likeEscape(word.text)}) || '%'`;
  // At the start of the text (the surname) or after a space (first name, identifiant, e-mail,
  // card): the trigram index extracts "  l" and " li" from this pattern. The word is [a-z0-9]
  // only, so it needs no escaping.
  return sql`${SEARCH_TEXT} ~ ${`(^| )${word.text}`}`;
}

/**
 * The free-text condition alone (exported so a test can check the plan uses the index). Text
 * with nothing searchable in it ("...", "@") matches nobody rather than everybody.
 */
export function textCondition(q: string | undefined): SQL | undefined {
  if (!q?.trim()) return undefined;
  const words = searchWords(q);
  if (words.length === 0) return sql`false`;
  return and(...words.map(wordCondition));
}

/** Overdue: waiting since at least `escalationDays` days (same rule as isOverdue). */
export function overdueCutoff(now: Date, settings: Pick<NetworkSettings, 'escalationDays'>): Date {
  return new Date(now.getTime() - settings.escalationDays * DAY);
}

/** The filter listing exactly one state, both ways. */
const FILTER_OF: Record<PatronState, QueueStateFilter> = {
  pending: 'a_valider',
  renewal_pending: 'reinscriptions',
  awaiting_confirmation: 'attente_confirmation',
  active: 'actifs',
  expired: 'expires',
  refused: 'refuses',
  lapsed: 'demandes_expirees',
};
const STATE_OF = Object.fromEntries(Object.entries(FILTER_OF).map(([s, f]) => [f, s])) as Partial<
  Record<QueueStateFilter, PatronState>
>;

function stateCondition(state: QueueStateFilter, cutoff: Date): SQL | undefined {
  if (state === 'tous') return undefined;
  if (state === 'en_retard')
    return and(inArray(patrons.state, ['pending', 'renewal_pending']), lte(patrons.pendingSince, cutoff));
  return eq(patrons.state, STATE_OF[state]!);
}

/**
 * The library criterion within the scope: a library outside the scope is ignored (whatever the
 * query string says, library staff stay within their own libraries).
 */
function libraryCondition(scope: LibraryScope, libraryId: string | null | undefined): SQL {
  const inScope = libraryScopeCondition(scope, patrons.libraryId);
  if (!libraryId || !isUuid(libraryId)) return inScope;
  if (!scope.all && !scope.libraryIds.includes(libraryId)) return inScope;
  return and(inScope, eq(patrons.libraryId, libraryId))!;
}

function filterConditions(scope: LibraryScope, filter: QueueFilter): SQL[] {
  const text = textCondition(filter.q);
  return [libraryCondition(scope, filter.libraryId), ...(text ? [text] : [])];
}

/**
 * The list's WHERE for these criteria, within the scope (a library outside it is ignored): the
 * export walks exactly the rows the list pages through.
 */
export function queueCondition(
  scope: LibraryScope,
  criteria: QueueFilter & { state: QueueStateFilter },
  now: Date,
  settings: Pick<NetworkSettings, 'escalationDays'>,
): SQL | undefined {
  return and(
    ...filterConditions(scope, criteria),
    stateCondition(criteria.state, overdueCutoff(now, settings)),
  );
}

/**
 * ORDER BY for the list. `indexOrder` false disguises each key (same values, same order) so
 * that no index can provide the order: for a text matching few patrons, the planner must then
 * fetch those few through the trigram index and sort them, rather than walk a date index and
 * recheck the text on tens of thousands of rows, which it does when it misjudges how rare the
 * text is (trigram estimates are rough).
 */
function orderBy(sort: QueueSort, order: QueueOrder, indexOrder: boolean): SQL[] {
  const dir = order === 'croissant' ? asc : desc;
  const time = (c: AnyPgColumn) => (indexOrder ? sql`${c}` : sql`(${c} + interval '0 seconds')`);
  const keys: SQL[] =
    sort === 'nom'
      ? indexOrder
        ? [LAST_NAME_KEY, FIRST_NAME_KEY]
        : [sql`(${LAST_NAME_KEY} || '')`, sql`(${FIRST_NAME_KEY} || '')`]
      : sort === 'attente'
        ? [time(patrons.pendingSince)]
        : sort === 'fin'
          ? [indexOrder ? sql`${patrons.activeUntil}` : sql`(${patrons.activeUntil} + 0)`]
          : [time(patrons.registeredAt)];
  // A unique last key keeps pages stable when many rows share a date or a name.
  return [...keys, sql`${patrons.id}`].map((k) => dir(k));
}

export function pageCount(total: Count): number {
  return Math.max(1, Math.ceil(total.value / QUEUE_PAGE_SIZE));
}

/** One library (chosen, or the only one of the scope): small enough to count exactly. */
function singleLibrary(scope: LibraryScope, filter: QueueFilter): boolean {
  if (
    filter.libraryId &&
    isUuid(filter.libraryId) &&
    (scope.all || scope.libraryIds.includes(filter.libraryId))
  )
    return true;
  return !scope.all && scope.libraryIds.length === 1;
}

function hasText(filter: QueueFilter): boolean {
  return Boolean(filter.q?.trim());
}

/** count(*) of at most cap + 1 rows: "more than cap" costs the same whatever the real number. */
function cappedCount(db: Executor, where: SQL | undefined, cap: number): Promise<Count> {
  const inner = db
    .select({ one: sql`1` })
    .from(patrons)
    .where(where)
    .limit(cap + 1)
    .as('capped');
  return db
    .select({ n: sql<number>`count(*)::int` })
    .from(inner)
    .then((r) => {
      const n = r[0]?.n ?? 0;
      return n > cap ? { value: cap, exact: false } : { value: n, exact: true };
    });
}

async function exactCount(db: Executor, where: SQL | undefined): Promise<Count> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(patrons).where(where);
  return { value: r?.n ?? 0, exact: true };
}

const ROW = {
  id: patrons.id,
  state: patrons.state,
  channel: patrons.channel,
  lastName: patrons.lastName,
  firstName: patrons.firstName,
  identifier: patrons.identifier,
  email: patrons.email,
  birthDate: patrons.birthDate,
  birthYear: patrons.birthYear,
  libraryId: patrons.libraryId,
  libraryName: libraries.name,
  registeredAt: patrons.registeredAt,
  emailConfirmedAt: patrons.emailConfirmedAt,
  pendingSince: patrons.pendingSince,
  activeUntil: patrons.activeUntil,
  decision: patrons.decision,
  decidedAt: patrons.decidedAt,
  refusalReason: patrons.refusalReason,
  anonymisedAt: patrons.anonymisedAt,
};

function clampPage(requested: number | undefined, total: Count): number {
  const page = Math.max(1, Math.floor(requested ?? 1));
  // Past the last page (an old bookmark, a forged number): the last page instead of an empty one.
  return total.exact ? Math.min(page, pageCount(total)) : page;
}

function pageRows(
  db: Executor,
  scope: LibraryScope,
  criteria: QueueCriteria,
  cutoff: Date,
  page: number,
  indexOrder: boolean,
): Promise<QueueRow[]> {
  const where = and(...filterConditions(scope, criteria), stateCondition(criteria.state, cutoff));
  return db
    .select(ROW)
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(where)
    .orderBy(...orderBy(criteria.sort, criteria.order, indexOrder))
    .limit(QUEUE_PAGE_SIZE)
    .offset((page - 1) * QUEUE_PAGE_SIZE);
}

/** One page of the list, with the number of matching patrons (given, or counted here). */
export async function searchPatrons(
  db: Executor,
  scope: LibraryScope,
  criteria: QueueCriteria,
  now: Date,
  settings: Pick<NetworkSettings, 'escalationDays'>,
  options: { total?: Count | null } = {},
): Promise<QueuePage> {
  const cutoff = overdueCutoff(now, settings);
  const where = and(...filterConditions(scope, criteria), stateCondition(criteria.state, cutoff));
  const text = hasText(criteria);
  // With text, the number of matches decides the plan (see orderBy), so it comes first.
  const total: Count =
    options.total ??
    (await (text
      ? cappedCount(db, where, SEARCH_COUNT_CAP)
      : singleLibrary(scope, criteria)
        ? exactCount(db, where)
        : cappedCount(db, where, STATE_COUNT_CAP)));
  const page = clampPage(criteria.page, total);
  if (total.exact && total.value === 0) return { rows: [], total, page, pageCount: 1 };
  const rows = await pageRows(db, scope, criteria, cutoff, page, !(text && total.exact));
  return { rows, total, page, pageCount: pageCount(total) };
}

function emptyCounts(): QueueCounts {
  return Object.fromEntries(QUEUE_STATE_FILTERS.map((s) => [s, null])) as QueueCounts;
}

/** Turns (state, number, overdue number) rows into counts per filter, all exact. */
function countsFromGroups(groups: Array<{ state: PatronState; n: number; overdue: number }>): QueueCounts {
  const counts = Object.fromEntries(QUEUE_STATE_FILTERS.map((s) => [s, { value: 0, exact: true }])) as Record<
    QueueStateFilter,
    Count
  >;
  for (const g of groups) {
    const name = FILTER_OF[g.state];
    counts[name].value += g.n;
    if (g.state === 'pending' || g.state === 'renewal_pending') counts.en_retard.value += g.overdue;
    counts.tous.value += g.n;
  }
  return counts;
}

interface TextMatch {
  id: string;
  state: PatronState;
  overdue: boolean;
  /** Sort keys as sortable text (folded names, ISO dates), when asked for. */
  k1?: string | null;
  k2?: string | null;
}

/** The sort keys as text that orders like the column: folded names, ISO dates and instants. */
function sortKeys(sort: QueueSort): { k1: SQL<string | null>; k2: SQL<string | null> } {
  const instant = (c: AnyPgColumn) =>
    sql<string | null>`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  const none = sql<string | null>`null::text`;
  if (sort === 'nom') return { k1: sql`${LAST_NAME_KEY}`, k2: sql`${FIRST_NAME_KEY}` };
  if (sort === 'attente') return { k1: instant(patrons.pendingSince), k2: none };
  if (sort === 'fin') return { k1: sql`${patrons.activeUntil}::text`, k2: none };
  return { k1: instant(patrons.registeredAt), k2: none };
}

/**
 * The patrons a text matches, at most SEARCH_COUNT_CAP + 1 of them: enough to count them by
 * state and, on the list page, to sort them and pick the page without searching twice.
 */
function textMatches(
  db: Executor,
  where: SQL | undefined,
  cutoff: Date,
  sort?: QueueSort,
): Promise<TextMatch[]> {
  return db
    .select({
      id: patrons.id,
      state: patrons.state,
      overdue: sql<boolean>`coalesce(${patrons.pendingSince} <= ${cutoff.toISOString()}::timestamptz, false)`,
      ...(sort ? sortKeys(sort) : {}),
    })
    .from(patrons)
    .where(where)
    .limit(SEARCH_COUNT_CAP + 1);
}

/** Ascending with nulls last, as PostgreSQL orders (descending is its exact reverse). */
function compareKeys(a: string | null | undefined, b: string | null | undefined): number {
  if (a === b) return 0;
  if (a == null) return 1;
  if (b == null) return -1;
  return a < b ? -1 : 1;
}

function listedBy(filter: QueueStateFilter, m: TextMatch): boolean {
  if (filter === 'tous') return true;
  if (filter === 'en_retard') return m.overdue && (m.state === 'pending' || m.state === 'renewal_pending');
  return FILTER_OF[m.state] === filter;
}

function countsOfMatches(matches: TextMatch[]): QueueCounts {
  return Object.fromEntries(
    QUEUE_STATE_FILTERS.map((f) => [f, { value: matches.filter((m) => listedBy(f, m)).length, exact: true }]),
  ) as QueueCounts;
}

/** More matches than worth counting: only "more than" for all states together. */
function vagueCounts(): QueueCounts {
  return { ...emptyCounts(), tous: { value: SEARCH_COUNT_CAP, exact: false } };
}

/**
 * How many patrons each state filter would list, under the same library and text criteria.
 * Three strategies, each bounded: one library without text is counted exactly (tens of
 * thousands of index entries at most); several libraries without text count each state up to
 * STATE_COUNT_CAP through the state indexes; with text, one pass over at most SEARCH_COUNT_CAP
 * matches gives exact counts, or none when the text matches more.
 */
export async function countPatronsByState(
  db: Executor,
  scope: LibraryScope,
  filter: QueueFilter,
  now: Date,
  settings: Pick<NetworkSettings, 'escalationDays'>,
): Promise<QueueCounts> {
  const cutoff = overdueCutoff(now, settings);
  const base = and(...filterConditions(scope, filter));
  const overdue = sql<number>`count(*) filter (where ${patrons.pendingSince} <= ${cutoff.toISOString()}::timestamptz)::int`;

  if (hasText(filter)) {
    const matches = await textMatches(db, base, cutoff);
    return matches.length > SEARCH_COUNT_CAP ? vagueCounts() : countsOfMatches(matches);
  }

  if (singleLibrary(scope, filter)) {
    const groups = await db
      .select({ state: patrons.state, n: sql<number>`count(*)::int`, overdue })
      .from(patrons)
      .where(base)
      .groupBy(patrons.state);
    return countsFromGroups(groups);
  }

  // One statement, one bounded index range per state.
  const capped = (condition: SQL | undefined) =>
    sql`(select count(*)::int from (select 1 from ${patrons} where ${and(base, condition)} limit ${STATE_COUNT_CAP + 1}) s)`;
  const [row] = await queryRows<Record<QueueStateFilter, number>>(
    db,
    sql`select ${sql.join(
      QUEUE_STATE_FILTERS.map((f) => sql`${capped(stateCondition(f, cutoff))} as ${sql.identifier(f)}`),
      sql`, `,
    )}`,
  );
  const counts = emptyCounts();
  for (const f of QUEUE_STATE_FILTERS) {
    const n = Number(row?.[f] ?? 0);
    counts[f] = n > STATE_COUNT_CAP ? { value: STATE_COUNT_CAP, exact: false } : { value: n, exact: true };
  }
  return counts;
}

/**
 * What the list page shows: the counts per state, then the page of the chosen state, whose
 * total is the count just made. With text, one search serves both: the matches (when few
 * enough to count) are counted by state, and the page is picked among them by id.
 */
export async function loadQueue(
  db: Executor,
  scope: LibraryScope,
  criteria: QueueCriteria,
  now: Date,
  settings: Pick<NetworkSettings, 'escalationDays'>,
): Promise<{ counts: QueueCounts; page: QueuePage }> {
  if (hasText(criteria)) {
    const cutoff = overdueCutoff(now, settings);
    const matches = await textMatches(db, and(...filterConditions(scope, criteria)), cutoff, criteria.sort);
    if (matches.length <= SEARCH_COUNT_CAP) {
      const counts = countsOfMatches(matches);
      const total = counts[criteria.state]!;
      const page = clampPage(criteria.page, total);
      const sign = criteria.order === 'croissant' ? 1 : -1;
      const ids = matches
        .filter((m) => listedBy(criteria.state, m))
        .sort(
          (a, b) => sign * (compareKeys(a.k1, b.k1) || compareKeys(a.k2, b.k2) || compareKeys(a.id, b.id)),
        )
        .slice((page - 1) * QUEUE_PAGE_SIZE, page * QUEUE_PAGE_SIZE)
        .map((m) => m.id);
      const rows = ids.length
        ? await db
            .select(ROW)
            .from(patrons)
            .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
            .where(and(libraryCondition(scope, criteria.libraryId), inArray(patrons.id, ids)))
        : [];
      const position = new Map(ids.map((id, i) => [id, i]));
      rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
      return { counts, page: { rows, total, page, pageCount: pageCount(total) } };
    }
    const counts = vagueCounts();
    return {
      counts,
      page: await searchPatrons(db, scope, criteria, now, settings, { total: counts[criteria.state] }),
    };
  }
  const counts = await countPatronsByState(db, scope, criteria, now, settings);
  const page = await searchPatrons(db, scope, criteria, now, settings, { total: counts[criteria.state] });
  return { counts, page };
}
