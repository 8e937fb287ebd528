/**
 * Speed as users run it: `npm start` in its own process (info logs, the outbox sending to a real
 * SMTP server, the sweeps on), PostgreSQL, driven over HTTP from this process. bench/login.ts and
 * bench/register.ts run the app inside the benchmark with silent logs; this one measures what a
 * person who starts Sésame gets.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/outside.ts
 *   BENCH_SECONDS=20 BENCH_SLICES=10 …                  # longer phases, more slices (default 10 s, 5)
 *   BENCH_SERVER_PROFILE=/tmp/prof …                     # the server also writes a V8 CPU profile there
 *   BENCH_SERVER_PERF=1 …     # the server writes jit-PID.dump here, for `perf record -k mono -g -p PID`
 *                             # then `perf inject --jit` (names JavaScript frames in CPU time)
 *   BENCH_SERVER_FLAGS='--max-semi-space-size=32' …     # Node flags for the server (to compare settings)
 *   BENCH_MACHINE_PERF=/tmp/machine.data …   # perf record -a during the first registrations slice
 *   BENCH_LOG_LEVEL=warn …                               # the server's log level (default info)
 *   BENCH_WARM_UP_SECONDS=0 …                            # registrations, then half as long logins, before
 *                                                        # measuring (default 30 s: V8 optimises meanwhile)
 *   BENCH_PATRONS=0 …                                    # patrons already there (default 20 000)
 *
 * A throwaway database `sesame_bench_outside` is created on DATABASE_URL's server (dropped at the
 * end) and prepared from here (migrations, 150 libraries and 20 000 patrons from
 * bench/generate-patrons.ts then analysed, one staff account with a known password, per-IP
 * limits raised to their maximum since every request comes from 127.0.0.1).
 * An SMTP sink (smtp-server, accepting everything) listens in this process and the server gets
 * SMTP_URL. The server is `node --import tsx src/server.ts` (what `npm start`'s tsx runs, minus
 * its wrapper process, so that its CPU time can be read from /proc); its JSON log lines go to a
 * file, as under a service manager.
 *
 * Phases alternate in slices: raw argon2id hashes (concurrency 2 = the cores, in this process,
 * measured as bench/register.ts does), registrations at concurrency 4 and 8, raw argon2id
 * verifications (as bench/login.ts), logins at concurrency 4 and 8. Each row gives the machine's
 * CPU per operation, this process's part (the client, the SMTP sink), the server's (split between
 * its JavaScript thread, its libuv pool where argon2 runs, and V8's helper threads: garbage
 * collection, optimising compiler) and PostgreSQL's, with the write-ahead log PostgreSQL wrote per
 * operation (what its writes amount to, read exactly from pg_current_wal_lsn; the pg_stat
 * counters of rows reach their views up to a second late). Read from
 * /proc, these are CPU times: a V8 profile of the server is sampled on the wall clock and, on a
 * saturated machine, charges to a system call the time its thread waited for a core. Figures
 * are printed, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { getNetwork, updateNetwork } from '../src/db/repositories/network.js';
import { insertStaff, setStaffPassword } from '../src/db/repositories/staff.js';
import { systemClock } from '../src/domain/clock.js';
import { SETTINGS } from '../src/domain/settings.js';
import { SWEEPS, type SweepContext } from '../src/jobs/sweeps.js';
import { hashPassword, verifyPassword } from '../src/security/passwords.js';
import { prepareDatabase } from '../src/startup.js';
import { generatePatrons } from './generate-patrons.js';
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
} from './lib/http-bench.js';
import { startCountingSmtpSink } from './lib/smtp-sink.js';

const PHASE_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const ROUNDS = Number(process.env.BENCH_SLICES ?? 5);
const WARM_UP_MS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 30) * 1000;
const BENCH_DB = 'sesame_bench_outside';
const EXISTING_PATRONS = Number(process.env.BENCH_PATRONS ?? 20_000);
const PASSWORD = 'Lecture-du-soir-2026';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject()));
    });
  });
}

/** CPU time (user + system) a process has used so far, in ms, from /proc; NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time of each thread of a process so far, in ms, by thread id (the JavaScript thread's is
 * the pid); null where /proc cannot be read.
 */
