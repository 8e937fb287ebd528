/**
 * Login benchmark: how close does a login through HTTP come to the cost of its argon2 check?
 *
 *   npx tsx bench/login.ts                                   # embedded PGlite in a temp dir
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/login.ts   # PostgreSQL
 *   BENCH_SECONDS=20 BENCH_SLICES=10 npx tsx bench/login.ts  # longer phases, more slices (default 10 s, 5)
 *
 * Starts the app in this process (prepareDatabase + buildApp, no demo, no scheduler, silent logs)
 * on 127.0.0.1 with a random port, creates one staff account with a known password, then
 * measures in the same run, on the same cores:
 *   (a) raw argon2id verifications per second (verifyPassword, concurrency 2 = the cores);
 *   (b) the ceiling: the same POSTs to a bare node:http server that only verifies (no framework,
 *       no database), at concurrency 2 and 4;
 *   (c) successful logins per second over HTTP: POST /connexion with the CSRF token of a
 *       GET /connexion made once per client, only 303 → /admin counted, at concurrency 4 (the
 *       server saturated: the headline) and 2;
 *   (d) requests per second of an authenticated page: GET /admin with a session (concurrency 8).
 * Phases alternate in slices (BENCH_SLICES) so that a busy neighbour weighs on all alike. Each row also
 * gives the CPU time of the whole machine per operation (the database server and this client
 * included) and the part of it spent by this process. The ratio (c)/(a) says how much the rest
 * of a login (HTTP, CSRF, throttle counters, account, session insert) costs next to argon2; the
 * target is ≥ 0.9; (b)/(a) is the most any server could reach here with this client.
 *
 * The per-IP login throttle (setting loginIpPerQuarterHour, 50 by default) would stop (c) after
 * a few seconds, since every request comes from 127.0.0.1: it is raised to its maximum for the run.
 * On PostgreSQL the previous settings are restored at the end and the bench account, its
 * sessions and the 127.0.0.1 throttle counter are deleted; use a database without real users.
 * Figures are printed, never asserted: they depend on the machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { clearThrottle } from '../src/db/repositories/login-throttles.js';
import { getNetwork, updateNetwork } from '../src/db/repositories/network.js';
import { deleteSessionsOf } from '../src/db/repositories/sessions.js';
import { insertStaff, setStaffPassword } from '../src/db/repositories/staff.js';
import { staff } from '../src/db/schema.js';
import { systemClock } from '../src/domain/clock.js';
import { SETTINGS } from '../src/domain/settings.js';
import { hashPassword, verifyPassword } from '../src/security/passwords.js';
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
const PASSWORD = 'Banc-d-essai-2026!';
const ROUNDS = Number(process.env.BENCH_SLICES ?? 5);

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    SESAME_DEMO: 'false',
    SESAME_SCHEDULER: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const { database } = await prepareDatabase(config, systemClock);
  const db = database.db;
  const app = await buildApp({ config, database, clock: systemClock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no listening address');
  const base = `http://127.0.0.1:${address.port}`;

  const identifier = `banc-${randomBytes(4).toString('hex')}`;
  const now = systemClock.now();
  const hash = await hashPassword(PASSWORD);
  const account = await insertStaff(db, {
    identifier,
    name: 'Banc d’essai',
    email: `${identifier}@exemple.fr`,
    role: 'network_admin',
    libraryIds: [],
    createdAt: now,
  });
  await setStaffPassword(db, account.id, hash, now);

  const { settings } = await getNetwork(db);
  const ipLimit = SETTINGS.loginIpPerQuarterHour.max;
  await updateNetwork(db, { settings: { ...settings, loginIpPerQuarterHour: ipLimit } });

  try {
    // Warm-up: JIT, connection pools, first argon2 allocation.
    for (let i = 0; i < 3; i++) await verifyPassword(hash, PASSWORD);
    const warm = new Client(base);
    const warmToken = await warm.csrfToken('/connexion');
    for (let i = 0; i < 3; i++)
      await warm.post('/connexion', { _csrf: warmToken, login: identifier, password: PASSWORD });

    // argon2 alone and logins alternate in short slices, so a noisy neighbour or a CPU
    // frequency change weighs on both sides of the ratio alike.
    const loginClients = Array.from({ length: 4 }, () => new Client(base));
    const tokens = await Promise.all(loginClients.map((c) => c.csrfToken('/connexion')));
    const logIn = async (w: number) => {
      const res = await loginClients[w]!.post('/connexion', {
        _csrf: tokens[w]!,
        login: identifier,
        password: PASSWORD,
        suite: '',
      });
      return res.status === 303 && res.location === '/admin';
    };
    // The ceiling: the same requests to a server that only runs argon2 (no framework, no database).
    const bare = await startBareServer(() => verifyPassword(hash, PASSWORD));
    const bareClients = Array.from({ length: 4 }, () => new Client(bare.base));
    const bareLogIn = async (w: number) =>
      (await bareClients[w]!.post('/connexion', { login: identifier, password: PASSWORD })).status === 303;
    const argon = newPhase('argon2id verify', 2);
    const bare2 = newPhase('bare HTTP server, argon2 only', 2);
    const bare4 = newPhase('bare HTTP server, argon2 only', 4);
    const logins = newPhase('POST /connexion (303 → /admin)', 2);
    const logins4 = newPhase('POST /connexion (303 → /admin)', 4);
    // Each slice's own ratio, to show how much the machine moved during the run.
    const sliceRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const argonBefore = mark(argon);
      await measure(argon, PHASE_MS / ROUNDS, () => verifyPassword(hash, PASSWORD));
      await measure(bare2, PHASE_MS / ROUNDS, bareLogIn);
      await measure(bare4, PHASE_MS / ROUNDS, bareLogIn);
      await measure(logins, PHASE_MS / ROUNDS, logIn);
      const before = mark(logins4);
      await measure(logins4, PHASE_MS / ROUNDS, logIn);
      sliceRatios.push(sliceRate(logins4, before) / sliceRate(argon, argonBefore));
    }
    for (const c of bareClients) c.close();
    await bare.close();

    const signedIn = new Client(base);
    const token = await signedIn.csrfToken('/connexion');
    const login = await signedIn.post(
      '/connexion',
      { _csrf: token, login: identifier, password: PASSWORD },
      true,
    );
    if (login.status !== 303) throw new Error(`login for the page phase failed: ${login.status}`);
    const pages = await measure(newPhase('GET /admin (signed in)', 8), PHASE_MS, async () => {
      const res = await signedIn.get('/admin');
      return res.status === 200;
    });

    const driver = databaseUrl ? 'PostgreSQL' : 'PGlite (embedded)';
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(`\nSésame login benchmark — ${driver}, Node ${process.version}`);
    console.log(
      `${availableParallelism()} cores (${cpu}), ${PHASE_MS / 1000} s per phase (argon2 and logins alternate in ${ROUNDS} slices)`,
    );
    console.log(
      `Per-IP login throttle (loginIpPerQuarterHour) raised from ${settings.loginIpPerQuarterHour} to ${ipLimit} for this run.\n`,
    );
    const rows = [argon, bare2, bare4, logins, logins4, pages].map((p) => ({
      phase: p.name,
      conc: String(p.concurrency),
      ok: String(p.ok),
      failed: String(p.failed),
      'per second': (p.ok / p.seconds).toFixed(1),
      'p50 ms': percentile(p.latencies, 50).toFixed(1),
      'p95 ms': percentile(p.latencies, 95).toFixed(1),
      'CPU ms/op': (p.machineCpuMs / Math.max(1, p.ok + p.failed)).toFixed(1),
      'of which Node': (p.processCpuMs / Math.max(1, p.ok + p.failed)).toFixed(1),
    }));
    printTable(rows);
    const rate = (p: Phase) => p.ok / p.seconds;
    const ratio = (p: Phase) => (rate(p) / rate(argon)).toFixed(2);
    // Concurrency 4 keeps the server busy (twice as many logins in flight as cores): logins per
    // second at saturation, the figure to compare with argon2's own throughput. At concurrency 2,
    // every database round trip leaves a core without argon2 work.
    const headline = rate(logins4) / rate(argon);
    console.log(
      `\nlogins / argon2 = ${headline.toFixed(2)} at concurrency 4 (target ≥ 0.90: ${headline >= 0.9 ? 'met' : 'NOT met'}); ${ratio(logins)} at concurrency 2`,
    );
    console.log(
      `slice by slice at concurrency 4 (each against the argon2 slice just before it): ${spread(sliceRatios)}`,
    );
    console.log(
      `ceiling on this machine (bare server, argon2 only) = ${ratio(bare4)} at concurrency 4, ${ratio(bare2)} at concurrency 2`,
    );
    if (logins.failed > 0 || logins4.failed > 0 || pages.failed > 0 || bare2.failed + bare4.failed > 0)
      console.log('Some requests did not get the expected answer: the figures above are not trustworthy.');
  } finally {
    await updateNetwork(db, { settings });
    await deleteSessionsOf(db, 'staff', account.id);
    await db.delete(staff).where(eq(staff.id, account.id));
    await clearThrottle(db, 'ip:127.0.0.1');
    await clearThrottle(db, `account:${identifier}`);
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
