import { availableParallelism, cpus } from 'node:os';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { type Database, queryRows } from '../src/db/client.js';
import { ManualClock } from '../src/domain/clock.js';
import { addDays } from '../src/domain/patron-lifecycle.js';
import { parisMidnight, parisToday } from '../src/domain/renewal-rules.js';
import { SWEEPS, type SweepContext } from '../src/jobs/sweeps.js';
import { ensureNetwork } from '../src/usecases/network/bootstrap.js';
import { generatePatrons } from './generate-patrons.js';
import { openThrowaway } from './lib/throwaway-db.js';

const BENCH_DB = 'sesame_bench_sweeps';
const DAILY = [
  'renewal-reminders',
  'expiries',
  'retention',
  'lapse-unconfirmed',
  'confirmation-reminders',
  'overdue-requests',
];

/** Patrons seeded per statement of the history: see generateHistory. */
const HISTORY_BATCH = 10_000;

/**
 * What a year of use leaves behind each patron: their registration (labelled with their name),
 * the library's decision with the message sent, and that e-mail in the outbox.
 *
 * Written 10 000 patrons per statement, as the application writes (sweeps by 500, one request at
 * a time): each event folds into the statistics' monthly rows through the events trigger, and a
 * row updated again and again inside one transaction keeps every version until it commits, so a
 * million events in one statement would walk ever longer chains of versions of the network's
 * monthly rows (it ran for more than 15 minutes without ending).
 */
async function generateHistory(db: Database['db']): Promise<{ events: number; mails: number }> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const [range] = await queryRows<{ last: string | null }>(
      db,
      sql`select id::text as last from (
            select id from patrons where id > ${after}::uuid order by id limit ${HISTORY_BATCH}) b
          order by id desc limit 1`,
    );
    if (!range?.last) break;
    const batch = sql`id > ${after}::uuid and id <= ${range.last}::uuid and anonymised_at is null`;
    await db.execute(sql`
      insert into events (at, actor_kind, actor_id, actor_label, action, subject_kind, subject_id, data)
      select registered_at, 'patron', id, first_name || ' ' || last_name || ' (' || identifier || ')',
             'registered', 'patron', id::text,
             jsonb_build_object('channel', channel, 'libraryId', library_id)
      from patrons where ${batch}`);
    await db.execute(sql`
      insert into events (at, actor_kind, actor_id, actor_label, action, subject_kind, subject_id, data)
      select decided_at, 'staff', null, 'Agent de la bibliothèque (agent)',
             case when decision = 'accepted' then 'accepted' else 'refused' end, 'patron', id::text,
             jsonb_build_object(
               'template', coalesce(refusal_reason, 'accept'),
               'subject', 'Votre compte NuMos',
               'message', 'Bonjour ' || first_name || ' ' || last_name || E',\n\nIdentifiant : ' || identifier,
               'checks', jsonb_build_object('membre', true, 'naissance', true),
               'activeUntil', active_until)
      from patrons where decided_at is not null and ${batch}`);
    after = range.last;
    process.stdout.write(`\r  history… up to patron ${after.slice(0, 8)}`);
  }
  await db.execute(sql`
    insert into outbox (to_address, subject, text, html, template, status, attempts, not_before,
                        patron_id, created_at, sent_at)
    select email, 'Votre compte NuMos',
           'Bonjour ' || first_name || ' ' || last_name || E',\n\nIdentifiant : ' || identifier,
           '<p>Bonjour ' || first_name || ' ' || last_name || '</p>',
           'decision_' || coalesce(refusal_reason, 'accept'), 'sent', 1, decided_at, id, decided_at, decided_at
    from patrons where decided_at is not null and anonymised_at is null`);
  const [counts] = await queryRows<{ events: number; mails: number }>(
    db,
    sql`select (select count(*)::int from events) as events, (select count(*)::int from outbox) as mails`,
  );
  return counts!;
}

/** 06:00 in Paris on the given day. */
function morning(isoDay: string): Date {
  return new Date(parisMidnight(isoDay).getTime() + 6 * 3_600_000);
}