function threadCpuMs(pid: number | undefined): Map<string, number> | null {
  const byThread = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byThread.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    }
  } catch {
    return null;
  }
  return byThread;
}

interface ThreadSplit {
  /** The JavaScript thread (the event loop). */
  main: number;
  /** The libuv pool, where argon2 runs. */
  pool: number;
  /** V8's helpers (garbage collection, optimising compiler) and anything else. */
  helpers: number;
}

/**
 * What each kind of thread used between two readings. Node names them all `node`; the pool
 * threads are told apart by what they do: during a phase of hashes each of them runs a share of
 * the hashes (a quarter, with libuv's four), while V8's helpers use a few per cent at most.
 */
function splitThreads(
  pid: number | undefined,
  before: Map<string, number> | null,
  after: Map<string, number> | null,
): ThreadSplit {
  if (!before || !after) return { main: Number.NaN, pool: Number.NaN, helpers: Number.NaN };
  const split = { main: 0, pool: 0, helpers: 0 };
  const used = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const others = used.filter(([tid]) => tid !== String(pid)).reduce((sum, [, ms]) => sum + ms, 0);
  for (const [tid, ms] of used) {
    if (tid === String(pid)) split.main += ms;
    else if (ms > others * 0.1) split.pool += ms;
    else split.helpers += ms;
  }
  return split;
}

/**
 * CPU time of every PostgreSQL process of this machine, by pid (the server's backends and its
 * own workers), with the role the process gives in its title: the difference over a phase,
 * summed, is the database's part of it.
 */
function postgresCpuMs(): Map<string, { ms: number; role: string }> {
  const byPid = new Map<string, { ms: number; role: string }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, {
        ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100,
        role: postgresRole(readFileSync(`/proc/${pid}/cmdline`, 'utf8')),
      });
    } catch {}
  }
  return byPid;
}

/** "postgres: 15/main: walwriter" → walwriter; a connection's title → backends. */
function postgresRole(title: string): string {
  const parts = title.replace(/\0/g, ' ').trim().split(': ');
  const what = parts.length >= 3 ? (parts[2] ?? '') : '';
  if (!what) return 'postmaster';
  if (/^(autovacuum|walwriter|checkpointer|background writer|logical replication|stats)/.test(what))
    return what.replace(/ (worker|launcher).*$/, ' $1').trim();
  return 'backends';
}

function postgresCpuSince(before: Map<string, { ms: number }>, byRole?: Map<string, number>): number {
  let ms = 0;
  for (const [pid, now] of postgresCpuMs()) {
    const used = now.ms - (before.get(pid)?.ms ?? 0);
    ms += used;
    byRole?.set(now.role, (byRole.get(now.role) ?? 0) + used);
  }
  return ms;
}

