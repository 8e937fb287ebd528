import { timingSafeEqual } from 'node:crypto';
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

  // Route names, volumes and error counts help an attacker: with METRICS_TOKEN set, only the
  // monitoring that knows the token reads them.
  const expected = deps.config.metricsToken ? Buffer.from(`Bearer ${deps.config.metricsToken}`) : null;
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .header('cache-control', 'no-store')
          .send({ status: 'unauthorized' });
    }
    const body = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(body);
  });
}
