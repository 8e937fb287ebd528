import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type EventRow, eventsOf } from '../../../db/repositories/events.js';
import { findLibrary, type Library, listLibraries } from '../../../db/repositories/libraries.js';
import { listStaff } from '../../../db/repositories/staff.js';
import { ROLE_LABELS, type StaffActor } from '../../../domain/actor.js';
import { DomainError, notFound, ValidationError } from '../../../domain/errors.js';
import { formatDateTime } from '../../../domain/paris.js';
import { importLibraries } from '../../../usecases/network/import-libraries.js';
import {
  createLibrary,
  type LibraryFields,
  libraryFieldErrors,
  updateLibraryDetails,
} from '../../../usecases/network/save-library.js';
import { setLibraryActive } from '../../../usecases/network/set-library-active.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin, requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  FormActions,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';

const LIST_URL = '/admin/bibliotheques';
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

export const LIBRARY_FIELD_LABELS: Record<keyof LibraryFields, string> = {
  code: 'Code',
  name: 'Nom',
  town: 'Commune',
  email: 'Courriel de notification',
};

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
});

const isAdmin = (actor: StaffActor) => actor.role === 'network_admin';

export function LibraryStateBadge({ library }: { library: Pick<Library, 'active'> }) {
  return library.active ? (
    <p class="fr-badge fr-badge--sm fr-badge--success">Active</p>
  ) : (
    <p class="fr-badge fr-badge--sm fr-badge--error">Désactivée</p>
  );
}

const EVENT_LABELS: Record<string, string> = {
  library_created: 'Bibliothèque ajoutée',
  library_updated: 'Informations modifiées',
  library_deactivated: 'Bibliothèque désactivée',
  library_reactivated: 'Bibliothèque réactivée',
};

function eventDetails(e: EventRow): string {
  const data = e.data as { before?: Record<string, string>; after?: Record<string, string> };
  if (e.action !== 'library_updated' || !data.after) return '';
  return Object.entries(data.after)
    .map(([k, v]) => {
      const label = LIBRARY_FIELD_LABELS[k as keyof LibraryFields] ?? k;
      return `${label} : ${data.before?.[k] ?? '—'} → ${v}`;
    })
    .join(' ; ');
}

