import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { outboxCounts } from '../db/repositories/outbox.js';

/** One registry per app instance (tests build many apps in one process). */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  sweepRuns: Counter<'sweep' | 'result'>;
}

export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'sesame_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sweepRuns = new Counter({
    name: 'sesame_sweep_runs_total',
    help: 'Sweep runs by name and result (done, skipped: another instance held the lock, error)',
    labelNames: ['sweep', 'result'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sesame_outbox_messages',
    help: 'E-mails in the outbox by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await outboxCounts(db);
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  return { registry, httpDuration, sweepRuns };
}
