import type { FastifyInstance } from 'fastify';
import { setPatronResourceRight } from '../../../usecases/resources/patron-rights.js';
import type { RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { setFlash } from '../../render.js';

/**
 * Withdraw / restore one resource for one patron, from the record's "Ressources" tab. The use
 * case finds the patron within the actor's libraries: another library's patron is a 404.
 */
export async function patronResourceRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  for (const [path, withdrawn] of [
    ['retirer', true],
    ['retablir', false],
  ] as const)
    app.post<{ Params: { id: string; resourceId: string } }>(
      `/admin/usagers/:id/ressources/:resourceId/${path}`,
      async (request, reply) => {
        const actor = requireStaff(request, reply);
        if (!actor) return reply;
        const { patron, resource } = await setPatronResourceRight(deps, actor, {
          patronId: request.params.id,
          resourceId: request.params.resourceId,
          withdrawn,
        });
        setFlash(
          reply,
          'success',
          withdrawn
            ? `« ${resource.name} » est retirée à cet usager : il ne peut plus l’ouvrir.`
            : `« ${resource.name} » est rétablie pour cet usager.`,
        );
        return reply.redirect(`/admin/usagers/${patron.id}#ressources`, 303);
      },
    );
}
