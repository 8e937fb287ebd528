import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CAS_ATTRIBUTES,
  type CasAttribute,
  normaliseServicePrefix,
} from '../../../connectors/cas/protocol.js';
import type { StaffActor } from '../../../domain/actor.js';
import { SETTINGS } from '../../../domain/settings.js';
import { loadCasService, saveCasServiceConfig } from '../../../usecases/cas/cas-service-admin.js';
import type { RouteOptions } from '../../app.js';
import type { RefusedForm } from '../../form.js';
import { formRoute, idParam } from '../../form-route.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { CasServicePage, casServiceUrl } from '../../views/cas/cas-service-page.js';
import type { FormValues } from '../../views/components/forms.js';

/** A resource's entry in the CAS service registry (network administrators only). */

const { min: MIN_SECONDS, max: MAX_SECONDS } = SETTINGS.casTicketSeconds;

const casServiceSchema = z.object({
  enabled: z
    .string()
    .optional()
    .transform((v) => v === 'oui'),
  servicePrefix: z
    .string()
    .optional()
    .default('')
    .transform((v, ctx) => {
      if (v.length > 2000) {
        ctx.addIssue({ code: 'custom', message: 'L’adresse ne doit pas dépasser 2 000 caractères.' });
        return z.NEVER;
      }
      if (!v.trim()) {
        ctx.addIssue({ code: 'custom', message: 'Saisissez l’adresse du service du fournisseur.' });
        return z.NEVER;
      }
      const prefix = normaliseServicePrefix(v);
      if (!prefix) {
        ctx.addIssue({
          code: 'custom',
          message:
            'Saisissez une adresse complète en https, sans identifiant ni mot de passe, par exemple https://fournisseur.example/bibliotheque/.',
        });
        return z.NEVER;
      }
      return prefix;
    }),
  attributes: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v, ctx) => {
      const list = v === undefined ? [] : [v].flat();
      if (list.some((a) => !(CAS_ATTRIBUTES as readonly string[]).includes(a))) {
        ctx.addIssue({ code: 'custom', message: 'Choisissez les attributs dans la liste.' });
        return z.NEVER;
      }
      // Kept in the list's order, once each.
      return CAS_ATTRIBUTES.filter((a) => list.includes(a)) as CasAttribute[];
    }),
  ticketSeconds: z
    .string()
    .optional()
    .default('')
    .transform((v, ctx) => {
      const t = v.trim();
      if (!t) return null;
      const n = /^\d{1,4}$/.test(t) ? Number(t) : Number.NaN;
      if (!(n >= MIN_SECONDS && n <= MAX_SECONDS)) {
        ctx.addIssue({
          code: 'custom',
          message: `Saisissez un nombre de secondes entre ${MIN_SECONDS} et ${MAX_SECONDS}, ou laissez vide.`,
        });
        return z.NEVER;
      }
      return n;
    }),
});

export async function casAdminRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    refused?: RefusedForm,
  ) {
    const { resource, service } = await loadCasService(deps, actor, idParam(request));
    const values: FormValues = refused?.values ?? {
      enabled: !service || service.enabled ? 'oui' : '',
      servicePrefix: service?.servicePrefix ?? '',
      attributes: (service?.attributes ?? []).join(','),
      ticketSeconds: service?.ticketSeconds?.toString() ?? '',
    };
    return sendPage(request, reply, {
      title: `Connexion CAS — ${resource.name}`,
      status: refused?.status,
      body: (ctx) => (
        <CasServicePage
          csrf={ctx.csrf}
          resource={resource}
          baseUrl={deps.config.baseUrl}
          networkTicketSeconds={request.network.settings.casTicketSeconds}
          values={values}
          errors={refused?.errors}
        />
      ),
    });
  }

  formRoute(app, '/admin/ressources/:id/cas', {
    guard: requireAdmin,
    schema: casServiceSchema,
    page,
    submit: async (input, actor, request, reply) => {
      const { resource, changed } = await saveCasServiceConfig(deps, actor, idParam(request), input);
      setFlash(
        reply,
        changed.length ? 'success' : 'info',
        changed.length ? 'La connexion CAS est enregistrée.' : 'Aucune modification à enregistrer.',
      );
      return reply.redirect(casServiceUrl(resource.id), 303);
    },
  });
}
