/**
 * Statistics benchmark (issue #16): how long does /admin/statistiques take to build for the
 * whole network and for its largest library, over the last 12 months?
 *
 *   npx tsx bench/statistics.ts                                        # PGlite, 100 000 patrons, 2 000 000 openings
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/statistics.ts
 *   BENCH_PATRONS=1000000 BENCH_OPENINGS=20000000 DATABASE_URL=… npx tsx bench/statistics.ts
 *   BENCH_ROUNDS=20                                                    # page builds measured per case
 *   BENCH_DRAW_EACH_TIME=1                                             # charts drawn again every round
 *
 * On a throwaway database (PGlite in a temporary directory, or `sesame_bench_statistics` on
 * DATABASE_URL's server, dropped at the end). Patrons come from bench/generate-patrons.ts (150
 * libraries of unequal size). The facts the app writes as things happen are generated in SQL
 * with generate_series, in the same shapes: three facts per patron over the year (request,
 * confirmation, decision with its delay), and BENCH_OPENINGS openings folded into the monthly
 * rollup exactly as the openings function folds them (day × library × resource × outcome × age
 * band); the triggers of migration 0015 fold them into the smaller rollups the page reads.
 * First each query of the page alone and the render alone (charts drawn each time, then kept),
 * then rounds of the page's whole server work: the use case (every query) and the render of the
 * view (charts included), without HTTP. Prints p50/p95/max and the load average; asserts nothing.
 * BENCH_DB_NAME names the PostgreSQL database (default sesame_bench_statistics).
 */
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { queryRows } from '../src/db/client.js';
import {
  activeNow,
  consultationCounts,
  decisionDelaysByLibrary,
  eventCountsByMonth,
  type LibraryFilter,
  networkDecisionDelay,
  newPatronsByAgeBand,
  overdueByLibrary,
  snapshotActivePatrons,
  splitRange,
} from '../src/db/repositories/statistics.js';
import { type StaffActor, scopeFor } from '../src/domain/actor.js';
import { ManualClock } from '../src/domain/clock.js';
import { defaultSettings } from '../src/domain/settings.js';
import { ensureNetwork } from '../src/usecases/network/bootstrap.js';
import { loadStatistics } from '../src/usecases/statistics/statistics-page.js';
import { forgetDrawnCharts } from '../src/web/views/statistics/chart.js';
import { StatisticsPageView } from '../src/web/views/statistics/statistics-page.js';
import { generatePatrons } from './generate-patrons.js';
import { percentile } from './lib/http-bench.js';
import { openThrowaway, timed } from './lib/throwaway-db.js';

const BENCH_DB = process.env.BENCH_DB_NAME ?? 'sesame_bench_statistics';
const PATRONS = Number(process.env.BENCH_PATRONS ?? 100_000);
const OPENINGS = Number(process.env.BENCH_OPENINGS ?? PATRONS * 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const NOW = new Date('2026-11-23T09:00:00Z');

const ms = (t: number) => `${t.toFixed(0)} ms`;

/** Runs f ROUNDS times after two warm-up runs; the sorted times. */
async function rounds(f: () => Promise<unknown>, n = ROUNDS): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const start = performance.now();
    await f();
    if (i >= 2) times.push(performance.now() - start); // the first two warm the caches and the JIT
  }
  return times.sort((a, b) => a - b);
}

const figures = (times: number[]) =>
  `p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, max ${ms(times.at(-1)!)}`;

