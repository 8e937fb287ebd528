/**
 * Registration benchmark: complete self-registrations per second through HTTP (form → checks →
 * argon2 hash → patron row, token, event → confirmation e-mail in the outbox), against raw argon2id
 * hashes per second measured in the same run on the same cores. Target: ratio ≥ 0.9 on PostgreSQL.
 *
 *   npx tsx bench/register.ts                                   # embedded PGlite in a temp dir
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/register.ts   # PostgreSQL
 *   BENCH_SECONDS=20 BENCH_SLICES=10 npx tsx bench/register.ts  # longer phases, more slices (default 10 s, 5)
 *
 * On PostgreSQL a throwaway database `sesame_bench_register` is created on DATABASE_URL's server
 * and dropped at the end. The per-IP registration limit (every request comes from 127.0.0.1) is
 * raised to its maximum for the run. Hashing, the ceiling (a bare node:http server that only
 * hashes, no framework, no database) and registrations (concurrency 4 = the server saturated, the
 * headline; and 2) alternate in slices (BENCH_SLICES) so that a busy neighbour weighs on all alike. Each row
 * gives the whole machine's CPU time per operation (database and client included) and this
 * process's part. Figures are printed, never asserted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { insertLibrary } from '../src/db/repositories/libraries.js';
import { getNetwork, updateNetwork } from '../src/db/repositories/network.js';
import { systemClock } from '../src/domain/clock.js';
import { SETTINGS } from '../src/domain/settings.js';
import { hashPassword } from '../src/security/passwords.js';
import { prepareDatabase } from '../src/startup.js';
import { buildApp } from '../src/web/app.js';
import {
  Client,
  mark,
  measure,
  newPhase,
  type Phase,
  percentile,
  printTable,
  sliceRate,
  spread,
  startBareServer,
} from './lib/http-bench.js';

const PHASE_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const ROUNDS = Number(process.env.BENCH_SLICES ?? 5);
const BENCH_DB = 'sesame_bench_register';

async function withThrowawayDatabase(
  serverUrl: string | undefined,
): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (!serverUrl) return { drop: async () => {} };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.query(`create database ${BENCH_DB}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${BENCH_DB}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${BENCH_DB} with (force)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || undefined;
  const throwaway = await withThrowawayDatabase(serverUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(throwaway.url ? { DATABASE_URL: throwaway.url } : {}),
    SESAME_DEMO: 'false',
    SESAME_SCHEDULER: 'false',
    LOG_LEVEL: 'silent',
  });
  const { database } = await prepareDatabase(config, systemClock);
  const db = database.db;
  const { settings } = await getNetwork(db);
  await updateNetwork(db, {
    settings: { ...settings, loginIpPerQuarterHour: SETTINGS.loginIpPerQuarterHour.max },
  });
  const libraries: Array<{ id: string }> = [];
  for (let i = 0; i < 150; i++)
    libraries.push(
      await insertLibrary(db, {
        code: `B${String(i).padStart(4, '0')}`,
        name: `Bibliothèque d’essai ${i}`,
        town: `Ville ${i}`,
        email: `b${i}@exemple.fr`,
      }),
    );
  const app = await buildApp({ config, database, clock: systemClock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no listening address');
  const base = `http://127.0.0.1:${address.port}`;
  const run = randomBytes(3).toString('hex');
  let n = 0;

  try {
    const clients = Array.from({ length: 4 }, () => new Client(base));
    const tokens = await Promise.all(clients.map((c) => c.csrfToken('/inscription')));
    const register = async (w: number) => {
      n++;
      const id = `banc${run}${n}`;
      const res = await clients[w]!.post('/inscription', {
        _csrf: tokens[w]!,
        lastName: 'N’Diaye-Lefèvre',
        firstName: 'Zoé',
        birthDate: '14/07/1990',
        email: `${id}@exemple.fr`,
        identifier: id,
        password: 'Lecture-du-soir-2026',
        confirmation: 'Lecture-du-soir-2026',
        libraryId: libraries[n % libraries.length]!.id,
        newsletter: n % 2 ? 'oui' : 'non',
        site_web: '',
      });
      return res.status === 303 && (res.location ?? '').startsWith('/inscription/envoyee');
    };
    // Warm-up: JIT, pools, first argon2 allocation.
    for (let i = 0; i < 3; i++) {
      await hashPassword('warm-up-password');
      if (!(await register(0))) throw new Error('a registration did not succeed: check the form fields');
    }

    // The ceiling: the same requests to a server that only hashes (no framework, no database).
    const bare = await startBareServer(() => hashPassword('Lecture-du-soir-2026'));
    const bareClients = Array.from({ length: 4 }, () => new Client(bare.base));
    const bareRegister = async (w: number) =>
      (await bareClients[w]!.post('/inscription', { identifier: 'x', password: 'Lecture-du-soir-2026' }))
        .status === 303;
    const argon = newPhase('argon2id hash', 2);
    const bare2 = newPhase('bare HTTP server, argon2 only', 2);
    const bare4 = newPhase('bare HTTP server, argon2 only', 4);
    const regs = newPhase('POST /inscription (303 → envoyée)', 2);
    const regs4 = newPhase('POST /inscription (303 → envoyée)', 4);
    // Each slice's own ratio, to show how much the machine moved during the run.
    const sliceRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const argonBefore = mark(argon);
      await measure(argon, PHASE_MS / ROUNDS, async () =>
        Boolean(await hashPassword('Lecture-du-soir-2026')),
      );
      await measure(bare2, PHASE_MS / ROUNDS, bareRegister);
      await measure(bare4, PHASE_MS / ROUNDS, bareRegister);
      await measure(regs, PHASE_MS / ROUNDS, register);
      const before = mark(regs4);
      await measure(regs4, PHASE_MS / ROUNDS, register);
      sliceRatios.push(sliceRate(regs4, before) / sliceRate(argon, argonBefore));
    }
    for (const c of bareClients) c.close();
    await bare.close();

    const driver = serverUrl ? 'PostgreSQL' : 'PGlite (embedded)';
    console.log(`\nSésame registration benchmark — ${driver}, Node ${process.version}`);
    console.log(
      `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${PHASE_MS / 1000} s per phase, 150 libraries\n`,
    );
    printTable(
      [argon, bare2, bare4, regs, regs4].map((p: Phase) => ({
        phase: p.name,
        conc: String(p.concurrency),
        ok: String(p.ok),
        failed: String(p.failed),
        'per second': (p.ok / p.seconds).toFixed(1),
        'p50 ms': percentile(p.latencies, 50).toFixed(1),
        'p95 ms': percentile(p.latencies, 95).toFixed(1),
        'CPU ms/op': (p.machineCpuMs / Math.max(1, p.ok + p.failed)).toFixed(1),
        'of which Node': (p.processCpuMs / Math.max(1, p.ok + p.failed)).toFixed(1),
      })),
    );
    const rate = (p: Phase) => p.ok / p.seconds;
    const ratio = (p: Phase) => (rate(p) / rate(argon)).toFixed(2);
    // Concurrency 4 keeps the server busy (twice as many requests in flight as cores): the
    // throughput to compare with argon2's own. At 2, every database round trip idles a core.
    const headline = rate(regs4) / rate(argon);
    console.log(
      `\nregistrations / argon2 = ${headline.toFixed(2)} at concurrency 4 (target ≥ 0.90: ${headline >= 0.9 ? 'met' : 'NOT met'}); ${ratio(regs)} at concurrency 2`,
    );
    console.log(
      `slice by slice at concurrency 4 (each against the argon2 slice just before it): ${spread(sliceRatios)}`,
    );
    console.log(
      `ceiling on this machine (bare server, argon2 only) = ${ratio(bare4)} at concurrency 4, ${ratio(bare2)} at concurrency 2`,
    );
    if (regs.failed > 0 || regs4.failed > 0 || bare2.failed + bare4.failed > 0)
      console.log(
        'Some registrations did not get the expected answer: the figures above are not trustworthy.',
      );
  } finally {
    await app.close();
    await database.close();
    await throwaway.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
