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

const DECISION_KINDS = sql`('accepted', 'refused', 'renewal_accepted', 'renewal_refused')`;

export interface Range {
  from: string;
  to: string;
}

const inRange = (r: Range) => sql`day between ${r.from}::date and ${r.to}::date`;

/** Facts of patrons' lives counted per month and kind (with channel and reason where they matter). */
export function eventCountsByMonth(
  db: Executor,
  ids: LibraryFilter,
  r: Range,
): Promise<Array<{ month: string; kind: string; channel: string | null; reason: string | null; n: number }>> {
  return queryRows(
    db,
    sql`select to_char(day, 'YYYY-MM') as month, kind, channel, reason, count(*)::int as n
      from stat_events
      where ${inRange(r)} and ${libraries(sql`library_id`, ids)}
      group by 1, 2, 3, 4 order by 1, 2`,
  );
}

/** Registrations accepted in the range, by the patron's age band on the day. */
export function newPatronsByAgeBand(
  db: Executor,
  ids: LibraryFilter,
  r: Range,
): Promise<Array<{ ageBand: string; n: number }>> {
  return queryRows(
    db,
    sql`select age_band as "ageBand", count(*)::int as n from stat_events
      where kind = 'accepted' and ${inRange(r)} and ${libraries(sql`library_id`, ids)} group by 1`,
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

/** Median and 90th percentile of the hours from confirmation to decision, per library. */
export function decisionDelaysByLibrary(db: Executor, ids: LibraryFilter, r: Range): Promise<DelayRow[]> {
  return queryRows(
    db,
    sql`select library_id as "libraryId", count(*)::int as decisions, count(delay_hours)::int as timed,
        percentile_cont(0.5) within group (order by delay_hours) as median,
        percentile_cont(0.9) within group (order by delay_hours) as p90,
        (count(*) filter (where on_behalf))::int as "onBehalf"
      from stat_events
      where kind in ${DECISION_KINDS} and ${inRange(r)} and ${libraries(sql`library_id`, ids)}
      group by library_id`,
  );
}

/** The same over the whole network, as the point of comparison. */
export async function networkDecisionDelay(db: Executor, r: Range): Promise<DelayRow> {
  const [row] = await queryRows<DelayRow>(
    db,
    sql`select null as "libraryId", count(*)::int as decisions, count(delay_hours)::int as timed,
        percentile_cont(0.5) within group (order by delay_hours) as median,
        percentile_cont(0.9) within group (order by delay_hours) as p90,
        (count(*) filter (where on_behalf))::int as "onBehalf"
      from stat_events where kind in ${DECISION_KINDS} and ${inRange(r)}`,
  );
  return row!;
}

export function overdueByLibrary(
  db: Executor,
  ids: LibraryFilter,
  r: Range,
): Promise<Array<{ libraryId: string; n: number }>> {
  return queryRows(
    db,
    sql`select library_id as "libraryId", count(*)::int as n from stat_events
      where kind = 'overdue' and ${inRange(r)} and ${libraries(sql`library_id`, ids)} group by 1`,
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

/** Active patrons now (active or renewal pending), per library and age band. */
export function activeNow(
  db: Executor,
  ids: LibraryFilter,
  today: string,
): Promise<Array<{ libraryId: string; ageBand: string; n: number }>> {
  return queryRows(
    db,
    sql`select library_id as "libraryId", sesame_age_band(birth_date, birth_year, ${today}::date) as "ageBand",
        count(*)::int as n
      from patrons where state in ('active', 'renewal_pending') and ${libraries(sql`library_id`, ids)}
      group by 1, 2`,
  );
}

/** The statistics sweep: this month's snapshot of active patrons (a closed month is never written). */
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
  return queryRows(
    db,
    sql`select case when grouping(s.month) = 0 then 'month' when grouping(r.name) = 0 then 'resource'
          when grouping(s.library_id) = 0 then 'library' else 'band' end as "set",
        s.month, s.library_id as "libraryId", coalesce(r.name, case when grouping(r.name) = 0 then 'ressource retirée' end)
          as "resourceName", s.category, s.outcome, s.age_band as "ageBand", sum(s.n)::int as n
      from stat_consultations s left join resources r on r.id = s.resource_id
      where s.month between ${r.from.slice(0, 7)} and ${r.to.slice(0, 7)} and ${libraries(sql`s.library_id`, ids)}
      group by grouping sets ((s.month, s.category, s.outcome), (r.name, s.outcome), (s.library_id, s.outcome),
        (s.age_band, s.outcome))`,
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

/** Requests waiting for a library now, for the dashboard. */
export async function dashboardFigures(
  db: Executor,
  ids: LibraryFilter,
  r: Range,
): Promise<{ waiting: number; medianHours: number | null; decisions: number; active: number }> {
  const [row] = await queryRows<{
    waiting: number;
    medianHours: number | null;
    decisions: number;
    active: number;
  }>(
    db,
    sql`select
        (select count(*)::int from patrons where state in ('pending', 'renewal_pending')
          and ${libraries(sql`library_id`, ids)}) as waiting,
        (select percentile_cont(0.5) within group (order by delay_hours) from stat_events
          where kind in ${DECISION_KINDS} and ${inRange(r)} and ${libraries(sql`library_id`, ids)}) as "medianHours",
        (select count(delay_hours)::int from stat_events
          where kind in ${DECISION_KINDS} and ${inRange(r)} and ${libraries(sql`library_id`, ids)}) as decisions,
        (select count(*)::int from patrons where state in ('active', 'renewal_pending')
          and ${libraries(sql`library_id`, ids)}) as active`,
  );
  return {
    waiting: Number(row?.waiting ?? 0),
    medianHours: row?.medianHours == null ? null : Number(row.medianHours),
    decisions: Number(row?.decisions ?? 0),
    active: Number(row?.active ?? 0),
  };
}