async function main() {
  const { database, label, cleanup } = await openThrowaway(BENCH_DB, { statementTimeoutMs: 30 * 60_000 }); // seeding 20 M rows takes minutes
  try {
    const db = database.db;
    console.log(
      `Statistics benchmark on ${label}: ${PATRONS} patrons, ${OPENINGS} openings, ${ROUNDS} rounds`,
    );
    await database.migrate();
    await ensureNetwork({ db }, 'numos');
    console.log('Seeding:');
    const { libraryIds } = await timed('patrons and 150 libraries', () =>
      generatePatrons(db, { count: PATRONS, now: NOW }),
    );
    await timed('facts of patrons (request, confirmation, decision)', () =>
      db.execute(sql`
        insert into stat_events (day, at, library_id, kind, channel, reason, delay_hours, on_behalf, age_band)
        select (at at time zone 'Europe/Paris')::date, at, library_id, kind, channel, reason, delay, on_behalf,
          sesame_age_band(birth_date, birth_year, (at at time zone 'Europe/Paris')::date)
        from (
          select p.library_id, p.birth_date, p.birth_year, p.channel,
            ${NOW.toISOString()}::timestamptz - ((hashtext(p.id::text) & 511) % 365) * interval '1 day'
              + (k.step * interval '1 hour') as at,
            k.kind,
            case when k.kind = 'refused' then 'refuse_not_member' end as reason,
            case when k.kind in ('accepted', 'refused') then ((hashtext(p.id::text) >> 9) & 1023) % 400 / 2.0 end as delay,
            k.kind in ('accepted', 'refused') and (hashtext(p.id::text) & 31) = 0 as on_behalf,
            case when k.kind in ('requested', 'confirmed') then p.channel end as c
          from patrons p
          cross join lateral (values ('requested', 0), ('confirmed', 1),
            (case when p.state = 'refused' then 'refused' else 'accepted' end, 48)) as k(kind, step)
        ) f`),
    );
    await timed(`${OPENINGS} openings folded into the monthly rollup`, async () => {
      const resources = await queryRows<{ id: string }>(
        db,
        sql`insert into resources (name, provider, kind, category, connector, connector_config, created_at, updated_at)
          select 'Ressource ' || n, 'Fournisseur fictif',
            case when n <= 12 then 'quota' else 'unlimited' end,
            case when n <= 12 then (array['films', 'books', 'magazines', 'newspapers'])[1 + n % 4] end,
            'direct', '{}'::jsonb, now(), now()
          from generate_series(1, 20) n returning id`,
      );
      const step = 2_000_000;
      for (let start = 1; start <= OPENINGS; start += step) {
        const end = Math.min(OPENINGS, start + step - 1);
        await db.execute(sql`
          with libs as (select ${sql.raw(`ARRAY[${libraryIds.map((id) => `'${id}'`).join(',')}]::uuid[]`)} as ids),
          res as (select array_agg(id order by name) as ids, array_agg(kind order by name) as kinds,
            array_agg(category order by name) as cats from resources),
          o as (
            select to_char((${NOW.toISOString()}::timestamptz - (i % 365) * interval '1 day') at time zone 'Europe/Paris', 'YYYY-MM') as month,
              (select ids from libs)[1 + floor(${libraryIds.length} * power(((i * 2654435761) % 1000003)::float8 / 1000003, 1.7))::int] as library_id,
              1 + (i * 40503) % 20 as r,
              (array['counted', 'counted', 'again', 'free'])[1 + (i * 7) % 4] as outcome,
              (array['under12', '12-15', '16-17', '18-25', '26-64', '26-64', '65+'])[1 + (i * 13) % 7] as age_band
            from generate_series(${start}::bigint, ${end}::bigint) i
          )
          insert into stat_consultations as s (month, library_id, resource_id, kind, category, outcome, age_band, n)
          select o.month, o.library_id, (select ids from res)[o.r], (select kinds from res)[o.r], (select cats from res)[o.r],
            case when (select kinds from res)[o.r] = 'quota' then o.outcome else 'free' end, o.age_band, count(*)
          from o group by 1, 2, 3, 4, 5, 6, 7
          on conflict on constraint stat_consultations_key do update set n = s.n + excluded.n`);
      }
      console.log(`    (${resources.length} resources)`);
    });
    const [{ rows } = { rows: 0 }] = await queryRows<{ rows: number }>(
      db,
      sql`select count(*)::int as rows from stat_consultations`,
    );
    console.log(`    rollup rows: ${rows}`);
    // Twelve monthly snapshots of the active patrons, as the hourly sweep leaves them.
    const snapshot = await timed('one run of the statistics sweep (active patrons snapshot)', () =>
      snapshotActivePatrons(db, '2026-11', '2026-11-23', NOW),
    );
    await db.execute(sql`insert into stat_active_patrons (month, library_id, age_band, n, taken_at)
      select to_char(${NOW.toISOString()}::timestamptz - m * interval '1 month', 'YYYY-MM'), library_id, age_band, n, taken_at
      from stat_active_patrons, generate_series(1, 11) m where month = '2026-11'`);
    console.log(`    snapshot rows: ${snapshot}`);
    await db.execute(sql`analyze`);

    const [largest] = await queryRows<{ id: string; name: string; n: number }>(
      db,
      sql`select l.id, l.name, count(*)::int as n from patrons p join libraries l on l.id = p.library_id
        group by 1, 2 order by 3 desc limit 1`,
    );
    const clock = new ManualClock(NOW.toISOString());
    const deps = { db, clock, baseUrl: 'http://bench.test' };
    const admin: StaffActor = {
      kind: 'staff',
      id: '00000000-0000-0000-0000-000000000001',
      name: 'Bench',
      identifier: 'bench',
      role: 'network_admin',
      scope: scopeFor('network_admin', []),
    };
    const settings = defaultSettings('numos');
    const cases: Array<[string, StaffActor, Record<string, unknown>]> = [
      ['whole network, last 12 months', admin, {}],
      [`largest library (${largest!.n} patrons), last 12 months`, admin, { bibliotheque: largest!.id }],
      [
        'largest library seen by its own staff',
        { ...admin, role: 'library_staff', scope: scopeFor('library_staff', [largest!.id]) },
        {},
      ],
      ['whole network, 10 years', admin, { periode: 'libre', du: '24/11/2016', au: '23/11/2026' }],
    ];
    // Where the time goes: each query of the page alone, then the render alone.
    const range = { from: '2025-12-01', to: '2026-11-23' };
    const split = splitRange(range, '2026-11-23');
    console.log(`Queries of the page alone, last 12 months (${ROUNDS} rounds each):`);
    for (const [scope, ids] of [
      ['whole network', null],
      ['largest library', [largest!.id]],
    ] as Array<[string, LibraryFilter]>) {
      const queries: Array<[string, () => Promise<unknown>]> = [
        ['eventCountsByMonth', () => eventCountsByMonth(db, ids, split)],
        ['decisionDelaysByLibrary', () => decisionDelaysByLibrary(db, ids, split)],
        ['networkDecisionDelay', () => networkDecisionDelay(db, split)],
        ['overdueByLibrary', () => overdueByLibrary(db, ids, split)],
        ['newPatronsByAgeBand', () => newPatronsByAgeBand(db, ids, split)],
        ['activeNow', () => activeNow(db, ids)],
        ['consultationCounts', () => consultationCounts(db, ids, range)],
      ];
      for (const [name, q] of queries) console.log(`  ${scope}, ${name}: ${figures(await rounds(q))}`);
    }
    const page = await loadStatistics(deps, admin, {}, settings);
    const render = () => renderToString(h(StatisticsPageView, { page }));
    console.log(
      `  render alone, charts drawn each time (whole network): ${figures(
        await rounds(async () => {
          forgetDrawnCharts();
          render();
        }),
      )}`,
    );
    console.log(
      `  render alone, charts kept (whole network): ${figures(await rounds(async () => render()))}`,
    );
    console.log(
      `Page (use case + render), per round (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}):`,
    );
    for (const [name, actor, query] of cases) {
      let size = 0;
      const times = await rounds(async () => {
        if (process.env.BENCH_DRAW_EACH_TIME === '1') forgetDrawnCharts();
        const built = await loadStatistics(deps, actor, query, settings);
        size = renderToString(h(StatisticsPageView, { page: built })).length;
      });
      console.log(`  ${name}: ${figures(times)} (${Math.round(size / 1024)} KiB of HTML)`);
    }
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await cleanup();
  }
}

await main();
