import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listOverdue } from '../../../usecases/patrons/list-overdue.js';
import type { RouteOptions } from '../../app.js';
import { requireAdmin } from '../../guards.js';
import { sendPage } from '../../render.js';
import { OVERDUE_TITLE, OVERDUE_URL, OverduePage } from '../../views/overdue/overdue-page.js';

const query = z.object({
  bibliotheque: z.string().uuid().optional().catch(undefined),
});

/**
 * "Demandes en retard" (SPEC §2 transition 5): requests waiting for their library beyond the
 * network's delay, per library, with what was done about each and the ways to act.
 */
export async function overdueRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(OVERDUE_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const list = await listOverdue(deps, actor, query.parse(request.query ?? {}));
    return sendPage(request, reply, {
      title: OVERDUE_TITLE,
      body: (ctx) => <OverduePage list={list} actorName={actor.name} csrf={ctx.csrf} />,
    });
  });
}
