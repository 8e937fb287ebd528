import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../../domain/actor.js';
import { loadPatronRecord } from '../../../usecases/patrons/patron-record.js';
import type { AppDeps, RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { patronName } from '../../views/patrons/patron-display.js';
import { PatronRecordPage } from '../../views/patrons/patron-record-page.js';

/**
 * Sends the patron's record page. Exported so that a failed decision POST re-renders the same
 * page with its messages.
 */
export async function renderPatronRecord(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
  actor: StaffActor,
  patronId: string,
  options: { decision?: { values?: FormValues; errors?: FieldErrors }; status?: number } = {},
): Promise<FastifyReply> {
  const data = await loadPatronRecord(deps, actor, patronId);
  return sendPage(request, reply, {
    title: `${patronName(data.patron)} — usager`,
    status: options.status,
    body: (ctx) => <PatronRecordPage data={data} csrf={ctx.csrf} decision={options.decision} />,
  });
}

export async function patronRecordRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get<{ Params: { id: string } }>('/admin/usagers/:id', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    return renderPatronRecord(request, reply, deps, actor, request.params.id);
  });
}
