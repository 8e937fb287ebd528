/**
 * Export benchmark ("Exporter (Excel)" / "Exporter (CSV)" on /admin/usagers): how long does a
 * whole network's list take to download, and how much memory does the server take for it?
 *
 *   npx tsx --expose-gc bench/export.ts                                          # PGlite, 100 000 patrons
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx --expose-gc bench/export.ts   # PostgreSQL
 *   BENCH_PATRONS=250000 npx tsx --expose-gc bench/export.ts                     # another size
 *   BENCH_ONLY=xlsx npx tsx --expose-gc bench/export.ts                          # only the cases named so
 *
 * Always on a throwaway database: PGlite in a new temporary directory (deleted at the end), or,
 * on PostgreSQL, a fresh database `sesame_bench_export` on DATABASE_URL's server (dropped at the
 * end). Patrons come from bench/generate-patrons.ts (150 libraries, states mixed as in a real
 * year). The app listens on 127.0.0.1 and each file is downloaded over real HTTP by a client
 * that counts the bytes and drops them, so the figures are the server's.
 *
 * For each download: time to the last byte, size, rows, and the growth of the process's
 * resident memory (RSS, sampled every 10 ms during the download, peak minus the value just
 * before) and of the JavaScript heap (heapUsed, same way). Targets: < 5 s and < 100 MB growth
 * for 100 000 patrons. Figures are printed, never asserted.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { type Database, queryRows } from '../src/db/client.js';
import { insertSession } from '../src/db/repositories/sessions.js';
import { insertStaff } from '../src/db/repositories/staff.js';
import { systemClock } from '../src/domain/clock.js';
import { newSecretToken, sha256 } from '../src/security/tokens.js';
import { ensureNetwork } from '../src/usecases/network/bootstrap.js';
import { buildApp, SESSION_COOKIE } from '../src/web/app.js';
import { generatePatrons } from './generate-patrons.js';
import { openThrowaway } from './lib/throwaway-db.js';

const BENCH_DB = 'sesame_bench_export';
const MB = 1024 * 1024;

/** A staff session cookie, as the login page would give (the login itself is not measured). */
async function sessionFor(
  database: Database,
  identifier: string,
  role: 'network_admin' | 'library_staff',
  libraryIds: string[],
): Promise<string> {
  const now = new Date();
  const staff = await insertStaff(database.db, {
    identifier,
    name: `Banc d’essai ${identifier}`,
    email: `${identifier}@exemple.fr`,
    role,
    libraryIds,
    createdAt: now,
  });
  const token = newSecretToken();
  await insertSession(database.db, {
    idHash: sha256(token),
    principalKind: 'staff',
    principalId: staff.id,
    createdAt: now,
    lastSeenAt: now,
    ip: '127.0.0.1',
    userAgent: 'bench/export',
  });
  return `${SESSION_COOKIE}=${token}`;
}

interface Measure {
  status: number;
  seconds: number;
  /** CPU time of the whole process (server, embedded database, compression threads, client). */
  cpuSeconds: number;
  bytes: number;
  rssGrowthMb: number;
  heapGrowthMb: number;
  rssBeforeMb: number;
}

/** Downloads one URL, dropping the bytes, while sampling the process's memory. */
async function download(port: number, path: string, cookie: string): Promise<Measure> {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, headers: { cookie } }, resolve).on('error', reject);
    });
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    await once(res, 'end');
    return {
      status: res.statusCode ?? 0,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu)),
      bytes,
      rssGrowthMb: (peakRss - before.rss) / MB,
      heapGrowthMb: (peakHeap - before.heapUsed) / MB,
      rssBeforeMb: before.rss / MB,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Rows written by the last export, as its history event records them (written just after the last byte). */
