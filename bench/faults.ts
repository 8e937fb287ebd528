/**
 * Faults benchmark (issue 14): a burst of self-registrations against `npm start` run as a
 * separate process on PostgreSQL, sending its e-mails to a real SMTP server, with a fault in
 * the middle of the burst:
 *   (a) every PostgreSQL backend of Sésame terminated (pg_terminate_backend), as a restart or a
 *       failover of the database does;
 *   (b) the server killed (kill -9), then started again on the same port and database.
 * It prints, per scenario: registrations answered OK, answers ≥ 500 (503 expected during the
 * outage, anything else is a bug), requests that got no answer, e-mails in the outbox, e-mails
 * received by the SMTP server, lost (in the outbox, never received: must be 0) and duplicated.
 *
 *   npx tsx bench/faults.ts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BENCH_REGISTRATIONS=200 npx tsx bench/faults.ts
 *
 * Each scenario runs on a throwaway database on DATABASE_URL's server (default the local
 * PostgreSQL), dropped at the end. After kill -9, the e-mails the dead process had claimed are
 * sent once their claim lapses (one minute): the scenario waits for them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { insertLibrary } from '../src/db/repositories/libraries.js';
import { getNetwork, updateNetwork } from '../src/db/repositories/network.js';
import { systemClock } from '../src/domain/clock.js';
import { SETTINGS } from '../src/domain/settings.js';
import { prepareDatabase } from '../src/startup.js';
import { freePort, type SesameProcess, startSesame } from '../test/helpers/sesame-process.js';
import { startSmtpSink } from '../test/helpers/smtp-sink.js';
import { Client } from './lib/http-bench.js';

const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BURST = Number(process.env.BENCH_REGISTRATIONS ?? 200);
const CONCURRENCY = 8;
/** A relay that takes a moment per e-mail, so that e-mails are in flight when the fault comes. */
const SMTP_DELAY_MS = 30;
const DRAIN_TIMEOUT_MS = 240_000;

interface Outcome {
  ok: number;
  status503: number;
  /** Answers ≥ 500 other than 503. */
  otherFailures: number;
  otherStatuses: Record<string, number>;
  noAnswer: number;
  outbox: number;
  outboxSent: number;
  received: number;
  lost: number;
  duplicated: number;
  okWithoutMail: number;
  burstSeconds: number;
  drainSeconds: number;
  processAlive: boolean;
}

