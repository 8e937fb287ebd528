import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findLibraryIls } from '../../../db/repositories/sip2.js';
import type { StaffActor } from '../../../domain/actor.js';
import { findLibraryForActor } from '../../../usecases/network/library-details.js';
import { saveLibraryIlsSettings } from '../../../usecases/sip2/save-library-ils.js';
import type { RouteOptions } from '../../app.js';
import type { RefusedForm } from '../../form.js';
import { formRoute, idParam } from '../../form-route.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import type { FormValues } from '../../views/components/forms.js';
import { LibraryIlsPage } from '../../views/libraries/library-ils-page.js';

const ilsForm = z.object({
  hote: z.string().max(1_000).optional().default(''),
  port: z.string().max(100).optional().default(''),
  tls: z.string().max(10).optional(),
  identifiant: z.string().max(1_000).optional().default(''),
  motdepasse: z.string().max(1_000).optional().default(''),
  localisation: z.string().max(1_000).optional().default(''),
  action: z.string().max(20).optional(),
});

/** /admin/bibliotheques/:id/sigb: a library's ILS address and SIP2 account (network administrators). */
export async function libraryIlsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    refused?: RefusedForm,
  ) {
    const library = await findLibraryForActor(deps, actor, idParam(request));
    const ils = await findLibraryIls(deps.db, library.id);
    const saved: FormValues = ils
      ? {
          hote: ils.host,
          port: String(ils.port),
          tls: ils.tls ? 'oui' : undefined,
          identifiant: ils.login,
          localisation: ils.location,
        }
      : { port: '6001' };
    return sendPage(request, reply, {
      title: `SIGB — ${library.name}`,
      status: refused?.status,
      body: (ctx) => (
        <LibraryIlsPage
          library={library}
          configured={Boolean(ils)}
          hasPassword={Boolean(ils?.password)}
          csrf={ctx.csrf}
          values={refused?.values ?? saved}
          errors={refused?.errors}
        />
      ),
    });
  }

  formRoute(app, '/admin/bibliotheques/:id/sigb', {
    guard: requireAdmin,
    schema: ilsForm,
    page,
    submit: async (data, actor, request, reply) => {
      const id = idParam(request);
      const clear = data.action === 'supprimer';
      await saveLibraryIlsSettings(
        deps,
        actor,
        id,
        clear
          ? null
          : {
              host: data.hote,
              port: data.port,
              tls: data.tls === 'oui',
              login: data.identifiant,
              password: data.motdepasse,
              location: data.localisation,
            },
      );
      setFlash(
        reply,
        'success',
        clear ? 'Le SIGB de la bibliothèque ne sera plus interrogé.' : 'Réglages du SIGB enregistrés.',
      );
      return reply.redirect(`/admin/bibliotheques/${id}/sigb`, 303);
    },
  });
}