async function runDaily(ctx: SweepContext, title: string): Promise<{ total: number; rows: number }> {
  console.log(`\n${title} — clock ${ctx.clock.now().toISOString()}`);
  let total = 0;
  let rows = 0;
  for (const name of DAILY) {
    const sweep = SWEEPS.find((s) => s.name === name);
    if (!sweep) throw new Error(`unknown sweep ${name}`);
    const t = performance.now();
    const counts = await sweep.run(ctx);
    const ms = performance.now() - t;
    total += ms;
    const touched = Object.values(counts).reduce((a, b) => a + b, 0);
    rows += touched;
    const detail = Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`  ${name.padEnd(24)} ${(ms / 1000).toFixed(2).padStart(7)} s   ${detail}`);
  }
  console.log(`  ${'total'.padEnd(24)} ${(total / 1000).toFixed(2).padStart(7)} s   ${rows} rows touched`);
  return { total, rows };
}

async function main(): Promise<void> {
  const onPostgres = Boolean(process.env.DATABASE_URL);
  const count = Number(process.env.BENCH_PATRONS ?? (onPostgres ? 1_000_000 : 100_000));
  const withHistory = process.env.BENCH_HISTORY !== '0';
  // Seeding a million patrons' history in a few statements runs past the app's statement timeout
  // now that the events trigger also folds the statistics rollups; the sweeps report their own time.
  const { database, label, cleanup } = await openThrowaway(BENCH_DB, { statementTimeoutMs: 30 * 60_000 });
  try {
    const db = database.db;
    await database.migrate();
    await ensureNetwork({ db }, 'numos');
    const dayD = parisToday(new Date());
    const clock = new ManualClock(morning(dayD));
    console.log(`Sésame daily sweeps benchmark — ${label}`);
    console.log(`Node ${process.version}, ${availableParallelism()} CPU (${cpus()[0]?.model ?? '?'})`);

    let started = performance.now();
    const data = await generatePatrons(db, {
      count,
      libraries: 150,
      now: clock.now(),
      onProgress: (done) => process.stdout.write(`\r  generating… ${done} / ${count}`),
    });
    const history = withHistory ? await generateHistory(db) : { events: 0, mails: 0 };
    const generated = (performance.now() - started) / 1000;
    started = performance.now();
    for (const t of ['patrons', 'events', 'outbox', 'tokens', 'libraries'])
      await db.execute(sql.raw(`vacuum analyze ${t}`));
    const analysed = (performance.now() - started) / 1000;
    const states = await queryRows<{ state: string; n: number }>(
      db,
      sql`select state, count(*)::int as n from patrons group by 1 order by 2 desc`,
    );
    console.log(
      `\r  ${data.patrons} patrons over ${data.libraryIds.length} libraries, ${history.events} events, ` +
        `${history.mails} e-mails in ${generated.toFixed(1)} s (+ VACUUM ANALYZE ${analysed.toFixed(1)} s)`,
    );
    console.log(`  states: ${states.map((s) => `${s.state} ${s.n}`).join(', ')}`);

    const config = loadConfig({
      BASE_URL: 'https://sesame.example',
      LOG_LEVEL: 'silent',
      SESAME_DEMO: 'false',
      SESAME_SCHEDULER: 'false',
    });
    // None of the daily sweeps logs; the outbox sweep (the only one using a transport) is not run.
    const log = { info() {}, warn() {}, error() {}, debug() {} } as unknown as SweepContext['log'];
    const ctx: SweepContext = { db, clock, config, log, transport: null };

    await runDaily(ctx, `1. catch-up on D = ${dayD} (the generated backlog, never swept)`);
    clock.set(morning(addDays(dayD, 1)));
    await db.execute(sql`vacuum analyze patrons`);
    const daily = await runDaily(ctx, `2. daily run on D+1 = ${addDays(dayD, 1)}`);
    const again = await runDaily(ctx, '3. same day again');
    const [outbox] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from outbox where status = 'pending'`,
    );
    console.log(
      `\ndaily run ${(daily.total / 1000).toFixed(2)} s for ${daily.rows} rows (target < 60 s); ` +
        `second run ${(again.total / 1000).toFixed(2)} s, ${again.rows} rows touched; ` +
        `${outbox?.n} e-mails waiting in the outbox`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
