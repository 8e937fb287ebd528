import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StaffActor } from '../../../domain/actor.js';
import { parseDocumentLines, type ResourceInput, resourceErrors } from '../../../domain/resource-form.js';
import {
  AUDIENCES,
  CAP_PERIODS,
  CONNECTOR_KINDS,
  MN_PERSONAL_FIELDS,
  QUOTA_CATEGORIES,
  RESOURCE_KINDS,
} from '../../../domain/resources.js';
import {
  librariesForResourceForm,
  listCatalogForAdmin,
  loadResourceForAdmin,
} from '../../../usecases/resources/catalog-admin.js';
import {
  createResource,
  setResourceActive,
  updateResourceFromForm,
} from '../../../usecases/resources/save-resource.js';
import type { RouteOptions } from '../../app.js';
import { type FormResult, parseForm, submitForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { ADMIN_RESOURCES_URL, valuesOf } from '../../views/resources/resource-form.js';
import { ResourceListPage } from '../../views/resources/resource-list-page.js';
import {
  EditResourcePage,
  NEW_RESOURCE_VALUES,
  NewResourcePage,
} from '../../views/resources/resource-pages.js';

/** The network administrators' catalog: list with cap use, create, edit, activate/deactivate. */

const NEW_URL = `${ADMIN_RESOURCES_URL}/nouvelle`;

const numberFormat = new Intl.NumberFormat('fr-FR');

const text = (max: number) =>
  z
    .string()
    .max(max, `Ce texte ne doit pas dépasser ${numberFormat.format(max)} caractères.`)
    .optional()
    .default('');
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const optionalInt = (message: string) =>
  z
    .string()
    .optional()
    .default('')
    .transform((s, ctx) => {
      const t = s.replace(/[\s\u00a0\u202f]/g, '');
      if (!t) return null;
      if (!/^\d{1,9}$/.test(t)) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return Number(t);
    });

const resourceForm = z.object({
  name: text(500),
  provider: text(500),
  description: text(5000),
  kind: z.enum(RESOURCE_KINDS, 'Choisissez le type de ressource.'),
  category: z
    .union([z.literal(''), z.enum(QUOTA_CATEGORIES)], 'Choisissez une catégorie de la liste.')
    .optional()
    .default(''),
  audience: z.enum(AUDIENCES, 'Choisissez le public de la ressource.'),
  underTwelve: z.string().optional(),
  libraries: z.enum(['all', 'some'], 'Choisissez les bibliothèques abonnées.'),
  libraryIds: list,
  connector: z.enum(CONNECTOR_KINDS, 'Choisissez comment l’usager est transmis au fournisseur.'),
  urlTemplate: text(2000),
  secret: text(1000),
  linkMinutes: optionalInt('Saisissez une durée en minutes, un nombre entier.'),
  ssoId: text(500),
  loginUrl: text(2000),
  fields: list.pipe(z.array(z.enum(MN_PERSONAL_FIELDS, 'Cochez des données de la liste.'))),
  capPeriod: z
    .union([z.literal(''), z.enum(CAP_PERIODS)], 'Choisissez une période de la liste.')
    .optional()
    .default(''),
  capLimit: optionalInt(
    'Saisissez le nombre de consultations achetées, un nombre entier entre 1 et 10 000 000.',
  ),
  documents: text(100_000),
});

/** Field types first (Zod), then the catalog's rules; every message lands next to its field. */
function parseResourceForm(body: unknown, hasSecret: boolean): FormResult<ResourceInput> {
  const parsed = parseForm(resourceForm, body);
  const values = { ...parsed.values };
  // The shared key is never sent back to the page.
  delete values.secret;
  if (!parsed.ok) return { ok: false, errors: parsed.errors, values };
  const d = parsed.data;
  const docs = parseDocumentLines(d.documents);
  const input: ResourceInput = {
    name: d.name,
    provider: d.provider,
    description: d.description,
    kind: d.kind,
    category: d.category || null,
    audience: d.audience,
    underTwelve: d.underTwelve === 'oui',
    allLibraries: d.libraries === 'all',
    libraryIds: d.libraries === 'all' ? [] : d.libraryIds,
    connector: d.connector,
    urlTemplate: d.urlTemplate,
    secret: d.secret.trim(),
    linkMinutes: d.linkMinutes,
    ssoId: d.ssoId,
    loginUrl: d.loginUrl,
    fields: d.fields,
    capPeriod: d.capPeriod || null,
    capLimit: d.capLimit,
    documents: 'documents' in docs ? docs.documents : [],
  };
  const errors: FieldErrors = resourceErrors(input, { hasSecret });
  if ('error' in docs) errors.documents = docs.error;
  if (Object.keys(errors).length) return { ok: false, errors, values };
  return { ok: true, data: input, values };
}

type FormState = { values: FormValues; errors?: FieldErrors; status?: number };

export async function adminResourceRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(ADMIN_RESOURCES_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const lines = await listCatalogForAdmin(deps, actor);
    return sendPage(request, reply, {
      title: 'Catalogue des ressources',
      body: () => <ResourceListPage lines={lines} />,
    });
  });

  async function newPage(request: FastifyRequest, reply: FastifyReply, state: FormState) {
    const libraries = await librariesForResourceForm(deps);
    return sendPage(request, reply, {
      title: 'Ajouter une ressource',
      status: state.status,
      body: (ctx) => (
        <NewResourcePage csrf={ctx.csrf} libraries={libraries} values={state.values} errors={state.errors} />
      ),
    });
  }

  app.get(NEW_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return newPage(request, reply, { values: NEW_RESOURCE_VALUES });
  });

  app.post(NEW_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseResourceForm(request.body, false),
      async (input) => {
        const row = await createResource(deps, actor, input);
        setFlash(reply, 'success', `La ressource « ${row.name} » est ajoutée au catalogue.`);
        return reply.redirect(`${ADMIN_RESOURCES_URL}/${row.id}`, 303);
      },
      (refused) => newPage(request, reply, refused),
    );
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    id: string,
    state: Partial<FormState> = {},
  ) {
    const { resource, libraryIds, cap } = await loadResourceForAdmin(deps, actor, id);
    const libraries = await librariesForResourceForm(deps);
    return sendPage(request, reply, {
      title: `${resource.name} — catalogue`,
      status: state.status,
      body: (ctx) => (
        <EditResourcePage
          csrf={ctx.csrf}
          resource={resource}
          cap={cap}
          libraries={libraries}
          values={state.values ?? valuesOf(resource, libraryIds)}
          errors={state.errors}
        />
      ),
    });
  }

  app.get<{ Params: { id: string } }>(`${ADMIN_RESOURCES_URL}/:id`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return editPage(request, reply, actor, request.params.id);
  });

  app.post<{ Params: { id: string } }>(`${ADMIN_RESOURCES_URL}/:id`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const { resource } = await loadResourceForAdmin(deps, actor, request.params.id);
    const hasSecret = Boolean(resource.connectorConfig.secret) && resource.connector !== 'direct';
    return submitForm(
      parseResourceForm(request.body, hasSecret),
      async (input) => {
        const { changed } = await updateResourceFromForm(deps, actor, resource.id, input);
        setFlash(
          reply,
          changed.length ? 'success' : 'info',
          changed.length ? 'Les modifications sont enregistrées.' : 'Aucune modification à enregistrer.',
        );
        return reply.redirect(`${ADMIN_RESOURCES_URL}/${resource.id}`, 303);
      },
      (refused) => editPage(request, reply, actor, resource.id, refused),
    );
  });

  for (const [path, active] of [
    ['activer', true],
    ['desactiver', false],
  ] as const)
    app.post<{ Params: { id: string } }>(`${ADMIN_RESOURCES_URL}/:id/${path}`, async (request, reply) => {
      const actor = requireAdmin(request, reply);
      if (!actor) return reply;
      const row = await setResourceActive(deps, actor, request.params.id, active);
      setFlash(
        reply,
        'success',
        active
          ? `La ressource « ${row.name} » est de nouveau proposée.`
          : `La ressource « ${row.name} » est désactivée : elle n’est plus proposée aux usagers.`,
      );
      return reply.redirect(`${ADMIN_RESOURCES_URL}/${row.id}`, 303);
    });
}
