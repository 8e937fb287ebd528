import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { getNetwork } from '../db/repositories/network.js';
import type { Clock } from '../domain/clock.js';
import { type MailTransport, smtpTransport } from '../mail/transport.js';
import type { Metrics } from '../web/metrics.js';
import { SWEEPS, type Sweep } from './sweeps.js';

export type SweepOutcome =
  | { status: 'done'; counts: Record<string, number> }
  | { status: 'skipped' }
  | { status: 'error'; error: string };

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  /** Runs one sweep now, under its lock (used by `jobs run` and tests). */
  run(name: string): Promise<SweepOutcome>;
}

/**
 * Runs every registered sweep on its interval. Each run holds an advisory lock named after
 * the sweep, so with several instances on one PostgreSQL only one acts at a time.
 */
export function createScheduler(options: {
  database: Database;
  clock: Clock;
  config: Config;
  metrics?: Metrics;
  log: FastifyBaseLogger;
  transport?: MailTransport | null;
  sweeps?: Sweep[];
}): Scheduler {
  const { database, clock, config, metrics, log } = options;
  const sweeps = options.sweeps ?? SWEEPS;
  let transport: MailTransport | null | undefined = options.transport;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  async function getTransport(): Promise<MailTransport | null> {
    if (transport !== undefined) return transport;
    if (!config.smtpUrl) {
      transport = null;
      return null;
    }
    const network = await getNetwork(database.db);
    transport = smtpTransport(config.smtpUrl, `"${network.name.replaceAll('"', '')}" <${network.email}>`);
    return transport;
  }

  async function run(name: string): Promise<SweepOutcome> {
    const sweep = sweeps.find((s) => s.name === name);
    if (!sweep) throw new Error(`unknown sweep ${name}`);
    try {
      const ctx = { db: database.db, clock, config, log, transport: await getTransport() };
      const result = await database.withTryLock(`sweep:${name}`, (signal) => sweep.run({ ...ctx, signal }));
      if (!result.acquired) {
        metrics?.sweepRuns.inc({ sweep: name, result: 'skipped' });
        return { status: 'skipped' };
      }
      metrics?.sweepRuns.inc({ sweep: name, result: 'done' });
      if (Object.values(result.value).some((n) => n > 0))
        log.info({ sweep: name, ...result.value }, 'sweep done');
      return { status: 'done', counts: result.value };
    } catch (error) {
      metrics?.sweepRuns.inc({ sweep: name, result: 'error' });
      log.error({ sweep: name, err: error }, 'sweep failed');
      return { status: 'error', error: error instanceof Error ? error.message : String(error) };
    }
  }

  function schedule(sweep: Sweep, delay: number) {
    if (stopped) return;
    const timer = setTimeout(async () => {
      timers.delete(timer);
      const p = run(sweep.name);
      running.add(p);
      await p;
      running.delete(p);
      schedule(sweep, sweep.intervalMs);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  return {
    start() {
      stopped = false;
      // Spread the first runs so instances started together do not all knock at once.
      for (const sweep of sweeps) schedule(sweep, 1_000 + Math.floor(Math.random() * 2_000));
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled(running);
      transport?.close();
    },
    run,
  };
}
