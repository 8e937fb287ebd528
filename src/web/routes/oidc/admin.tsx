import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OIDC_CLAIM_FIELDS } from '../../../connectors/oidc/claims.js';
import { OIDC_PATH } from '../../../connectors/oidc/provider.js';
import type { StaffActor } from '../../../domain/actor.js';
import { loadOidcClients, registerOidcClient, revokeOidcClientOf } from '../../../usecases/oidc/clients.js';
import type { AppDeps } from '../../app.js';
import type { RefusedForm } from '../../form.js';
import { formRoute, idParam } from '../../form-route.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { OidcClientsPage, oidcClientsUrl } from '../../views/oidc/clients-page.js';

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const clientForm = z.object({
  name: z.string().max(200, 'Ce nom ne doit pas dépasser 200 caractères.').optional().default(''),
  redirectUris: z
    .string()
    .max(5000, 'Ces adresses ne doivent pas dépasser 5 000 caractères.')
    .optional()
    .default('')
    .transform((s) =>
      s
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  claims: list.pipe(z.array(z.enum(OIDC_CLAIM_FIELDS, 'Cochez des informations de la liste.'))),
});

const revokeForm = z.object({ clientId: z.string().max(200).optional().default('') });

/** Network administrators register OpenID Connect clients per resource (/admin/ressources/:id/oidc). */
export async function oidcAdminRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const issuer = `${deps.config.baseUrl}${OIDC_PATH}`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    refused?: RefusedForm,
    /** The client just registered: its secret is shown in this answer only. */
    created?: { clientId: string; secret: string },
  ) {
    const { resource, clients } = await loadOidcClients(deps, actor, idParam(request));
    return sendPage(request, reply, {
      title: `OpenID Connect — ${resource.name}`,
      status: refused?.status,
      body: (ctx) => (
        <OidcClientsPage
          csrf={ctx.csrf}
          issuer={issuer}
          resource={resource}
          clients={clients}
          values={refused?.values ?? {}}
          errors={refused?.errors}
          created={created}
        />
      ),
    });
  }

  formRoute(app, '/admin/ressources/:id/oidc', {
    guard: requireAdmin,
    schema: clientForm,
    page,
    submit: async (input, actor, request, reply) => {
      const { client, secret } = await registerOidcClient(deps, actor, idParam(request), input);
      // The secret is shown in this answer only, never stored nor sent again.
      return page(request, reply, actor, undefined, { clientId: client.clientId, secret });
    },
  });

  app.post<{ Params: { id: string } }>('/admin/ressources/:id/oidc/revoquer', async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const parsed = revokeForm.safeParse(request.body ?? {});
    const clientId = parsed.success ? parsed.data.clientId : '';
    const { resource, revoked } = await revokeOidcClientOf(deps, actor, request.params.id, clientId);
    if (revoked) setFlash(reply, 'success', 'Le client est révoqué : il ne reçoit plus de code ni de jeton.');
    else setFlash(reply, 'error', 'Ce client n’existe pas ou est déjà révoqué : rien n’a changé.');
    return reply.redirect(oidcClientsUrl(resource.id), 303);
  });
}
