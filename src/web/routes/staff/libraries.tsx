import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StaffActor } from '../../../domain/actor.js';
import { DomainError } from '../../../domain/errors.js';
import { importSummary } from '../../../domain/library-csv.js';
import { importLibraries } from '../../../usecases/network/import-libraries.js';
import { findLibraryForActor, loadLibraryDetails } from '../../../usecases/network/library-details.js';
import { listLibraryPage } from '../../../usecases/network/library-list.js';
import {
  createLibrary,
  type LibraryFields,
  libraryFieldErrors,
  updateLibraryDetails,
} from '../../../usecases/network/save-library.js';
import { setLibraryActive } from '../../../usecases/network/set-library-active.js';
import type { RouteOptions } from '../../app.js';
import { readCsvUpload } from '../../csv-upload.js';
import { parseForm, submitForm } from '../../form.js';
import { formRoute } from '../../form-route.js';
import { requireAdmin, requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import {
  EXAMPLE_CSV,
  ImportLibrariesPage,
  type ImportState,
} from '../../views/libraries/import-libraries-page.js';
import { LIBRARIES_URL as LIST_URL } from '../../views/libraries/library-fields.js';
import { LibraryListPage } from '../../views/libraries/library-list-page.js';
import { LibraryPage } from '../../views/libraries/library-page.js';
import { NewLibraryPage } from '../../views/libraries/new-library-page.js';

/** Free text may be anything a person types; the use case's rules give the French messages. */
const text = z.string().max(1000, 'Ce texte est trop long.').optional().default('');
const withLibraryRules = <T extends Partial<Record<keyof LibraryFields, string>>>(
  v: T,
  ctx: z.RefinementCtx,
) => {
  const trimmed = Object.fromEntries(
    Object.entries(v).map(([k, s]) => [k, typeof s === 'string' ? s.trim() : s]),
  ) as Partial<LibraryFields>;
  for (const [path, message] of Object.entries(libraryFieldErrors(trimmed)))
    ctx.addIssue({ code: 'custom', path: [path], message });
};
const fullLibrarySchema = z
  .object({ code: text, name: text, town: text, email: text })
  .superRefine(withLibraryRules);
/** Library staff may change nothing but their notification e-mail: nothing else is even read. */
const emailOnlySchema = z.object({ email: text }).superRefine(withLibraryRules);

const listQuery = z.object({
  q: z
    .string()
    .transform((s) => s.trim().slice(0, 100))
    .catch(''),
  etat: z.enum(['actives', 'desactivees']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const isAdmin = (actor: StaffActor) => actor.role === 'network_admin';

function listTitle(actor: StaffActor): string {
  if (isAdmin(actor)) return 'Bibliothèques du réseau';
  return !actor.scope.all && actor.scope.libraryIds.length === 1 ? 'Ma bibliothèque' : 'Mes bibliothèques';
}

type PageState = { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string };

export async function libraryRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(LIST_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const query = listQuery.parse(request.query ?? {});
    const list = await listLibraryPage(deps, actor, query);
    const title = listTitle(actor);
    return sendPage(request, reply, {
      title,
      body: () => <LibraryListPage title={title} admin={isAdmin(actor)} query={query} list={list} />,
    });
  });

  // ---- Create -----------------------------------------------------------------------------

  formRoute(app, `${LIST_URL}/nouvelle`, {
    guard: requireAdmin,
    schema: fullLibrarySchema,
    page: (request, reply, _actor, refused) =>
      sendPage(request, reply, {
        title: 'Ajouter une bibliothèque',
        status: refused?.status,
        body: (ctx) => <NewLibraryPage csrf={ctx.csrf} values={refused?.values} errors={refused?.errors} />,
      }),
    submit: async (data, actor, _request, reply) => {
      const library = await createLibrary(deps, actor, data);
      setFlash(reply, 'success', `Bibliothèque « ${library.name} » ajoutée.`);
      return reply.redirect(`${LIST_URL}/${library.id}`, 303);
    },
  });

  // ---- Import -----------------------------------------------------------------------------

  const importPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: ImportState & { status?: number },
  ) =>
    sendPage(request, reply, {
      title: 'Importer des bibliothèques',
      status: state.status,
      body: (ctx) => <ImportLibrariesPage csrf={ctx.csrf} {...state} />,
    });

  app.get(`${LIST_URL}/import`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return importPage(request, reply, {});
  });

  app.get(`${LIST_URL}/import/modele.csv`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="modele-bibliotheques.csv"')
      .send(`\uFEFF${EXAMPLE_CSV}\r\n`);
  });

  app.post(`${LIST_URL}/import`, { config: { csrfInMultipart: true } }, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const upload = await readCsvUpload(request, reply);
    if (!upload.ok) return importPage(request, reply, upload);
    const result = await importLibraries(deps, actor, upload.content);
    if (!result.ok)
      return importPage(request, reply, {
        report: { filename: upload.filename, errors: result.errors },
        status: 400,
      });
    setFlash(reply, 'success', importSummary(result));
    return reply.redirect(LIST_URL, 303);
  });

  // ---- Details and edit -------------------------------------------------------------------

  async function libraryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    library: Awaited<ReturnType<typeof findLibraryForActor>>,
    state: PageState,
  ) {
    const details = await loadLibraryDetails(deps, library);
    return sendPage(request, reply, {
      title: library.name,
      status: state.status,
      body: (ctx) => <LibraryPage details={details} admin={isAdmin(actor)} csrf={ctx.csrf} {...state} />,
    });
  }

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const library = await findLibraryForActor(deps, actor, request.params.id);
    return libraryPage(request, reply, actor, library, {});
  });

  app.post<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    // Outside the scope the library does not exist, whatever the form says: check before reading it.
    const library = await findLibraryForActor(deps, actor, request.params.id);
    const form = parseForm(isAdmin(actor) ? fullLibrarySchema : emailOnlySchema, request.body);
    const values = { code: library.code, name: library.name, town: library.town, ...form.values };
    return submitForm(
      { ...form, values },
      async (data) => {
        const { library: saved, changed } = await updateLibraryDetails(deps, actor, library.id, data);
        setFlash(
          reply,
          changed.length ? 'success' : 'info',
          changed.length
            ? 'Modifications enregistrées.'
            : 'Aucune modification : les informations sont inchangées.',
        );
        return reply.redirect(`${LIST_URL}/${saved.id}`, 303);
      },
      (refused) => libraryPage(request, reply, actor, library, refused),
    );
  });

  for (const [path, active] of [
    ['desactiver', false],
    ['reactiver', true],
  ] as const)
    app.post<{ Params: { id: string } }>(`${LIST_URL}/:id/${path}`, async (request, reply) => {
      const actor = requireAdmin(request, reply);
      if (!actor) return reply;
      try {
        const library = await setLibraryActive(deps, actor, request.params.id, active);
        setFlash(
          reply,
          'success',
          active
            ? `Bibliothèque « ${library.name} » réactivée : elle apparaît de nouveau dans la liste publique.`
            : `Bibliothèque « ${library.name} » désactivée : elle n’apparaît plus dans la liste publique.`,
        );
        return reply.redirect(`${LIST_URL}/${library.id}`, 303);
      } catch (error) {
        if (error instanceof DomainError && error.status === 409) {
          setFlash(reply, 'info', error.message);
          return reply.redirect(`${LIST_URL}/${request.params.id}`, 303);
        }
        throw error;
      }
    });
}
