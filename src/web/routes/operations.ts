import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../app.js';

/** Probes for the load balancer and the monitoring. They carry no personal data. */
export async function operationsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/healthz', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await deps.db.execute(sql`select 1`);
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
    if (!(await deps.database.migrationsApplied()))
      return reply.status(503).send({ status: 'unavailable', database: 'migrations pending' });
    return reply.send({ status: 'ready', database: 'ok', migrations: 'applied' });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(body);
  });
}
