import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/db/client.js';
import { recordEvent } from '../../src/db/repositories/events.js';
import { countAttempt } from '../../src/db/repositories/login-throttles.js';
import { getNetwork } from '../../src/db/repositories/network.js';
import { enqueueMail } from '../../src/db/repositories/outbox.js';
import { insertSession } from '../../src/db/repositories/sessions.js';
import { insertToken } from '../../src/db/repositories/tokens.js';
import { events, loginThrottles, outbox, sessions, tokens } from '../../src/db/schema.js';
import { DAY, HOUR, MINUTE } from '../../src/domain/clock.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import type { Sweep } from '../../src/jobs/sweeps.js';
import { renderMail } from '../../src/mail/layout.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { buildApp } from '../../src/web/app.js';
import { createMetrics, type Metrics } from '../../src/web/metrics.js';
import { addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { onPostgres } from '../helpers/database.js';

const START = '2026-11-23T09:00:00Z';
const log = pino({ level: 'silent' });

/** A sweep that writes one row per run and takes a while, so two runs would overlap. */
const countingSweep: Sweep = {
  name: 'essai-comptage',
  description: 'écrit une ligne par passage',
  intervalMs: HOUR,
  async run(ctx) {
    await recordEvent(ctx.db, {
      at: ctx.clock.now(),
      actor: { kind: 'system', label: 'Essai' },
      action: 'test_sweep_ran',
      subject: { kind: 'test', id: 'sweep' },
    });
    await new Promise((r) => setTimeout(r, 300));
    return { written: 1 };
  },
};

function mail(n: number) {
  return renderMail({
    template: 'essai',
    to: `usager${n}@exemple.fr`,
    subject: `Message d’essai n° ${n}`,
    networkName: 'Réseau d’essai',
    greeting: 'Bonjour,',
    paragraphs: ['Ceci est un essai.'],
  });
}

describe('scheduler', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => {
    await ctx?.close();
  });
  beforeEach(async () => {
    ctx.clock.set(START);
    await ctx.database.db.delete(outbox);
    await ctx.database.db.delete(events);
  });

  const schedulerOn = (
    database: Database,
    extra: { metrics?: Metrics; transport?: MailTransport | null } = {},
  ) =>
    createScheduler({
      database,
      clock: ctx.clock,
      config: ctx.config,
      log,
      transport: null,
      sweeps: [countingSweep],
      ...extra,
    });

  async function sweepRows(): Promise<number> {
    const rows = await ctx.database.db.select().from(events).where(eq(events.action, 'test_sweep_ran'));
    return rows.length;
  }

  it('runs a sweep once when it is started twice at the same time in one process, then again once free', async () => {
    const a = schedulerOn(ctx.database);
    const b = schedulerOn(ctx.database);
    const outcomes = await Promise.all([a.run('essai-comptage'), b.run('essai-comptage')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'skipped']);
    expect(outcomes.find((o) => o.status === 'done')).toEqual({ status: 'done', counts: { written: 1 } });
    expect(await sweepRows()).toBe(1);

    expect(await a.run('essai-comptage')).toMatchObject({ status: 'done' });
    expect(await b.run('essai-comptage')).toMatchObject({ status: 'done' });
    expect(await sweepRows()).toBe(3);
  });

  // Needs two connection pools: defined only on PostgreSQL (PGlite's in-process guard is tested above).
  if (onPostgres)
    describe('two instances on one PostgreSQL', () => {
      it('acts once when both start the same sweep, and the lock is released afterwards', async () => {
        const other = ctx.openAnother();
        const first = schedulerOn(ctx.database);
        const second = schedulerOn(other);
        const outcomes = await Promise.all([first.run('essai-comptage'), second.run('essai-comptage')]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'skipped']);
        expect(await sweepRows()).toBe(1);

        expect(await first.run('essai-comptage')).toMatchObject({ status: 'done' });
        expect(await second.run('essai-comptage')).toMatchObject({ status: 'done' });
        expect(await sweepRows()).toBe(3);

        // The advisory lock really is free: nobody holds it on the server any more.
        const held = await queryRows<{ n: number }>(
          ctx.database.db,
          sql`select count(*)::int as n from pg_locks
            where locktype = 'advisory' and granted
              and database = (select oid from pg_database where datname = current_database())`,
        );
        expect(held[0]!.n).toBe(0);
      });

      it('lets another instance run the sweep while the first is busy with a different one', async () => {
        const other = ctx.openAnother();
        const slowOther: Sweep = { ...countingSweep, name: 'essai-autre' };
        const first = createScheduler({
          database: ctx.database,
          clock: ctx.clock,
          config: ctx.config,
          log,
          transport: null,
          sweeps: [countingSweep, slowOther],
        });
        const second = createScheduler({
          database: other,
          clock: ctx.clock,
          config: ctx.config,
          log,
          transport: null,
          sweeps: [countingSweep, slowOther],
        });
        const outcomes = await Promise.all([first.run('essai-comptage'), second.run('essai-autre')]);
        expect(outcomes.map((o) => o.status)).toEqual(['done', 'done']);
        expect(await sweepRows()).toBe(2);
      });
    });

  it('reports a failing sweep as an error and frees its lock', async () => {
    let fail = true;
    const flaky: Sweep = {
      name: 'essai-panne',
      description: 'échoue une fois',
      intervalMs: HOUR,
      async run() {
        if (fail) {
          fail = false;
          throw new Error('panne simulée');
        }
        return { done: 1 };
      },
    };
    const s = createScheduler({
      database: ctx.database,
      clock: ctx.clock,
      config: ctx.config,
      log,
      sweeps: [flaky],
    });
    expect(await s.run('essai-panne')).toEqual({ status: 'error', error: 'panne simulée' });
    expect(await s.run('essai-panne')).toEqual({ status: 'done', counts: { done: 1 } });
    await expect(s.run('inconnu')).rejects.toThrow('unknown sweep');
  });

  it('purges expired sessions, stale links and old login counters, and a second run touches nothing', async () => {
    const staff = await addStaff(ctx, { identifier: 'agent-purge' });
    const { settings } = await getNetwork(ctx.database.db);
    const now = ctx.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms);
    const session = (id: string, createdAt: Date, lastSeenAt: Date) =>
      insertSession(ctx.database.db, {
        idHash: id,
        principalKind: 'staff',
        principalId: staff.id,
        createdAt,
        lastSeenAt,
        ip: null,
        userAgent: null,
      });
    await session('inactive', at(-2 * HOUR), at(-(settings.sessionIdleMinutes + 1) * MINUTE));
    await session('too-old', at(-(settings.sessionAbsoluteHours + 1) * HOUR), at(-MINUTE));
    await session('active', at(-10 * MINUTE), at(-MINUTE));
    const token = (hash: string, expiresAt: Date) =>
      insertToken(ctx.database.db, {
        hash,
        purpose: 'set_password',
        principalKind: 'staff',
        principalId: staff.id,
        createdAt: at(-30 * DAY),
        expiresAt,
      });
    await token('expired-long-ago', at(-8 * DAY));
    await token('expired-yesterday', at(-DAY));
    await token('valid', at(2 * DAY));
    await countAttempt(ctx.database.db, 'ip:198.51.100.1', at(-2 * DAY), at(-2 * DAY - 15 * MINUTE));
    await countAttempt(ctx.database.db, 'ip:198.51.100.2', at(-MINUTE), at(-16 * MINUTE));

    const s = createScheduler({
      database: ctx.database,
      clock: ctx.clock,
      config: ctx.config,
      log,
      transport: null,
    });
    expect(await s.run('purge-sessions')).toEqual({
      status: 'done',
      counts: { sessions: 2, tokens: 1, throttles: 1 },
    });
    const ids = async () => ({
      sessions: (await ctx.database.db.select().from(sessions)).map((r) => r.idHash).sort(),
      tokens: (await ctx.database.db.select().from(tokens)).map((r) => r.hash).sort(),
      throttles: (await ctx.database.db.select().from(loginThrottles)).map((r) => r.key).sort(),
    });
    const kept = await ids();
    expect(kept).toEqual({
      sessions: ['active'],
      tokens: ['expired-yesterday', 'valid'],
      throttles: ['ip:198.51.100.2'],
    });

    ctx.clock.advance(MINUTE);
    expect(await s.run('purge-sessions')).toEqual({
      status: 'done',
      counts: { sessions: 0, tokens: 0, throttles: 0 },
    });
    expect(await ids()).toEqual(kept);
  });

  it('leaves e-mails in the outbox when no SMTP server is configured', async () => {
    expect(ctx.config.smtpUrl).toBeUndefined();
    const id = await enqueueMail(ctx.database.db, mail(1), ctx.clock.now());
    // Explicitly without transport, and as in production: no SMTP_URL, transport left to the config.
    const explicit = createScheduler({
      database: ctx.database,
      clock: ctx.clock,
      config: ctx.config,
      log,
      transport: null,
    });
    const fromConfig = createScheduler({ database: ctx.database, clock: ctx.clock, config: ctx.config, log });
    for (const s of [explicit, fromConfig]) {
      ctx.clock.advance(HOUR);
      expect(await s.run('outbox')).toEqual({ status: 'done', counts: { sent: 0, retried: 0, failed: 0 } });
    }
    const [row] = await ctx.database.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: null, sentAt: null });
    await explicit.stop();
    await fromConfig.stop();
  });

  it('exposes sweep runs and outbox sizes on /metrics', async () => {
    const metrics = createMetrics(ctx.database.db);
    const app = await buildApp({ config: ctx.config, database: ctx.database, clock: ctx.clock, metrics });
    try {
      const sent: string[] = [];
      const transport: MailTransport = {
        async send(m) {
          sent.push(m.toAddress);
        },
        close() {},
      };
      const a = createScheduler({
        database: ctx.database,
        clock: ctx.clock,
        config: ctx.config,
        log,
        metrics,
        transport,
      });
      const b = createScheduler({
        database: ctx.database,
        clock: ctx.clock,
        config: ctx.config,
        log,
        metrics,
        sweeps: [countingSweep],
      });
      await enqueueMail(ctx.database.db, mail(1), ctx.clock.now());
      await enqueueMail(ctx.database.db, mail(2), ctx.clock.now());
      expect(await a.run('outbox')).toEqual({ status: 'done', counts: { sent: 2, retried: 0, failed: 0 } });
      expect(sent.sort()).toEqual(['usager1@exemple.fr', 'usager2@exemple.fr']);
      await enqueueMail(ctx.database.db, mail(3), new Date(ctx.clock.now().getTime() + HOUR));
      await a.run('purge-sessions');
      await Promise.all([b.run('essai-comptage'), b.run('essai-comptage')]);

      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE sesame_sweep_runs_total counter');
      expect(res.body).toContain('sesame_sweep_runs_total{sweep="outbox",result="done"} 1');
      expect(res.body).toContain('sesame_sweep_runs_total{sweep="purge-sessions",result="done"} 1');
      expect(res.body).toContain('sesame_sweep_runs_total{sweep="essai-comptage",result="done"} 1');
      expect(res.body).toContain('sesame_sweep_runs_total{sweep="essai-comptage",result="skipped"} 1');
      expect(res.body).toContain('# TYPE sesame_outbox_messages gauge');
      expect(res.body).toContain('sesame_outbox_messages{status="sent"} 2');
      expect(res.body).toContain('sesame_outbox_messages{status="pending"} 1');
      expect(res.body).toContain('sesame_outbox_messages{status="failed"} 0');
      // No personal data in the figures.
      expect(res.body).not.toContain('exemple.fr');
    } finally {
      await app.close();
    }
  });
});