function History({ events }: { events: EventRow[] }) {
  if (events.length === 0) return <p>Aucune modification enregistrée.</p>;
  return (
    <DsfrTable class="fr-table--no-caption">
      <table>
        <caption>Historique de la bibliothèque</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Action</th>
            <th scope="col">Par</th>
            <th scope="col">Détail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>{formatDateTime(e.at)}</td>
              <td>{EVENT_LABELS[e.action] ?? e.action}</td>
              <td>{e.actorLabel}</td>
              <td>{eventDetails(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </DsfrTable>
  );
}

const EXAMPLE_CSV = [
  'code;nom;ville;courriel',
  '5210001;Médiathèque de Villefictive;Villefictive;mediatheque.villefictive@exemple.fr',
  '5210002;"Bibliothèque Jean-Exemple; annexe du Val";Val-sur-Exemple;bibliotheque.val@exemple.fr',
].join('\n');

export async function libraryRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // ---- List -------------------------------------------------------------------------------

  app.get(LIST_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const query = listQuery.parse(request.query ?? {});
    const libraries = await listLibraries(deps.db, actor.scope, {
      query: query.q,
      activeOnly: query.etat === 'actives',
      inactiveOnly: query.etat === 'desactivees',
    });
    const admin = isAdmin(actor);
    const filtered = Boolean(query.q || query.etat);
    const title = admin
      ? 'Bibliothèques du réseau'
      : !actor.scope.all && actor.scope.libraryIds.length === 1
        ? 'Ma bibliothèque'
        : 'Mes bibliothèques';
    return sendPage(request, reply, {
      title,
      body: () => (
        <>
          <Breadcrumb items={[{ href: '/admin', label: 'Tableau de bord' }, { label: title }]} />
          <h1>{title}</h1>
          {admin && (
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-2w">
              <li>
                <a class="fr-btn fr-icon-add-line" href={`${LIST_URL}/nouvelle`}>
                  Ajouter une bibliothèque
                </a>
              </li>
              <li>
                <a class="fr-btn fr-btn--secondary fr-icon-upload-line" href={`${LIST_URL}/import`}>
                  Importer un fichier CSV
                </a>
              </li>
            </ul>
          )}
          {admin && (
            <form method="get" action={LIST_URL} role="search" class="fr-mb-4w">
              <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                <div class="fr-col-12 fr-col-md-6">
                  <div class="fr-input-group">
                    <label class="fr-label" for="filtre-q">
                      Rechercher
                      <span class="fr-hint-text">Nom, commune ou début du code.</span>
                    </label>
                    <input class="fr-input" type="search" id="filtre-q" name="q" value={query.q} />
                  </div>
                </div>
                <div class="fr-col-12 fr-col-md-3">
                  <div class="fr-select-group">
                    <label class="fr-label" for="filtre-etat">
                      État
                    </label>
                    <select class="fr-select" id="filtre-etat" name="etat">
                      <option value="" selected={!query.etat}>
                        Toutes
                      </option>
                      <option value="actives" selected={query.etat === 'actives'}>
                        Actives
                      </option>
                      <option value="desactivees" selected={query.etat === 'desactivees'}>
                        Désactivées
                      </option>
                    </select>
                  </div>
                </div>
                <div class="fr-col-12 fr-col-md-3">
                  <ul class="fr-btns-group fr-btns-group--inline">
                    <li>
                      <button type="submit" class="fr-btn">
                        Filtrer
                      </button>
                    </li>
                    {filtered && (
                      <li>
                        <a class="fr-btn fr-btn--tertiary" href={LIST_URL}>
                          Tout afficher
                        </a>
                      </li>
                    )}
                  </ul>
                </div>
              </div>
            </form>
          )}
          <p role="status">
            {libraries.length === 0
              ? filtered
                ? 'Aucune bibliothèque ne correspond à ces critères.'
                : 'Aucune bibliothèque pour le moment.'
              : `${libraries.length} bibliothèque${libraries.length > 1 ? 's' : ''}`}
          </p>
          {libraries.length > 0 && (
            <DsfrTable>
              <table>
                <caption>{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    <th scope="col">Nom</th>
                    <th scope="col">Commune</th>
                    <th scope="col">Courriel de notification</th>
                    <th scope="col">État</th>
                  </tr>
                </thead>
                <tbody>
                  {libraries.map((l) => (
                    <tr>
                      <td>{l.code}</td>
                      <th scope="row">
                        <a href={`${LIST_URL}/${l.id}`}>{l.name}</a>
                      </th>
                      <td>{l.town}</td>
                      <td>{l.email}</td>
                      <td>
                        <LibraryStateBadge library={l} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </DsfrTable>
          )}
        </>
      ),
    });
  });

  // ---- Create -----------------------------------------------------------------------------

  function newLibraryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number },
  ) {
    return sendPage(request, reply, {
      title: 'Ajouter une bibliothèque',
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-8">
            <Breadcrumb
              items={[
                { href: '/admin', label: 'Tableau de bord' },
                { href: LIST_URL, label: 'Bibliothèques du réseau' },
                { label: 'Ajouter une bibliothèque' },
              ]}
            />
            <h1>Ajouter une bibliothèque</h1>
            <p class="fr-hint-text">Tous les champs sont obligatoires.</p>
            <ErrorSummary errors={state.errors} labels={LIBRARY_FIELD_LABELS} />
            <Form action={`${LIST_URL}/nouvelle`} csrf={ctx.csrf}>
              <LibraryFieldsInputs values={state.values} errors={state.errors} editable="all" />
              <FormActions submit="Ajouter la bibliothèque" cancelHref={LIST_URL} />
            </Form>
          </div>
        </div>
      ),
    });
  }

  app.get(`${LIST_URL}/nouvelle`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return newLibraryPage(request, reply, {});
  });

  app.post(`${LIST_URL}/nouvelle`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const form = parseForm(fullLibrarySchema, request.body);
    if (!form.ok) return newLibraryPage(request, reply, { ...form, status: 400 });
    try {
      const library = await createLibrary(deps, actor, form.data);
      setFlash(reply, 'success', `Bibliothèque « ${library.name} » ajoutée.`);
      return reply.redirect(`${LIST_URL}/${library.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return newLibraryPage(request, reply, {
          values: form.values,
          errors: error.fieldErrors,
          status: 400,
        });
      throw error;
    }
  });

  // ---- Import -----------------------------------------------------------------------------

  function importPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      fileError?: string;
      report?: { filename: string; errors: Array<{ line: number; message: string }> };
      status?: number;
    },
  ) {
    const { report, fileError } = state;
    return sendPage(request, reply, {
      title: 'Importer des bibliothèques',
      status: state.status,
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[
              { href: '/admin', label: 'Tableau de bord' },
              { href: LIST_URL, label: 'Bibliothèques du réseau' },
              { label: 'Importer un fichier CSV' },
            ]}
          />
          <h1>Importer des bibliothèques</h1>
          {report && (
            <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="erreurs" tabIndex={-1}>
              <h2 class="fr-alert__title">
                Le fichier n’a pas été importé :{' '}
                {report.errors.length === 1
                  ? 'une ligne est à corriger'
                  : `${report.errors.length} lignes sont à corriger`}
              </h2>
              <p>
                Aucune bibliothèque n’a été créée ni modifiée. Corrigez les lignes ci-dessous dans votre
                fichier puis importez-le à nouveau.
              </p>
            </div>
          )}
          {report && (
            <DsfrTable>
              <table>
                <caption>Lignes à corriger dans « {report.filename} »</caption>
                <thead>
                  <tr>
                    <th scope="col">Ligne</th>
                    <th scope="col">Problème</th>
                  </tr>
                </thead>
                <tbody>
                  {report.errors.map((e) => (
                    <tr>
                      <th scope="row">{e.line}</th>
                      <td>{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </DsfrTable>
          )}
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-lg-7">
              <p>
                Chaque ligne du fichier décrit une bibliothèque. Une bibliothèque dont le code existe déjà est
                mise à jour (nom, commune, courriel) ; les autres sont ajoutées. Aucune bibliothèque n’est
                supprimée ni désactivée par un import.
              </p>
              <p>
                Le fichier est importé en entier ou pas du tout : si une seule ligne comporte une erreur, rien
                n’est enregistré et la liste des lignes à corriger s’affiche.
              </p>
              {/* The multipart body is read by this route after the CSRF check: the token rides in the action. */}
              <Form
                action={`${LIST_URL}/import?_csrf=${encodeURIComponent(ctx.csrf)}`}
                csrf={ctx.csrf}
                enctype="multipart/form-data"
              >
                <div class={`fr-upload-group${fileError ? ' fr-upload-group--error' : ''}`}>
                  <label class="fr-label" for="champ-fichier">
                    Fichier CSV
                    <span class="fr-hint-text" id="champ-fichier-aide">
                      Taille maximale : 2 Mo. Format CSV encodé en UTF-8, séparateur « ; » ou « , ».
                    </span>
                  </label>
                  <input
                    class="fr-upload"
                    type="file"
                    id="champ-fichier"
                    name="fichier"
                    accept=".csv,text/csv"
                    required
                    aria-invalid={fileError ? 'true' : undefined}
                    aria-describedby={`champ-fichier-aide${fileError ? ' champ-fichier-message' : ''}`}
                  />
                  <div class="fr-messages-group" id="champ-fichier-message" aria-live="polite">
                    {fileError && <p class="fr-message fr-message--error">{fileError}</p>}
                  </div>
                </div>
                <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
                  <li>
                    <SubmitButton>Importer le fichier</SubmitButton>
                  </li>
                  <li>
                    <a class="fr-btn fr-btn--secondary" href={LIST_URL}>
                      Annuler
                    </a>
                  </li>
                </ul>
              </Form>
            </div>
            <div class="fr-col-12 fr-col-lg-5">
              <h2 class="fr-h4">Format attendu</h2>
              <p>La première ligne donne le nom des colonnes, dans n’importe quel ordre :</p>
              <ul>
                <li>
                  <code>code</code> : le code de la bibliothèque (lettres sans accent, chiffres, - et _) ;
                </li>
                <li>
                  <code>nom</code> : son nom ;
                </li>
                <li>
                  <code>ville</code> : sa commune ;
                </li>
                <li>
                  <code>courriel</code> : l’adresse qui reçoit les demandes des usagers.
                </li>
              </ul>
              <p>
                Dans Excel, choisissez « Enregistrer sous » puis le type « CSV UTF-8 ». Un champ qui contient
                le séparateur s’écrit entre guillemets.
              </p>
              <figure class="fr-m-0">
                <figcaption>Exemple :</figcaption>
                <pre class="sesame-pre fr-p-2w fr-background-alt--grey">{EXAMPLE_CSV}</pre>
              </figure>
              <p>
                <a
                  class="fr-link fr-icon-download-line fr-link--icon-left"
                  href={`${LIST_URL}/import/modele.csv`}
                  download
                >
                  Télécharger ce modèle (CSV, 1 ko)
                </a>
              </p>
            </div>
          </div>
        </>
      ),
    });
  }

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

  app.post(`${LIST_URL}/import`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const chooseFile = 'Choisissez le fichier CSV à importer.';
    if (!request.isMultipart()) return importPage(request, reply, { fileError: chooseFile, status: 400 });
    const part = await request.file({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
    if (!part) return importPage(request, reply, { fileError: chooseFile, status: 400 });
    let content: Buffer;
    try {
      content = await part.toBuffer();
    } catch (error) {
      if (error instanceof app.multipartErrors.RequestFileTooLargeError)
        return importPage(request, reply, {
          fileError: 'Le fichier dépasse la taille maximale de 2 Mo.',
          status: 413,
        });
      throw error;
    }
    if (!part.filename && content.length === 0)
      return importPage(request, reply, { fileError: chooseFile, status: 400 });
    // A workbook saved as .xlsx is a zip archive: say what to do rather than "not UTF-8".
    if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])))
      return importPage(request, reply, {
        fileError:
          'Ce fichier est un classeur Excel, pas un fichier CSV : dans Excel, choisissez « Enregistrer sous » puis le type « CSV UTF-8 ».',
        status: 400,
      });
    const result = await importLibraries(deps, actor, content);
    if (!result.ok)
      return importPage(request, reply, {
        report: { filename: part.filename || 'fichier', errors: result.errors },
        status: 400,
      });
    setFlash(
      reply,
      'success',
      `Import terminé : ${result.created} créée(s), ${result.updated} mise(s) à jour.`,
    );
    return reply.redirect(LIST_URL, 303);
  });

  // ---- Details and edit -------------------------------------------------------------------

  async function libraryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    library: Library,
    state: { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string },
  ) {
    const admin = isAdmin(actor);
    // The accounts attached to this library: a scope narrowed to it (the actor's own scope was checked).
    const staff = await listStaff(deps.db, { all: false, libraryIds: [library.id] });
    const history = await eventsOf(deps.db, { kind: 'library', id: library.id }, 50);
    const values: FormValues = state.values ?? {
      code: library.code,
      name: library.name,
      town: library.town,
      email: library.email,
    };
    const listLabel = admin ? 'Bibliothèques du réseau' : 'Mes bibliothèques';
    return sendPage(request, reply, {
      title: library.name,
      status: state.status,
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[
              { href: '/admin', label: 'Tableau de bord' },
              { href: LIST_URL, label: listLabel },
              { label: library.name },
            ]}
          />
          <h1>{library.name}</h1>
          <div class="fr-mb-3w">
            <LibraryStateBadge library={library} />
          </div>
          {state.notice && (
            <div class="fr-alert fr-alert--error fr-mb-4w" role="alert">
              <p>{state.notice}</p>
            </div>
          )}
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-8">
              <h2>Informations</h2>
              <ErrorSummary errors={state.errors} labels={LIBRARY_FIELD_LABELS} />
              {!admin && (
                <dl>
                  <dt>Code</dt>
                  <dd>{library.code}</dd>
                  <dt>Nom</dt>
                  <dd>{library.name}</dd>
                  <dt>Commune</dt>
                  <dd>{library.town}</dd>
                </dl>
              )}
              <Form action={`${LIST_URL}/${library.id}`} csrf={ctx.csrf}>
                <LibraryFieldsInputs
                  values={values}
                  errors={state.errors}
                  editable={admin ? 'all' : 'email'}
                />
                <SubmitButton>Enregistrer les modifications</SubmitButton>
              </Form>
              {!admin && (
                <p class="fr-text--sm fr-mt-2w">
                  Pour changer le nom, la commune ou le code de votre bibliothèque, écrivez à l’administration
                  du réseau.
                </p>
              )}
            </div>
            {admin && (
              <div class="fr-col-12 fr-col-md-4">
                <h2>{library.active ? 'Désactiver' : 'Réactiver'}</h2>
                {library.active ? (
                  <>
                    <p>
                      Une bibliothèque désactivée n’apparaît plus dans la liste publique des bibliothèques ni
                      parmi les choix offerts aux nouveaux usagers. Ses comptes, ses usagers et son historique
                      sont conservés.
                    </p>
                    <Form action={`${LIST_URL}/${library.id}/desactiver`} csrf={ctx.csrf}>
                      <SubmitButton secondary>Désactiver la bibliothèque</SubmitButton>
                    </Form>
                  </>
                ) : (
                  <>
                    <p>Cette bibliothèque est désactivée : elle n’apparaît pas dans la liste publique.</p>
                    <Form action={`${LIST_URL}/${library.id}/reactiver`} csrf={ctx.csrf}>
                      <SubmitButton>Réactiver la bibliothèque</SubmitButton>
                    </Form>
                  </>
                )}
              </div>
            )}
          </div>

          <h2 class="fr-mt-4w">Comptes du personnel</h2>
          {staff.length === 0 ? (
            <p>Aucun compte n’est rattaché à cette bibliothèque.</p>
          ) : (
            <DsfrTable>
              <table>
                <caption>Comptes rattachés à {library.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Identifiant</th>
                    <th scope="col">Nom</th>
                    <th scope="col">Courriel</th>
                    <th scope="col">Rôle</th>
                    <th scope="col">État</th>
                  </tr>
                </thead>
                <tbody>
                  {staff.map((s) => (
                    <tr>
                      <td>{admin ? <a href={`/admin/comptes/${s.id}`}>{s.identifier}</a> : s.identifier}</td>
                      <th scope="row">{s.name}</th>
                      <td>{s.email}</td>
                      <td>{ROLE_LABELS[s.role]}</td>
                      <td>
                        {s.disabledAt ? (
                          <p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>
                        ) : s.passwordHash ? (
                          <p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>
                        ) : (
                          <p class="fr-badge fr-badge--sm fr-badge--warning">Mot de passe jamais défini</p>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </DsfrTable>
          )}
          {admin && (
            <p>
              <a
                class="fr-link fr-icon-add-line fr-link--icon-left"
                href={`/admin/comptes/nouveau?bibliotheque=${library.id}`}
              >
                Créer un compte pour cette bibliothèque
              </a>
            </p>
          )}

          <h2 class="fr-mt-4w">Historique</h2>
          <History events={history} />
        </>
      ),
    });
  }

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const library = await findLibrary(deps.db, actor.scope, request.params.id);
    if (!library) throw notFound('Cette bibliothèque');
    return libraryPage(request, reply, actor, library, {});
  });

  app.post<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    // Outside the scope the library does not exist, whatever the form says: check before reading it.
    const library = await findLibrary(deps.db, actor.scope, request.params.id);
    if (!library) throw notFound('Cette bibliothèque');
    const form = parseForm(isAdmin(actor) ? fullLibrarySchema : emailOnlySchema, request.body);
    const values = { code: library.code, name: library.name, town: library.town, ...form.values };
    if (!form.ok)
      return libraryPage(request, reply, actor, library, { values, errors: form.errors, status: 400 });
    try {
      const { library: saved, changed } = await updateLibraryDetails(deps, actor, library.id, form.data);
      setFlash(
        reply,
        changed.length ? 'success' : 'info',
        changed.length
          ? 'Modifications enregistrées.'
          : 'Aucune modification : les informations sont inchangées.',
      );
      return reply.redirect(`${LIST_URL}/${saved.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return libraryPage(request, reply, actor, library, {
          values,
          errors: error.fieldErrors,
          status: 400,
        });
      throw error;
    }
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

/** The library's fields; library staff get the e-mail only (the rest is shown as text above). */
function LibraryFieldsInputs({
  values,
  errors,
  editable,
}: {
  values?: FormValues;
  errors?: FieldErrors;
  editable: 'all' | 'email';
}) {
  return (
    <>
      {editable === 'all' && (
        <>
          <TextInput
            name="code"
            label="Code"
            hint="Le code de la bibliothèque dans le réseau, par exemple 5210001 : lettres sans accent, chiffres, - et _."
            values={values}
            errors={errors}
            maxLength={20}
            spellcheck={false}
            required
          />
          <TextInput name="name" label="Nom" values={values} errors={errors} maxLength={200} required />
          <TextInput
            name="town"
            label="Commune"
            values={values}
            errors={errors}
            maxLength={120}
            autocomplete="address-level2"
            required
          />
        </>
      )}
      <TextInput
        name="email"
        type="email"
        label="Courriel de notification"
        hint="Reçoit les demandes d’inscription et de renouvellement des usagers. Format attendu : nom@domaine.fr."
        values={values}
        errors={errors}
        maxLength={254}
        autocomplete="off"
        spellcheck={false}
        required
      />
    </>
  );
}
