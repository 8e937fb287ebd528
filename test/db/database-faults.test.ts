import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/db/client.js';
import type { Library } from '../../src/db/repositories/libraries.js';
import { getNetwork, updateNetwork } from '../../src/db/repositories/network.js';
import { enqueueMail, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { insertSession } from '../../src/db/repositories/sessions.js';
import { events, outbox, quotaUsage, tokens } from '../../src/db/schema.js';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { newSecretToken, sha256 } from '../../src/security/tokens.js';
import { exportPatrons } from '../../src/usecases/patrons/export-patrons.js';
import { SESSION_COOKIE } from '../../src/web/app.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { addActivePatrons } from '../helpers/bulk-patrons.js';
import { createTestDatabase, onPostgres } from '../helpers/database.js';
import { addPatron, staffActor } from '../helpers/decision-fixtures.js';
import { addResource } from '../helpers/resource-fixtures.js';
import { type SesameProcess, startSesame } from '../helpers/sesame-process.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

/**
 * Issue 14, item 1: PostgreSQL dropping Sésame's connections (a restart, a failover, an
 * administrator's pg_terminate_backend) never ends the process. Each test holds a connection at
 * one place where Sésame keeps one (a request, a transaction, a sweep's lock, a batch of
 * openings, an export), makes it wait on a table lock so the moment is certain, terminates every
 * backend of Sésame, and checks the answer, what was written, and that the next call works. An
 * 'error' event left unheard on a pg client would end node, which fails this test file.
 */

let ctx: TestContext;
/** Another client on the same database, under another application name: locks and kills. */
let watcher: pg.Client;
let library: Library;
let admin: Awaited<ReturnType<typeof addStaff>>;
let adminCookie: string;

async function sessionCookie(kind: 'staff' | 'patron', id: string): Promise<string> {
  const token = newSecretToken();
  const now = ctx.clock.now();
  await insertSession(ctx.database.db, {
    idHash: sha256(token),
    principalKind: kind,
    principalId: id,
    createdAt: now,
    lastSeenAt: now,
    ip: '203.0.113.1',
    userAgent: 'database-faults',
  });
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}`;
}

async function sameDatabaseUrl(): Promise<string> {
  const [row] = await queryRows<{ name: string }>(ctx.database.db, sql`select current_database() as name`);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${row!.name}`;
  return url.toString();
}

/** What an administrator does to a misbehaving application, or what a restart does to all. */
async function terminateSesame(): Promise<number> {
  const res = await watcher.query<{ n: number }>(
    `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
     where datname = current_database() and application_name = 'sesame' and pid <> pg_backend_pid()`,
  );
  return res.rows[0]!.n;
}

/** Waits until `count` statements of Sésame wait on a lock (bounded: fails rather than hangs). */
async function waitForLockWaits(count = 1): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const res = await watcher.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and application_name = 'sesame' and wait_event_type = 'Lock'`,
    );
    if (res.rows[0]!.n >= count) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${count} statements of Sésame waited on a lock`);
}

/** Holds an exclusive lock on a table from another connection until released. */
async function lockTable(table: string): Promise<{ release: () => Promise<void> }> {
  const locker = new pg.Client({ connectionString: await sameDatabaseUrl(), application_name: 'locker' });
  await locker.connect();
  await locker.query('begin');
  await locker.query(`lock table ${table} in access exclusive mode`);
  return {
    async release() {
      await locker.query('commit');
      await locker.end();
    },
  };
}

function expectServiceUnavailablePage(res: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}) {
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.headers['content-type']).toContain('text/html');
  expect(res.body).toContain('Service momentanément indisponible');
  expect(res.body).toContain('Réessayez dans quelques instants');
  expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/);
  expect(res.body).not.toContain('57P01');
}