async function exportedRows(database: Database): Promise<number | string> {
  for (let i = 0; i < 50; i++) {
    const [row] = await queryRows<{ rows: number; id: number }>(
      database.db,
      sql`select (data->>'rows')::int as rows, id from events where action = 'exported' order by id desc limit 1`,
    );
    if (row && row.id !== lastEvent) {
      lastEvent = row.id;
      return row.rows;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return '?';
}
let lastEvent: number | null = null;

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_PATRONS ?? 100_000);
  const only = process.env.BENCH_ONLY;
  const { database, label, cleanup } = await openThrowaway(BENCH_DB);
  try {
    const db = database.db;
    await database.migrate();
    await ensureNetwork({ db }, 'mdo');
    console.log(`Sésame export benchmark — ${label}`);
    console.log(
      `Node ${process.version}, ${availableParallelism()} CPU (${cpus()[0]?.model ?? '?'})` +
        (globalThis.gc ? '' : ' — run with --expose-gc for steadier memory figures'),
    );
    const started = performance.now();
    const data = await generatePatrons(db, {
      count,
      libraries: 150,
      now: new Date(),
      onProgress: (done) => process.stdout.write(`\r  generating… ${done} / ${count}`),
    });
    await db.execute(sql`vacuum analyze patrons`);
    await db.execute(sql`analyze libraries`);
    const [largest] = await queryRows<{ library_id: string; n: number }>(
      db,
      sql`select library_id, count(*)::int as n from patrons group by 1 order by 2 desc limit 1`,
    );
    console.log(
      `\r  ${data.patrons} patrons over ${data.libraryIds.length} libraries in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `largest library ${largest?.n} patrons\n`,
    );

    const config = loadConfig({
      LOG_LEVEL: 'silent',
      SESAME_PROFILE: 'mdo',
      SESAME_DEMO: 'false',
      SESAME_SCHEDULER: 'false',
      BASE_URL: 'http://127.0.0.1',
    });
    const app = await buildApp({ config, database, clock: systemClock });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const admin = await sessionFor(database, 'bench.admin', 'network_admin', []);
    const librarian = await sessionFor(database, 'bench.biblio', 'library_staff', [largest!.library_id]);

    const cases: Array<{ name: string; path: string; cookie: string }> = [
      { name: 'network, all states, .xlsx', path: '/admin/usagers/export.xlsx?etat=tous', cookie: admin },
      { name: 'network, all states, .csv', path: '/admin/usagers/export.csv?etat=tous', cookie: admin },
      {
        name: 'network, actifs by name, .xlsx',
        path: '/admin/usagers/export.xlsx?etat=actifs&tri=nom&ordre=croissant',
        cookie: admin,
      },
      {
        name: 'network, by end date, .csv',
        path: '/admin/usagers/export.csv?etat=tous&tri=fin&ordre=decroissant',
        cookie: admin,
      },
      {
        name: 'largest library, all states, .xlsx',
        path: '/admin/usagers/export.xlsx?etat=tous',
        cookie: librarian,
      },
      { name: 'newsletter (network), .xlsx', path: '/admin/usagers/newsletter.xlsx', cookie: admin },
    ];
    // One untimed run first: code paths compiled, pools opened.
    await download(port, '/admin/usagers/export.csv?etat=tous', admin);
    await exportedRows(database);
    console.log(`RSS before the downloads: ${(process.memoryUsage().rss / MB).toFixed(0)} MB\n`);
    console.log(
      `${'export'.padEnd(38)} ${'status'.padStart(6)} ${'rows'.padStart(8)} ${'time'.padStart(8)} ${'CPU'.padStart(8)} ${'size'.padStart(9)} ${'RSS +'.padStart(9)} ${'heap +'.padStart(9)}`,
    );
    for (const c of cases.filter((x) => !only || x.name.includes(only))) {
      const m = await download(port, c.path, c.cookie);
      console.log(
        `${c.name.padEnd(38)} ${String(m.status).padStart(6)} ${String(await exportedRows(database)).padStart(8)} ` +
          `${`${m.seconds.toFixed(2)} s`.padStart(8)} ${`${m.cpuSeconds.toFixed(2)} s`.padStart(8)} ${`${(m.bytes / MB).toFixed(1)} MB`.padStart(9)} ` +
          `${`${m.rssGrowthMb.toFixed(1)} MB`.padStart(9)} ${`${m.heapGrowthMb.toFixed(1)} MB`.padStart(9)}`,
      );
    }
    await app.close();
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
