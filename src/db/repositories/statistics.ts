import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client.js';

/**
 * Reads of the statistics fact store (schema-statistics.ts). Each takes the libraries to count
 * (null: the whole network), already reduced to the actor's scope by the use case, and filters
 * in SQL. None reads a patron's row except the live count of the current month's active patrons.
 */

export type LibraryFilter = readonly string[] | null;

function libraries(column: SQL, ids: LibraryFilter): SQL {
  if (ids === null) return sql`true`;
  if (ids.length === 0) return sql`false`;
  return sql`${column} in (${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

export interface Range {
  from: string;
  to: string;
}

/**
 * A range of days read from the rollups: the whole months it covers from the monthly rollups,
 * and only the days of a month it cuts (a custom range's edges) from the facts themselves, by
 * their day index. A month is whole when the range covers it up to its end, or up to today:
 * nothing is counted after today.
 */
export interface Split {
  months: { from: string; to: string } | null;
  days: Range[];
}

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(d).padStart(2, '0')}`;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function splitRange(r: Range, today: string): Split {
  const whole: string[] = [];
  const days: Range[] = [];
  if (r.from > r.to) return { months: null, days };
  for (let m = r.from.slice(0, 7); m <= r.to.slice(0, 7); m = nextMonth(m)) {
    const first = `${m}-01`;
    const last = lastDayOf(m);
    // ISO days compare as strings: sorted, the first is the earlier.
    const end = [last, today].sort()[0]!;
    if (r.from <= first && r.to >= end) whole.push(m);
    else days.push({ from: [r.from, first].sort()[1]!, to: [r.to, last].sort()[0]! });
  }
  return { months: whole.length ? { from: whole[0]!, to: whole.at(-1)! } : null, days };
}

const DECISIONS = ['accepted', 'refused', 'renewal_accepted', 'renewal_refused'];

/** The facts of a split range: (month, library_id, kind, channel, reason, age_band, on_behalf, n). */
function facts(ids: LibraryFilter, s: Split, byLibrary = true): SQL {
  const parts: SQL[] = [];
  // The whole network without its libraries: the rollup that has no library column.
  if (s.months && ids === null && !byLibrary)
    parts.push(sql`select month, null::uuid as library_id, kind, channel, reason, age_band, on_behalf, n
      from stat_event_months_network where month between ${s.months.from} and ${s.months.to}`);
  else if (s.months)
    parts.push(sql`select month, library_id, kind, channel, reason, age_band, on_behalf, n from stat_event_months
      where month between ${s.months.from} and ${s.months.to} and ${libraries(sql`library_id`, ids)}`);
  for (const d of s.days)
    parts.push(sql`select to_char(day, 'YYYY-MM') as month, library_id, kind, channel, reason, age_band, on_behalf, 1 as n
      from stat_events where day between ${d.from}::date and ${d.to}::date and ${libraries(sql`library_id`, ids)}`);
  if (parts.length === 0)
    parts.push(sql`select null::text as month, null::uuid as library_id, null::text as kind, null::text as channel,
      null::text as reason, null::text as age_band, false as on_behalf, 0 as n where false`);
  return sql`(${sql.join(parts, sql` union all `)}) as f`;
}

/** The decisions of a split range by delay in tenths of a day: (library_id, tenths, n). */
function delays(ids: LibraryFilter, s: Split, byLibrary = true): SQL {
  const parts: SQL[] = [];
  if (s.months && ids === null && !byLibrary)
    parts.push(sql`select null::uuid as library_id, tenths, n from stat_delay_months_network
      where month between ${s.months.from} and ${s.months.to}`);
  else if (s.months)
    parts.push(sql`select library_id, tenths, n from stat_delay_months
      where month between ${s.months.from} and ${s.months.to} and ${libraries(sql`library_id`, ids)}`);
  for (const d of s.days)
    parts.push(sql`select library_id, round(delay_hours / 2.4)::int as tenths, 1 as n from stat_events
      where day between ${d.from}::date and ${d.to}::date and kind in (${sql.join(
        DECISIONS.map((k) => sql`${k}`),
        sql`, `,
      )}) and ${libraries(sql`library_id`, ids)}`);
  if (parts.length === 0)
    parts.push(sql`select null::uuid as library_id, null::int as tenths, 0 as n where false`);
  return sql`(${sql.join(parts, sql` union all `)}) as d`;
}

/** Facts of patrons' lives counted per month and kind (with channel and reason where they matter). */
export function eventCountsByMonth(
  db: Executor,
  ids: LibraryFilter,
  s: Split,
): Promise<Array<{ month: string; kind: string; channel: string | null; reason: string | null; n: number }>> {
  return queryRows(
    db,
    sql`select month, kind, channel, reason, sum(n)::int as n from ${facts(ids, s, false)}
      group by 1, 2, 3, 4 having sum(n) > 0 order by 1, 2`,
  );
}

/** Registrations accepted in the range, by the patron's age band on the day. */
export function newPatronsByAgeBand(
  db: Executor,
  ids: LibraryFilter,
  s: Split,
): Promise<Array<{ ageBand: string; n: number }>> {
  return queryRows(
    db,
    sql`select age_band as "ageBand", sum(n)::int as n from ${facts(ids, s, false)}
      where kind = 'accepted' group by 1 having sum(n) > 0`,
  );
}

export interface DelayRow {
  libraryId: string | null;
  decisions: number;
  timed: number;
  median: number | null;
  p90: number | null;
  onBehalf: number;
}

/**
 * percentile_cont read from a histogram: the values at ranks ⌊p(N−1)⌋ and ⌈p(N−1)⌉ (a value
 * holds the ranks below its running count), interpolated.
 */
function interpolate(timed: number, p: number, lo: number | null, hi: number | null): number | null {
  if (timed === 0 || lo === null || hi === null) return null;
  const pos = p * (timed - 1);
  // Tenths of a day back to hours.
  return (Number(lo) + (pos - Math.floor(pos)) * (Number(hi) - Number(lo))) * 2.4;
}

/** Decisions, median and 90th percentile of the hours from confirmation to decision, per key. */
async function delayFigures(
  db: Executor,
  ids: LibraryFilter,
  s: Split,
  perLibrary: boolean,
): Promise<DelayRow[]> {
  const key = perLibrary ? sql`library_id` : sql`null::uuid`;
  const rank = (p: number, edge: 'floor' | 'ceil') =>
    sql`min(tenths) filter (where cum > ${sql.raw(edge)}(${sql.raw(String(p))} * (total - 1)))`;
  const rows = await queryRows<{
    libraryId: string | null;
    decisions: number;
    timed: number | null;
    lo50: number | null;
    hi50: number | null;
    lo90: number | null;
    hi90: number | null;
    onBehalf: number | null;
  }>(
    db,
    sql`with h as (select ${key} as k, tenths, sum(n)::int as n from ${delays(ids, s, perLibrary)} group by 1, 2 having sum(n) > 0),
      c as (select k, tenths, sum(n) over (partition by k order by tenths) as cum, sum(n) over (partition by k) as total
        from h where tenths is not null),
      p as (select k, max(total)::int as timed, ${rank(0.5, 'floor')} as lo50, ${rank(0.5, 'ceil')} as hi50,
          ${rank(0.9, 'floor')} as lo90, ${rank(0.9, 'ceil')} as hi90
        from c group by k),
      a as (select k, sum(n)::int as decisions from h group by k),
      b as (select ${key} as k, sum(n)::int as n from ${facts(ids, s, perLibrary)}
        where on_behalf and kind in (${sql.join(
          DECISIONS.map((k) => sql`${k}`),
          sql`, `,
        )}) group by 1)
      select a.k as "libraryId", a.decisions, p.timed, p.lo50, p.hi50, p.lo90, p.hi90, b.n as "onBehalf"
      from a left join p on p.k is not distinct from a.k left join b on b.k is not distinct from a.k`,
  );
  return rows.map((r) => {
    const timed = Number(r.timed ?? 0);
    return {
      libraryId: r.libraryId,
      decisions: Number(r.decisions),
      timed,
      median: interpolate(timed, 0.5, r.lo50, r.hi50),
      p90: interpolate(timed, 0.9, r.lo90, r.hi90),
      onBehalf: Number(r.onBehalf ?? 0),
    };
  });
}

/** Median and 90th percentile of the hours from confirmation to decision, per library. */
export function decisionDelaysByLibrary(db: Executor, ids: LibraryFilter, s: Split): Promise<DelayRow[]> {
  return delayFigures(db, ids, s, true);
}

/** The same over the libraries given (null: the whole network, the point of comparison). */
export async function networkDecisionDelay(
  db: Executor,
  s: Split,
  ids: LibraryFilter = null,
): Promise<DelayRow> {
  const [row] = await delayFigures(db, ids, s, false);
  return row ?? { libraryId: null, decisions: 0, timed: 0, median: null, p90: null, onBehalf: 0 };
}

export function overdueByLibrary(
  db: Executor,
  ids: LibraryFilter,
  s: Split,
): Promise<Array<{ libraryId: string; n: number }>> {
  return queryRows(
    db,
    sql`select library_id as "libraryId", sum(n)::int as n from ${facts(ids, s)}
      where kind = 'overdue' group by 1 having sum(n) > 0`,
  );
}

/** Active patrons at each closed month's end (last snapshot of the month), by age band. */
export function activeSnapshots(
  db: Executor,
  ids: LibraryFilter,
  months: readonly string[],
): Promise<Array<{ month: string; ageBand: string; n: number }>> {
  if (months.length === 0) return Promise.resolve([]);
  return queryRows(
    db,
    sql`select month, age_band as "ageBand", sum(n)::int as n from stat_active_patrons
      where month in (${sql.join(
        months.map((m) => sql`${m}`),
        sql`, `,
      )}) and ${libraries(sql`library_id`, ids)}
      group by 1, 2`,
  );
}

/** Active patrons now (active or renewal pending), per library and age band, as the triggers keep them. */
export function activeNow(
  db: Executor,
  ids: LibraryFilter,
): Promise<Array<{ libraryId: string; ageBand: string; n: number }>> {
  return queryRows(
    db,
    sql`select library_id as "libraryId", age_band as "ageBand", n from stat_active_now
      where n <> 0 and ${libraries(sql`library_id`, ids)}`,
  );
}

/**
 * The statistics sweep: this month's snapshot of active patrons (a closed month is never
 * written), and the live count of active patrons counted again (birthdays move patrons from a
 * band to the next; the triggers keep it between two sweeps).
 */
export async function snapshotActivePatrons(
  db: Executor,
  month: string,
  today: string,
  now: Date,
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with counted as (
        select library_id, sesame_age_band(birth_date, birth_year, ${today}::date) as age_band, count(*)::int as n
        from patrons where state in ('active', 'renewal_pending') group by 1, 2
      ), cleared as (
        update stat_active_patrons set n = 0, taken_at = ${now.toISOString()}::timestamptz
        where month = ${month}
          and (library_id, age_band) not in (select library_id, age_band from counted)
      ), written as (
        insert into stat_active_patrons (month, library_id, age_band, n, taken_at)
        select ${month}, library_id, age_band, n, ${now.toISOString()}::timestamptz from counted
        on conflict (month, library_id, age_band) do update set n = excluded.n, taken_at = excluded.taken_at
        returning 1
      ), live_cleared as (
        update stat_active_now set n = 0
        where n <> 0 and (library_id, age_band) not in (select library_id, age_band from counted)
      ), live as (
        insert into stat_active_now (library_id, age_band, n)
        select library_id, age_band, n from counted
        on conflict (library_id, age_band) do update set n = excluded.n
      )
      select count(*)::int as n from written`,
  );
  return rows[0]?.n ?? 0;
}

export interface ConsultationRow {
  /** Which breakdown the row belongs to; the other columns are null. */
  set: 'month' | 'resource' | 'library' | 'band';
  month: string | null;
  libraryId: string | null;
  resourceName: string | null;
  category: string | null;
  outcome: string;
  ageBand: string | null;
  n: number;
}

/**
 * Openings of the monthly rollup (whole months: a range of days counts every month it touches),
 * summed in SQL along each breakdown the page shows, so that only a few rows leave the database:
 * month × category × outcome, resource × outcome, library × outcome, age band × outcome.
 */
export function consultationCounts(db: Executor, ids: LibraryFilter, r: Range): Promise<ConsultationRow[]> {
  const months = sql`s.month between ${r.from.slice(0, 7)} and ${r.to.slice(0, 7)}`;
  const set = sql`case when grouping(s.month) = 0 then 'month' when grouping(r.name) = 0 then 'resource'
      when grouping(s.library_id) = 0 then 'library' else 'band' end`;
  const resourceName = sql`coalesce(r.name, case when grouping(r.name) = 0 then 'ressource retirée' end)`;
  if (ids !== null)
    return queryRows(
      db,
      sql`select ${set} as "set", s.month, s.library_id as "libraryId", ${resourceName} as "resourceName",
          s.category, s.outcome, s.age_band as "ageBand", sum(s.n)::int as n
        from stat_consultations s left join resources r on r.id = s.resource_id
        where ${months} and ${libraries(sql`s.library_id`, ids)}
        group by grouping sets ((s.month, s.category, s.outcome), (r.name, s.outcome), (s.library_id, s.outcome),
          (s.age_band, s.outcome))`,
    );
  // The whole network: the rollups without the library, and the one per library alone.
  return queryRows(
    db,
    sql`select case when grouping(s.month) = 0 then 'month' when grouping(r.name) = 0 then 'resource' else 'band' end
          as "set", s.month, null::uuid as "libraryId", ${resourceName} as "resourceName",
          s.category, s.outcome, s.age_band as "ageBand", sum(s.n)::int as n
        from stat_consultations_network s left join resources r on r.id = s.resource_id
        where ${months}
        group by grouping sets ((s.month, s.category, s.outcome), (r.name, s.outcome), (s.age_band, s.outcome))
      union all
      select 'library', null, s.library_id, null, null, s.outcome, null, sum(s.n)::int
        from stat_consultations_libraries s where ${months} group by s.library_id, s.outcome`,
  );
}

/** Patrons per units used, for one month and each category (≥ 1 unit). */
export function quotaUse(
  db: Executor,
  ids: LibraryFilter,
  month: string,
): Promise<Array<{ category: string; used: number; patrons: number }>> {
  return queryRows(
    db,
    sql`select category, used, sum(patrons)::int as patrons from stat_quota_use
      where month = ${month} and ${libraries(sql`library_id`, ids)}
      group by 1, 2 order by 1, 2`,
  );
}

/** Refusals for a reached quota in one month, by category, quota then in force and rank. */
export function quotaRefusals(
  db: Executor,
  ids: LibraryFilter,
  month: string,
): Promise<Array<{ category: string; quotaLimit: number; rank: number; n: number }>> {
  return queryRows(
    db,
    sql`select category, quota_limit as "quotaLimit", rank, sum(n)::int as n from stat_quota_refusals
      where month = ${month} and ${libraries(sql`library_id`, ids)}
      group by 1, 2, 3 order by 1, 2, 3`,
  );
}

/** Use of the network caps per period of the range (months AAAA-MM and years AAAA). */
export function capUse(
  db: Executor,
  months: readonly string[],
): Promise<
  Array<{
    resourceName: string;
    period: string;
    used: number;
    capLimit: number | null;
    capPeriod: string | null;
  }>
> {
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  const keys = [...months, ...years];
  if (keys.length === 0) return Promise.resolve([]);
  return queryRows(
    db,
    sql`select r.name as "resourceName", c.period, c.used, r.cap_limit as "capLimit", r.cap_period as "capPeriod"
      from cap_usage c join resources r on r.id = c.resource_id
      where c.period in (${sql.join(
        keys.map((k) => sql`${k}`),
        sql`, `,
      )})
      order by r.name, c.period`,
  );
}

/** Requests waiting for a library now, the median delay of the range and the active patrons, for the dashboard. */
export async function dashboardFigures(
  db: Executor,
  ids: LibraryFilter,
  r: Range,
  today: string,
): Promise<{ waiting: number; medianHours: number | null; decisions: number; active: number }> {
  const [counts] = await queryRows<{ waiting: number; active: number }>(
    db,
    sql`select
        (select count(*)::int from patrons where state in ('pending', 'renewal_pending')
          and ${libraries(sql`library_id`, ids)}) as waiting,
        (select coalesce(sum(n), 0)::int from stat_active_now where ${libraries(sql`library_id`, ids)}) as active`,
  );
  const delay = await networkDecisionDelay(db, splitRange(r, today), ids);
  return {
    waiting: Number(counts?.waiting ?? 0),
    medianHours: delay.median,
    decisions: delay.timed,
    active: Number(counts?.active ?? 0),
  };
}