describe('connection-loss errors', () => {
  it('are told apart from the others, through the causes drizzle wraps them in', () => {
    const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select 1'), { cause });
    const sqlState = (code: string) => Object.assign(new Error('x'), { code });
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '57014', 'ECONNREFUSED', 'ECONNRESET'])
      expect(isDatabaseUnavailable(wrapped(sqlState(code))), code).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(wrapped(new Error('timeout exceeded when trying to connect')))).toBe(true);
    for (const code of ['23505', '22P02', '40001', '42P01', 'FST_ERR_VALIDATION'])
      expect(isDatabaseUnavailable(wrapped(sqlState(code))), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

if (onPostgres)
  describe('PostgreSQL dropping Sésame’s connections', () => {
    beforeAll(async () => {
      ctx = await createTestApp();
      watcher = new pg.Client({ connectionString: await sameDatabaseUrl(), application_name: 'watcher' });
      await watcher.connect();
      library = await addLibrary(ctx);
      admin = await addStaff(ctx, { identifier: 'faults-admin', role: 'network_admin' });
      adminCookie = await sessionCookie('staff', admin.id);
    }, 60_000);
    afterAll(async () => {
      await watcher?.end().catch(() => {});
      await ctx?.close();
    });

    it('during a request: the French 503 page (JSON for JSON clients), then the next request works', async () => {
      const get = (accept?: string) =>
        ctx.app.inject({
          method: 'GET',
          url: '/admin/courriels',
          headers: { cookie: adminCookie, ...(accept ? { accept } : {}) },
        });
      const lock = await lockTable('outbox');
      const page = get();
      const json = get('application/json');
      await waitForLockWaits(2);
      expect(await terminateSesame()).toBeGreaterThanOrEqual(2);
      await lock.release();
      expectServiceUnavailablePage(await page);
      const answer = await json;
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({ error: 'Service momentanément indisponible' });

      const after = await get();
      expect(after.statusCode).toBe(200);
      expect(after.body).toContain('Courriels');
    });

    it('inside a transaction: 503, nothing half-written, and the same form then goes through', async () => {
      const send = async () => {
        const page = await ctx.app.inject({
          method: 'GET',
          url: '/mot-de-passe-oublie',
          remoteAddress: '203.0.113.7',
        });
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
        const cookie = page.cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; ');
        return ctx.app.inject({
          method: 'POST',
          url: '/mot-de-passe-oublie',
          remoteAddress: '203.0.113.7',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: csrf, login: admin.identifier }).toString(),
        });
      };
      const written = async () => ({
        tokens: (await ctx.database.db.select().from(tokens).where(eq(tokens.principalId, admin.id))).length,
        mails: (await ctx.database.db.select().from(outbox).where(eq(outbox.toAddress, admin.email))).length,
      });
      const before = await written();
      // The link is written first, then the e-mail, which waits: the transaction is open.
      const lock = await lockTable('outbox');
      const pending = send();
      await waitForLockWaits(1);
      await terminateSesame();
      await lock.release();
      expectServiceUnavailablePage(await pending);
      expect(await written()).toEqual(before);

      const again = await send();
      expect(again.statusCode).toBe(200);
      expect(await written()).toEqual({ tokens: before.tokens + 1, mails: before.mails + 1 });
    });

    it('during a sweep holding its lock: the run gives up, gives its claimed e-mails back at once, and the next run sends each once', async () => {
      await ctx.database.db.delete(outbox);
      const ids: number[] = [];
      for (let i = 1; i <= 6; i++)
        ids.push(
          await enqueueMail(
            ctx.database.db,
            {
              to: `usager${i}@exemple.fr`,
              subject: `Essai ${i}`,
              text: 't',
              html: '<p>t</p>',
              template: 'essai',
            },
            ctx.clock.now(),
          ),
        );
      const deliveries: number[] = [];
      let firstSend: () => void = () => {};
      const sending = new Promise<void>((resolve) => {
        firstSend = resolve;
      });
      let gate: Promise<void> | null = null;
      let openGate: () => void = () => {};
      const transport: MailTransport = {
        async send(m: OutboxRow) {
          if (deliveries.length === 0) {
            gate = new Promise<void>((resolve) => {
              openGate = resolve;
            });
            firstSend();
            await gate;
          }
          deliveries.push(m.id);
        },
        close() {},
      };
      const scheduler = createScheduler({
        database: ctx.database,
        clock: ctx.clock,
        config: ctx.config,
        log: ctx.app.log,
        transport,
      });
      const run = scheduler.run('outbox');
      // The first e-mail is at the SMTP server; its "sent" will wait on the outbox table.
      await sending;
      const lock = await lockTable('outbox');
      openGate();
      await waitForLockWaits(1);
      await terminateSesame();
      await lock.release();
      const outcome = await run;
      expect(outcome.status).toBe('error');

      // Nothing is left claimed: the e-mail handed over is recorded as sent, the others are
      // back in the queue with their attempt not counted, not held for the claim's minute.
      const rows = await ctx.database.db.select().from(outbox).orderBy(outbox.id);
      expect(rows.map((r) => r.status)).toEqual([
        'sent',
        'pending',
        'pending',
        'pending',
        'pending',
        'pending',
      ]);
      expect(rows.slice(1).every((r) => r.attempts === 0 && r.claimedUntil === null)).toBe(true);

      // The next tick: the lock is free again and the rest leave, each once.
      expect(await scheduler.run('outbox')).toEqual({
        status: 'done',
        counts: { sent: 5, retried: 0, failed: 0 },
      });
      expect([...deliveries].sort((a, b) => a - b)).toEqual(ids);
      await scheduler.stop();
    });

    it('during a batch of openings: the openings of the batch cut get the 503 page and count nothing, the others count once', async () => {
      const network = await getNetwork(ctx.database.db);
      await updateNetwork(ctx.database.db, { settings: { ...network.settings, quotaFilms: 4 } });
      const film = await addResource(ctx);
      const patrons = [];
      for (let i = 0; i < 4; i++)
        patrons.push(
          await addPatron(ctx, library.id, {
            state: 'active',
            activeUntil: '2027-11-22',
            pendingSince: null,
          }),
        );
      const cookies = await Promise.all(patrons.map((p) => sessionCookie('patron', p.id)));
      const open = (cookie: string) =>
        ctx.app.inject({
          method: 'GET',
          url: `/ressources/${film.id}/ouvrir?document=film-1`,
          headers: { cookie, 'sec-fetch-site': 'same-origin', referer: 'http://sesame.test/ressources' },
        });
      const counted = async () =>
        (await ctx.database.db.select().from(quotaUsage).where(eq(quotaUsage.category, 'films'))).reduce(
          (sum, r) => sum + r.used,
          0,
        );

      const lock = await lockTable('quota_usage');
      const pending = cookies.map(open);
      await waitForLockWaits(1);
      await terminateSesame();
      await lock.release();
      const answers = await Promise.all(pending);
      // The batch waiting on the lock when the connection went answers 503; a batch that left
      // after it finds the database back.
      const refused = answers.filter((r) => r.statusCode === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const res of refused) expectServiceUnavailablePage(res);
      expect(answers.every((r) => r.statusCode === 503 || r.statusCode === 303)).toBe(true);
      expect(await counted()).toBe(answers.length - refused.length);

      // Each refused patron opens again: counted now, once.
      for (const [i, res] of answers.entries())
        if (res.statusCode === 503) expect((await open(cookies[i]!)).statusCode).toBe(303);
      expect(await counted()).toBe(4);
    });

    it('during an export: cut before its first byte, the 503 page; cut half-way, a broken download recorded as interrupted', async () => {
      await addActivePatrons(ctx, library.id, 2500, 'export');
      const exportEvents = () =>
        ctx.database.db
          .select()
          .from(events)
          .where(and(eq(events.action, 'exported'), eq(events.subjectKind, 'export')))
          .orderBy(events.id);

      const lastEnded = async () => {
        let last = (await exportEvents()).at(-1)!;
        for (let i = 0; i < 100 && last.data.status === 'started'; i++) {
          await new Promise((r) => setTimeout(r, 20));
          last = (await exportEvents()).at(-1)!;
        }
        return last;
      };

      // Before the first row: the header line is out, so the download is cut, and the trace says so.
      let lock = await lockTable('patrons');
      const download1 = ctx.app
        .inject({
          method: 'GET',
          url: '/admin/usagers/export.csv?etat=actifs',
          headers: { cookie: adminCookie },
        })
        .then(
          (res) => res,
          (error: unknown) => error,
        );
      await waitForLockWaits(1);
      await terminateSesame();
      await lock.release();
      expect(await download1).toMatchObject({ code: 'LIGHT_ECONNRESET' });
      expect((await lastEnded()).data).toMatchObject({ status: 'interrupted', rows: 0, format: 'csv' });

      // Half-way: the rows of the first batch are out when the database goes.
      const { settings } = await getNetwork(ctx.database.db);
      const download = await exportPatrons(
        ctx.deps,
        staffActor(admin),
        { state: 'actifs', sort: 'nom', order: 'croissant' },
        settings,
        'csv',
      );
      const stream = download.stream;
      await new Promise<void>((resolve) => stream.once('readable', () => resolve()));
      lock = await lockTable('patrons');
      let received = '';
      const ended = new Promise<Error | null>((resolve) => {
        stream.on('data', (chunk) => {
          received += String(chunk);
        });
        stream.on('end', () => resolve(null));
        stream.on('error', (error) => resolve(error));
      });
      await waitForLockWaits(1);
      await terminateSesame();
      await lock.release();
      const error = await ended;
      expect(error).not.toBeNull();
      const lines = received.split('\r\n').length - 1;
      expect(lines).toBeGreaterThan(1);
      expect(lines).toBeLessThan(2501);
      const last = await lastEnded();
      expect(last.data.status).toBe('interrupted');
      expect(last.data.rows).toBeGreaterThanOrEqual(1000);
      expect(last.data.rows).toBeLessThan(2500);

      // And the next export goes through.
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/admin/usagers/export.csv?etat=actifs',
        headers: { cookie: adminCookie },
      });
      expect(res.statusCode).toBe(200);
    });

    it('while the database refuses connections: /readyz and pages say 503, and both recover when it is back', async () => {
      const [row] = await queryRows<{ name: string }>(
        ctx.database.db,
        sql`select current_database() as name`,
      );
      const name = row!.name;
      const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await server.connect();
      try {
        await server.query(`alter database ${name} allow_connections false`);
        await terminateSesame();
        const ready = await ctx.app.inject('/readyz');
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toMatchObject({ status: 'unavailable' });
        expectServiceUnavailablePage(
          await ctx.app.inject({ method: 'GET', url: '/admin/courriels', headers: { cookie: adminCookie } }),
        );
      } finally {
        await server.query(`alter database ${name} allow_connections true`);
        await server.end();
      }
      const back = await ctx.app.inject('/readyz');
      expect(back.statusCode).toBe(200);
      expect(back.json()).toMatchObject({ status: 'ready' });
    });

    it('cancels a statement that runs longer than the statement timeout, as a database outage', async () => {
      const quick = openDatabase({
        databaseUrl: await sameDatabaseUrl(),
        poolSize: 1,
        statementTimeoutMs: 200,
      });
      try {
        const error = await quick.db.execute(sql`select pg_sleep(5)`).catch((e: unknown) => e);
        expect(isDatabaseUnavailable(error)).toBe(true);
        expect(JSON.stringify((error as { cause?: { code?: string } }).cause?.code)).toBe('"57014"');
        // The connection is fine afterwards.
        expect(await queryRows(quick.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
      } finally {
        await quick.close();
      }
    });
  });

