import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Library } from '../../../db/repositories/libraries.js';
import { QUEUE_ORDERS, QUEUE_SORTS, QUEUE_STATE_FILTERS } from '../../../domain/patron-queue.js';
import {
  loadPatronQueue,
  type QueueQuery,
  type QueueView,
  resolveQueueView,
} from '../../../usecases/patrons/patron-queue.js';
import type { RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';
import { PatronQueuePage } from '../../views/patron-queue/patron-queue-page.js';
import { QUEUE_TITLE, QUEUE_URL } from '../../views/patron-queue/queue-criteria.js';

/**
 * The query string, read leniently: a missing or wrong value (an old bookmark, a forged link)
 * falls back to its default instead of an error page.
 */
const queueQuery = z.object({
  bibliotheque: z.string().max(100).optional().catch(undefined),
  etat: z.enum(QUEUE_STATE_FILTERS).optional().catch(undefined),
  q: z
    .string()
    .transform((s) => s.trim().slice(0, 200))
    .optional()
    .catch(undefined),
  tri: z.enum(QUEUE_SORTS).optional().catch(undefined),
  ordre: z.enum(QUEUE_ORDERS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).optional().catch(undefined),
});

function parseQueueQuery(query: unknown): QueueQuery {
  return queueQuery.parse(query && typeof query === 'object' ? query : {});
}

/** The criteria of a request, within what the actor may see (a library outside it is ignored). */
export function readQueueView(query: unknown, libraries: readonly Library[]): QueueView {
  return resolveQueueView(parseQueueQuery(query), libraries);
}

export async function patronQueueRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(QUEUE_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const settings = request.network.settings;
    const data = await loadPatronQueue(deps, actor, parseQueueQuery(request.query), settings);
    return sendPage(request, reply, {
      title: QUEUE_TITLE,
      body: (ctx) => (
        <PatronQueuePage
          data={data}
          actor={actor}
          settings={settings}
          csrf={ctx.csrf}
          returnUrl={request.url}
        />
      ),
    });
  });
}