/** `perf record -a` into BENCH_MACHINE_PERF until stopped; null when that is not set. */
function recordMachine(): { stop: () => Promise<void> } | null {
  const file = process.env.BENCH_MACHINE_PERF;
  if (!file) return null;
  console.log(`perf record -a into ${file}: its own cost counts in the first slice of registrations at 4`);
  const perf = spawn('perf', ['record', '-a', '-F', '999', '-o', file], { stdio: 'ignore' });
  const ended = new Promise<void>((resolve) => {
    perf.once('exit', () => resolve());
    perf.once('error', (error) => {
      console.error(`perf record: ${error.message}`);
      resolve();
    });
  });
  return {
    stop: () => {
      perf.kill('SIGINT');
      return ended;
    },
  };
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not become ready');
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl)
    throw new Error('set DATABASE_URL to a PostgreSQL server (a throwaway database is created on it)');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.query(`create database ${BENCH_DB}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${BENCH_DB}`;
  const databaseUrl = url.toString();
  const work = await mkdtemp(join(tmpdir(), 'sesame-outside-'));

  // Prepared from here, before the server starts: it reads these settings at its first request.
  const { database } = await prepareDatabase(
    loadConfig({ DATABASE_URL: databaseUrl, SESAME_DEMO: 'false', LOG_LEVEL: 'silent' }),
    systemClock,
  );
  const db = database.db;
  const { settings } = await getNetwork(db);
  await updateNetwork(db, {
    settings: { ...settings, loginIpPerQuarterHour: SETTINGS.loginIpPerQuarterHour.max },
  });
  // A network that has been running: its patrons already there, and the statistics PostgreSQL
  // keeps on them (autovacuum's analyse, which a database growing by a few hundred rows in a
  // minute has not had yet: then the planner scans by the wrong index until it has).
  const { libraryIds } = await generatePatrons(db, {
    count: EXISTING_PATRONS,
    libraries: 150,
    now: new Date(),
  });
  if (EXISTING_PATRONS > 0) {
    // Today's sweeps have run (reminders, expiries…) and their e-mails have left, as in a network
    // running for a while: the server's own sweeps then find nothing due during the measure.
    const config = loadConfig({ DATABASE_URL: databaseUrl, SESAME_DEMO: 'false', LOG_LEVEL: 'silent' });
    const log = { info() {}, warn() {}, error() {}, debug() {} } as unknown as SweepContext['log'];
    for (const sweep of SWEEPS.filter((s) => s.name !== 'outbox'))
      await sweep.run({ db, clock: systemClock, config, log, transport: null });
    await db.execute(sql`update outbox set status = 'sent', sent_at = now() where status = 'pending'`);
    await db.execute(sql`analyze`);
  }
  const libraries = libraryIds.map((id) => ({ id }));
  const identifier = `banc-${randomBytes(4).toString('hex')}`;
  const hash = await hashPassword(PASSWORD);
  const account = await insertStaff(db, {
    identifier,
    name: 'Banc d’essai',
    email: `${identifier}@exemple.fr`,
    role: 'network_admin',
    libraryIds: [],
    createdAt: systemClock.now(),
  });
  await setStaffPassword(db, account.id, hash, systemClock.now());
  await database.close();

  const smtp = await startCountingSmtpSink();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = join(work, 'server.log');
  const logFd = openSync(logFile, 'a');
  const profile = process.env.BENCH_SERVER_PROFILE;
  const perf = process.env.BENCH_SERVER_PERF
    ? ['--perf-prof', '--interpreted-frames-native-stack', '--perf-prof-unwinding-info']
    : [];
  const profiling = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : perf;
  const flags = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...flags, ...profiling, '--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      SESAME_DEMO: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', logFd, logFd],
  });

  // The write-ahead log's position, read before and after each slice (the whole server's log:
  // nothing else writes to it during a run).
  const wal = new pg.Client({ connectionString: databaseUrl });
  try {
    await waitReady(base, server);
    const run = randomBytes(3).toString('hex');
    let n = 0;
    const regClients = Array.from({ length: 8 }, () => new Client(base));
    const regTokens = await Promise.all(regClients.map((c) => c.csrfToken('/inscription')));
    const register = async (w: number) => {
      n++;
      const id = `out${run}${n}`;
      const res = await regClients[w]!.post('/inscription', {
        _csrf: regTokens[w]!,
        lastName: 'N’Diaye-Lefèvre',
        firstName: 'Zoé',
        birthDate: '14/07/1990',
        email: `${id}@exemple.fr`,
        identifier: id,
        password: PASSWORD,
        confirmation: PASSWORD,
        libraryId: libraries[n % libraries.length]!.id,
        newsletter: n % 2 ? 'oui' : 'non',
        site_web: '',
      });
      return res.status === 303 && (res.location ?? '').startsWith('/inscription/envoyee');
    };
    const loginClients = Array.from({ length: 8 }, () => new Client(base));
    const loginTokens = await Promise.all(loginClients.map((c) => c.csrfToken('/connexion')));
    const logIn = async (w: number) => {
      const res = await loginClients[w]!.post('/connexion', {
        _csrf: loginTokens[w]!,
        login: identifier,
        password: PASSWORD,
        suite: '',
      });
      return res.status === 303 && res.location === '/admin';
    };
    // Warm-up: JIT on both sides, pools, first argon2 allocation.
    for (let i = 0; i < 3; i++) {
      await hashPassword('warm-up-password');
      if (!(await register(0))) throw new Error('a registration did not succeed: check the form fields');
      if (!(await logIn(0))) throw new Error('a login did not succeed');
    }
    // Then the server as users meet it, running for a while: V8 is still optimising its hot paths
    // during the first minute of registrations (--trace-opt: 300 functions optimised in the 30 s
    // after the first 30 s), which the first slices measured. Not counted.
    if (WARM_UP_MS > 0) {
      await measure(newPhase('warm-up registrations', 4), WARM_UP_MS, register);
      await measure(newPhase('warm-up logins', 4), WARM_UP_MS / 2, logIn);
    }
    // Their e-mails leave before anything is measured (the raw hashes would share the cores).
    for (const started = Date.now(); smtp.received() < n && Date.now() - started < 60_000; )
      await new Promise((r) => setTimeout(r, 50));

    const hashes = newPhase('argon2id hash (this process)', 2);
    const regs4 = newPhase('POST /inscription (303 → envoyée)', 4);
    const regs8 = newPhase('POST /inscription (303 → envoyée)', 8);
    const verifies = newPhase('argon2id verify (this process)', 2);
    const logins4 = newPhase('POST /connexion (303 → /admin)', 4);
    const logins8 = newPhase('POST /connexion (303 → /admin)', 8);
    const serverCpu = new Map<Phase, number>();
    const serverThreads = new Map<Phase, ThreadSplit>();
    const databaseCpu = new Map<Phase, number>();
    const databaseRoles = new Map<Phase, Map<string, number>>();
    const walBytes = new Map<Phase, number>();
    await wal.connect();
    const walPosition = async () =>
      (await wal.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn;
    const walSince = async (from: string) =>
      Number(
        (
          await wal.query<{ bytes: string }>(
            'select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text as bytes',
            [from],
          )
        ).rows[0]!.bytes,
      );
    // BENCH_MACHINE_PERF=file: the whole machine (perf record -a), during the first slice of
    // registrations at 4, for `perf report -i file --sort comm,dso,sym`.
    let recorded = false;
    const timed = async (phase: Phase, once: (w: number) => Promise<boolean>) => {
      const before = processCpuMs(server.pid);
      const threadsBefore = threadCpuMs(server.pid);
      const postgresBefore = postgresCpuMs();
      const walBefore = await walPosition();
      const recording = phase === regs4 && !recorded ? recordMachine() : null;
      recorded ||= recording !== null;
      await measure(phase, PHASE_MS / ROUNDS, once);
      await recording?.stop();
      walBytes.set(phase, (walBytes.get(phase) ?? 0) + (await walSince(walBefore)));
      const roles = databaseRoles.get(phase) ?? new Map<string, number>();
      databaseRoles.set(phase, roles);
      databaseCpu.set(phase, (databaseCpu.get(phase) ?? 0) + postgresCpuSince(postgresBefore, roles));
      serverCpu.set(phase, (serverCpu.get(phase) ?? 0) + processCpuMs(server.pid) - before);
      const used = splitThreads(server.pid, threadsBefore, threadCpuMs(server.pid));
      const split = serverThreads.get(phase) ?? { main: 0, pool: 0, helpers: 0 };
      split.main += used.main;
      split.pool += used.pool;
      split.helpers += used.helpers;
      serverThreads.set(phase, split);
    };
    const regRatios: number[] = [];
    const loginRatios: number[] = [];
    // The registrations' e-mails leave after their answers (outbox). Each round waits until the
    // sink has them all before measuring logins, so a login phase measures logins; the server's
    // CPU while it waits is the e-mails' own cost, reported per e-mail.
    let drainCpuMs = 0;
    let drainWaitMs = 0;
    const drain = async () => {
      const before = processCpuMs(server.pid);
      const started = Date.now();
      while (smtp.received() < n && Date.now() - started < 60_000)
        await new Promise((r) => setTimeout(r, 50));
      drainWaitMs += Date.now() - started;
      drainCpuMs += processCpuMs(server.pid) - before;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const hashBefore = mark(hashes);
      await timed(hashes, async () => Boolean(await hashPassword(PASSWORD)));
      const regBefore = mark(regs4);
      await timed(regs4, register);
      regRatios.push(sliceRate(regs4, regBefore) / sliceRate(hashes, hashBefore));
      await timed(regs8, register);
      await drain();
      const verifyBefore = mark(verifies);
      await timed(verifies, () => verifyPassword(hash, PASSWORD));
      const loginBefore = mark(logins4);
      await timed(logins4, logIn);
      loginRatios.push(sliceRate(logins4, loginBefore) / sliceRate(verifies, verifyBefore));
      await timed(logins8, logIn);
    }
    for (const c of [...regClients, ...loginClients]) c.close();
    // Let the outbox sweep catch up so the sink's count says whether every e-mail left.
    await new Promise((r) => setTimeout(r, 5_000));

    console.log(`\nSésame outside benchmark — npm start on PostgreSQL, Node ${process.version}`);
    console.log(
      `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${PHASE_MS / 1000} s per phase in ${ROUNDS} slices, info logs to a file, SMTP sink\n`,
    );
    const perOp = (ms: number, p: Phase) => (ms / Math.max(1, p.ok + p.failed)).toFixed(1);
    printTable(
      [hashes, regs4, regs8, verifies, logins4, logins8].map((p) => ({
        phase: p.name,
        conc: String(p.concurrency),
        ok: String(p.ok),
        failed: String(p.failed),
        'per second': (p.ok / p.seconds).toFixed(1),
        'p50 ms': percentile(p.latencies, 50).toFixed(1),
        'p95 ms': percentile(p.latencies, 95).toFixed(1),
        'CPU ms/op': perOp(p.machineCpuMs, p),
        'bench process': perOp(p.processCpuMs, p),
        server: perOp(serverCpu.get(p) ?? Number.NaN, p),
        'its JS thread': perOp(serverThreads.get(p)?.main ?? Number.NaN, p),
        'its argon2 pool': perOp(serverThreads.get(p)?.pool ?? Number.NaN, p),
        'its V8 helpers': perOp(serverThreads.get(p)?.helpers ?? Number.NaN, p),
        PostgreSQL: perOp(databaseCpu.get(p) ?? Number.NaN, p),
        'WAL kB/op': perOp((walBytes.get(p) ?? Number.NaN) / 1024, p),
      })),
    );
    for (const p of [regs4, logins4]) {
      const roles = [...(databaseRoles.get(p) ?? [])].sort((a, b) => b[1] - a[1]);
      console.log(
        `PostgreSQL per ${p.name.split(' ').slice(0, 2).join(' ')} at ${p.concurrency}, by process: ${roles
          .map(([role, ms]) => `${role} ${perOp(ms, p)} ms`)
          .join(', ')}`,
      );
    }
    const rate = (p: Phase) => p.ok / p.seconds;
    const ratio = (p: Phase, of: Phase) => (rate(p) / rate(of)).toFixed(2);
    console.log(
      `\nregistrations / argon2 hashes = ${ratio(regs4, hashes)} at concurrency 4, ${ratio(regs8, hashes)} at 8 (slices at 4: ${spread(regRatios)})`,
    );
    console.log(
      `logins / argon2 verifications = ${ratio(logins4, verifies)} at concurrency 4, ${ratio(logins8, verifies)} at 8 (slices at 4: ${spread(loginRatios)})`,
    );
    console.log(`e-mails received by the SMTP sink: ${smtp.received()} (registrations: ${n})`);
    console.log(
      `sending them after the answers: ${(drainCpuMs / Math.max(1, n)).toFixed(1)} ms of server CPU per e-mail, ${(drainWaitMs / 1000).toFixed(1)} s of waiting in all`,
    );
    if ([regs4, regs8, logins4, logins8].some((p) => p.failed > 0)) {
      console.log('Some requests did not get the expected answer: the figures above are not trustworthy.');
      console.log(
        `server ${server.exitCode === null ? 'still running' : `exited with ${server.exitCode}`}; the end of its log:`,
      );
      console.log(readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n'));
    }
  } finally {
    // Before the database is dropped: a connection dropped under it emits an unhandled 'error'.
    await wal.end().catch(() => {});
    server.kill('SIGTERM');
    await new Promise<void>((r) => (server.exitCode !== null ? r() : server.once('exit', () => r())));
    await smtp.close();
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`drop database if exists ${BENCH_DB} with (force)`);
    await c.end();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