if (onPostgres)
  describe('the real server (npm start) on PostgreSQL', () => {
    it('survives its connections being terminated during the outbox sweep, says not ready then ready, and delivers every e-mail', async () => {
      const fresh = await createTestDatabase();
      const sink = await startSmtpSink({ delayMs: 150 });
      const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await server.connect();
      let sesame: SesameProcess | null = null;
      try {
        const name = new URL(fresh.url!).pathname.slice(1);
        const MAILS = 20;
        const now = new Date();
        for (let i = 1; i <= MAILS; i++)
          await enqueueMail(
            fresh.database.db,
            {
              to: `lecteur${i}@exemple.fr`,
              subject: `Essai ${i}`,
              text: 't',
              html: '<p>t</p>',
              template: 'essai',
            },
            now,
          );
        sesame = await startSesame({ DATABASE_URL: fresh.url!, SMTP_URL: sink.url });
        const running = sesame;
        const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 90_000) => {
          const end = Date.now() + ms;
          while (!(await check())) {
            if (!running.alive())
              throw new Error(`Sésame exited while waiting for ${what}:\n${running.output()}`);
            if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${running.output()}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        const readyz = () => fetch(`${running.baseUrl}/readyz`).then((r) => r.status);

        // The sweep is sending (slowly): its lock's connection and the pool's are all cut.
        await until('the first deliveries', () => sink.recipients.length >= 2);
        await server.query(`alter database ${name} allow_connections false`);
        const killed = await server.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
           where datname = $1 and application_name = 'sesame'`,
          [name],
        );
        expect(killed.rows[0]!.n).toBeGreaterThanOrEqual(1);
        // While the database refuses connections, the process stays up and says not ready.
        expect(await readyz()).toBe(503);
        await new Promise((r) => setTimeout(r, 1000));
        expect(running.alive()).toBe(true);
        await server.query(`alter database ${name} allow_connections true`);
        await until('/readyz to recover', async () => (await readyz()) === 200);

        // Every e-mail arrives; only the one in flight at the cut may arrive twice.
        await until('every e-mail', () => new Set(sink.recipients).size === MAILS, 120_000);
        // The relay's acceptance reaches the sink a moment before the outbox row is marked sent.
        const allSent = async () =>
          (await fresh.database.db.select().from(outbox)).every((r) => r.status === 'sent');
        await until('every e-mail marked sent', allSent, 120_000);
        expect(await allSent()).toBe(true);
        expect(sink.recipients.length - MAILS).toBeLessThanOrEqual(1);
        expect(running.alive()).toBe(true);
        expect(await running.stop()).toBe(0);
      } finally {
        await sesame?.stop();
        await server
          .query(`alter database ${new URL(fresh.url!).pathname.slice(1)} allow_connections true`)
          .catch(() => {});
        await server.end();
        await sink.close();
        await fresh.cleanup();
      }
    }, 300_000);
  });
