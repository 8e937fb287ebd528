import { availableParallelism, cpus } from 'node:os';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/client.js';
import { getNetwork } from '../src/db/repositories/network.js';
import { type Count, loadQueue, type QueueCriteria } from '../src/db/repositories/patron-queue.js';
import type { LibraryScope } from '../src/domain/actor.js';
import { ensureNetwork } from '../src/usecases/network/bootstrap.js';
import { generatePatrons } from './generate-patrons.js';
import { percentile } from './lib/http-bench.js';
import { openThrowaway } from './lib/throwaway-db.js';

const BENCH_DB = 'sesame_bench_queue';
const RUNS = Number(process.env.BENCH_RUNS ?? 50);

const show = (c: Count | null) => (c === null ? '—' : `${c.exact ? '' : '> '}${c.value}`);

async function main(): Promise<void> {
  const onPostgres = Boolean(process.env.DATABASE_URL);
  const count = Number(process.env.BENCH_PATRONS ?? (onPostgres ? 1_000_000 : 100_000));
  const { database, label, cleanup } = await openThrowaway(BENCH_DB);
  try {
    const db = database.db;
    await database.migrate();
    await ensureNetwork({ db }, 'numos');
    const now = new Date();
    console.log(`Sésame queue benchmark — ${label}`);
    console.log(`Node ${process.version}, ${availableParallelism()} CPU (${cpus()[0]?.model ?? '?'})`);

    let started = performance.now();
    const data = await generatePatrons(db, {
      count,
      libraries: 150,
      now,
      onProgress: (done) => process.stdout.write(`\r  generating… ${done} / ${count}`),
    });
    const generated = (performance.now() - started) / 1000;
    started = performance.now();
    await db.execute(sql`vacuum analyze patrons`);
    await db.execute(sql`analyze libraries`);
    const analysed = (performance.now() - started) / 1000;
    const [size] = await queryRows<{ size: string }>(
      db,
      sql`select pg_size_pretty(pg_total_relation_size('patrons')) as size`,
    );
    const [largest] = await queryRows<{ library_id: string; n: number }>(
      db,
      sql`select library_id, count(*)::int as n from patrons group by 1 order by 2 desc limit 1`,
    );
    console.log(
      `\r  ${data.patrons} patrons over ${data.libraryIds.length} libraries in ${generated.toFixed(1)} s ` +
        `(+ VACUUM ANALYZE ${analysed.toFixed(1)} s); table + indexes ${size?.size}; ` +
        `largest library ${largest?.n} patrons\n`,
    );

    const library = largest!.library_id;
    // A card number as a librarian would scan it: a real one from the generated data.
    const [card] = await queryRows<{ card: string }>(
      db,
      sql`select card_number as card from patrons where card_number is not null order by id limit 1`,
    );
    const staff: LibraryScope = { all: false, libraryIds: [library] };
    const admin: LibraryScope = { all: true };
    const { settings } = await getNetwork(db);
    const base = { sort: 'inscription', order: 'decroissant' } as const;
    const cases: Array<{ name: string; scope: LibraryScope; criteria: QueueCriteria }> = [
      {
        name: 'library: default view (à valider, oldest first)',
        scope: staff,
        criteria: { libraryId: library, state: 'a_valider', sort: 'attente', order: 'croissant' },
      },
      {
        name: 'library: surname fragment "lefev"',
        scope: staff,
        criteria: { ...base, state: 'tous', q: 'lefev' },
      },
      {
        name: 'library: two words "zoe lefevre"',
        scope: staff,
        criteria: { ...base, state: 'tous', q: 'zoe lefevre' },
      },
      {
        name: 'library: e-mail fragment "chloe.mor"',
        scope: staff,
        criteria: { ...base, state: 'tous', q: 'chloe.mor' },
      },
      {
        name: 'library: 3 letters "mar", by name',
        scope: staff,
        criteria: { state: 'tous', q: 'mar', sort: 'nom', order: 'croissant' },
      },
      { name: 'library: short word "li"', scope: staff, criteria: { ...base, state: 'tous', q: 'li' } },
      {
        name: 'library: actifs by name, page 3',
        scope: staff,
        criteria: { state: 'actifs', sort: 'nom', order: 'croissant', page: 3 },
      },
      {
        name: 'network: à valider (admin default)',
        scope: admin,
        criteria: { state: 'a_valider', sort: 'attente', order: 'croissant' },
      },
      {
        name: 'network: en retard',
        scope: admin,
        criteria: { state: 'en_retard', sort: 'attente', order: 'croissant' },
      },
      {
        name: 'network: surname "lefevre"',
        scope: admin,
        criteria: { ...base, state: 'tous', q: 'lefevre' },
      },
      {
        name: 'network: two words "zoe lefevre"',
        scope: admin,
        criteria: { ...base, state: 'tous', q: 'zoe lefevre' },
      },
      {
        name: 'network: e-mail fragment "chloe.morin"',
        scope: admin,
        criteria: { ...base, state: 'tous', q: 'chloe.morin' },
      },
      {
        name: `network: card number ${card?.card}`,
        scope: admin,
        criteria: { ...base, state: 'tous', q: card?.card },
      },
      { name: 'network: 3 letters "mar"', scope: admin, criteria: { ...base, state: 'tous', q: 'mar' } },
      { name: 'network: short word "li"', scope: admin, criteria: { ...base, state: 'tous', q: 'li' } },
      {
        name: 'network: actifs by name',
        scope: admin,
        criteria: { state: 'actifs', sort: 'nom', order: 'croissant' },
      },
      {
        name: 'network: tous by end date',
        scope: admin,
        criteria: { state: 'tous', sort: 'fin', order: 'decroissant' },
      },
    ];

    const target = onPostgres ? 50 : 150;
    console.log(`${RUNS} runs each; counts per state + page of 50 (loadQueue, as the page does)`);
    console.log(`${'query'.padEnd(46)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)}  shown / total`);
    let worst = 0;
    for (const c of cases) {
      for (let i = 0; i < 3; i++) await loadQueue(db, c.scope, c.criteria, now, settings);
      const times: number[] = [];
      let last: Awaited<ReturnType<typeof loadQueue>> | null = null;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        last = await loadQueue(db, c.scope, c.criteria, now, settings);
        times.push(performance.now() - t);
      }
      const p95 = percentile(times, 95);
      worst = Math.max(worst, p95);
      console.log(
        `${c.name.padEnd(46)} ${percentile(times, 50).toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)}  ` +
          `${last!.page.rows.length} / ${show(last!.page.total)}${p95 >= target ? '  ← over target' : ''}`,
      );
    }
    console.log(`\nworst p95 ${worst.toFixed(1)} ms; target p95 < ${target} ms`);
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