async function throwawayDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `sesame_bench_faults_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function sql<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

async function runScenario(
  title: string,
  fault: (s: {
    current: () => SesameProcess;
    replace: (p: SesameProcess) => void;
    dbName: string;
    port: number;
    env: Record<string, string>;
  }) => Promise<void>,
  options: { pause?: boolean } = {},
): Promise<Outcome> {
  const db = await throwawayDatabase();
  const sink = await startSmtpSink({ delayMs: SMTP_DELAY_MS });
  let sesame: SesameProcess | null = null;
  try {
    // The database as an operator prepares it: migrated, one library, the per-address
    // registration limit raised (every request comes from 127.0.0.1).
    const config = loadConfig({ DATABASE_URL: db.url, SESAME_DEMO: 'false', LOG_LEVEL: 'silent' });
    const { database } = await prepareDatabase(config, systemClock);
    const { settings } = await getNetwork(database.db);
    await updateNetwork(database.db, {
      settings: { ...settings, loginIpPerQuarterHour: SETTINGS.loginIpPerQuarterHour.max },
    });
    const library = await insertLibrary(database.db, {
      code: 'F0001',
      name: 'Médiathèque des essais',
      town: 'Villefictive',
      email: 'mediatheque@exemple.fr',
    });
    await database.close();

    const port = await freePort();
    const env = { DATABASE_URL: db.url, SMTP_URL: sink.url };
    sesame = await startSesame(env, { port });
    const base = `http://127.0.0.1:${port}`;
    const clients = Array.from({ length: CONCURRENCY }, () => new Client(base));
    const tokens = await Promise.all(clients.map((c) => c.csrfToken('/inscription')));

    const outcome: Outcome = {
      ok: 0,
      status503: 0,
      otherFailures: 0,
      otherStatuses: {},
      noAnswer: 0,
      outbox: 0,
      outboxSent: 0,
      received: 0,
      lost: 0,
      duplicated: 0,
      okWithoutMail: 0,
      burstSeconds: 0,
      drainSeconds: 0,
      processAlive: true,
    };
    const okEmails: string[] = [];
    const run = randomBytes(3).toString('hex');
    let next = 0;
    let answered = 0;
    let paused: Promise<void> | null = null;
    let faultDone: Promise<void> | null = null;
    const started = performance.now();

    const worker = async (w: number) => {
      for (;;) {
        if (paused) await paused;
        const i = next++;
        if (i >= BURST) return;
        const id = `panne${run}${i}`;
        const email = `${id}@exemple.fr`;
        try {
          const res = await clients[w]!.post('/inscription', {
            _csrf: tokens[w]!,
            lastName: 'Lefèvre',
            firstName: 'Zoé',
            birthDate: '14/07/1990',
            email,
            identifier: id,
            password: 'Lecture-du-soir-2026',
            confirmation: 'Lecture-du-soir-2026',
            libraryId: library.id,
            newsletter: 'non',
            site_web: '',
          });
          if (res.status === 303 && (res.location ?? '').startsWith('/inscription/envoyee')) {
            outcome.ok++;
            okEmails.push(email);
          } else if (res.status === 503) outcome.status503++;
          else if (res.status >= 500) outcome.otherFailures++;
          else outcome.otherStatuses[res.status] = (outcome.otherStatuses[res.status] ?? 0) + 1;
        } catch {
          outcome.noAnswer++;
        }
        answered++;
        if (answered === Math.floor(BURST / 2) && !faultDone) {
          let resume: () => void = () => {};
          faultDone = fault({
            current: () => sesame!,
            replace: (p) => {
              sesame = p;
            },
            dbName: db.name,
            port,
            env,
          });
          // kill -9 pauses the burst until the restart (requests then would only be refused).
          if (options.pause !== false)
            paused = new Promise<void>((r) => {
              resume = r;
            });
          void faultDone.finally(() => {
            paused = null;
            resume();
          });
        }
      }
    };
    await Promise.all(clients.map((_, w) => worker(w)));
    if (faultDone) await faultDone;
    const burstEnded = performance.now();
    outcome.burstSeconds = (burstEnded - started) / 1000;

    // Every e-mail of the outbox leaves (after kill -9: once the dead process's claims lapse).
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const [row] = await sql<{ waiting: number }>(
        db.url,
        `select count(*)::int as waiting from outbox where status in ('pending', 'sending')`,
      );
      if (row!.waiting === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 500));
    outcome.drainSeconds = (performance.now() - burstEnded) / 1000;
    outcome.processAlive = sesame.alive();

    const mails = await sql<{ to_address: string; status: string }>(
      db.url,
      'select to_address, status from outbox',
    );
    outcome.outbox = mails.length;
    outcome.outboxSent = mails.filter((m) => m.status === 'sent').length;
    const received = new Map<string, number>();
    for (const r of sink.recipients) received.set(r, (received.get(r) ?? 0) + 1);
    outcome.received = sink.recipients.length;
    outcome.lost = mails.filter((m) => !received.has(m.to_address)).length;
    outcome.duplicated = [...received.values()].reduce((sum, n) => sum + (n - 1), 0);
    const inOutbox = new Set(mails.map((m) => m.to_address));
    outcome.okWithoutMail = okEmails.filter((e) => !inOutbox.has(e)).length;
    for (const c of clients) c.close();
    console.log(
      `${title}: burst ${outcome.burstSeconds.toFixed(1)} s, outbox empty ${outcome.drainSeconds.toFixed(1)} s later`,
    );
    return outcome;
  } finally {
    await sesame?.stop();
    await sink.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(
    `Burst of ${BURST} self-registrations, ${CONCURRENCY} at a time, against npm start on PostgreSQL ` +
      `(${new URL(SERVER_URL).host}), SMTP relay taking ${SMTP_DELAY_MS} ms per e-mail; fault after ${Math.floor(BURST / 2)} answers.\n`,
  );
  const results: Array<[string, Outcome]> = [];

  const terminate = async (dbName: string) => {
    const rows = await sql<{ n: number }>(
      SERVER_URL,
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
       where datname = $1 and application_name = 'sesame'`,
      [dbName],
    );
    return rows[0]!.n;
  };
  results.push([
    '(a) pg_terminate_backend',
    await runScenario('(a) pg_terminate_backend of every Sésame backend', async ({ dbName }) => {
      console.log(`  terminated ${await terminate(dbName)} backends`);
    }),
  ]);
  results.push([
    '(a′) same, 3 s refused',
    await runScenario(
      '(a′) the same, then connections refused for 3 s (a PostgreSQL restart)',
      async ({ dbName }) => {
        await sql(SERVER_URL, `alter database ${dbName} allow_connections false`);
        console.log(`  terminated ${await terminate(dbName)} backends, refusing connections for 3 s`);
        // The burst goes on meanwhile: this fault does not pause it.
        setTimeout(() => void sql(SERVER_URL, `alter database ${dbName} allow_connections true`), 3000);
      },
      { pause: false },
    ),
  ]);

  results.push([
    '(b) kill -9, restart',
    await runScenario(
      '(b) kill -9 of the server, then a restart',
      async ({ current, replace, port, env }) => {
        const victim = current();
        victim.child.kill('SIGKILL');
        await victim.exited();
        const restartedAt = performance.now();
        replace(await startSesame(env, { port }));
        console.log(
          `  killed, restarted and ready in ${((performance.now() - restartedAt) / 1000).toFixed(1)} s`,
        );
      },
    ),
  ]);

  const columns: Array<[string, (o: Outcome) => string | number]> = [
    ['registrations answered OK', (o) => o.ok],
    ['answered 503', (o) => o.status503],
    ['answered ≥ 500, not 503', (o) => o.otherFailures],
    ['other answers', (o) => JSON.stringify(o.otherStatuses)],
    ['no answer (connection lost)', (o) => o.noAnswer],
    ['answered OK, no e-mail written', (o) => o.okWithoutMail],
    ['e-mails in the outbox', (o) => o.outbox],
    ['  of which sent', (o) => o.outboxSent],
    ['e-mails received by the SMTP server', (o) => o.received],
    ['lost (outbox, never received)', (o) => o.lost],
    ['duplicated (received twice or more)', (o) => o.duplicated],
    ['server process alive at the end', (o) => (o.processAlive ? 'yes' : 'NO')],
    ['seconds of the burst', (o) => o.burstSeconds.toFixed(1)],
    ['then seconds until the outbox was empty', (o) => o.drainSeconds.toFixed(1)],
  ];
  console.log('');
  console.log(`${''.padEnd(38)}${results.map(([t]) => t.padStart(26)).join('')}`);
  for (const [label, value] of columns)
    console.log(`${label.padEnd(38)}${results.map(([, o]) => String(value(o)).padStart(26)).join('')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
