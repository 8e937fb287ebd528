import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { listLibraries } from '../../../db/repositories/libraries.js';
import type { ResourceRow } from '../../../db/repositories/resources.js';
import type { StaffActor } from '../../../domain/actor.js';
import { ValidationError } from '../../../domain/errors.js';
import {
  formatDocumentLines,
  parseDocumentLines,
  type ResourceInput,
  resourceErrors,
} from '../../../domain/resource-form.js';
import {
  AUDIENCE_LABELS,
  AUDIENCES,
  CAP_PERIOD_LABELS,
  CAP_PERIODS,
  CATEGORY_LABELS,
  CONNECTOR_KINDS,
  CONNECTOR_LABELS,
  KIND_BADGES,
  KIND_LABELS,
  MN_FIELD_LABELS,
  MN_PERSONAL_FIELDS,
  QUOTA_CATEGORIES,
  RESOURCE_KINDS,
} from '../../../domain/resources.js';
import { listCatalogForAdmin, loadResourceForAdmin } from '../../../usecases/resources/catalog-admin.js';
import {
  createResource,
  setResourceActive,
  updateResourceFromForm,
} from '../../../usecases/resources/save-resource.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  RadioGroup,
  Select,
  SubmitButton,
  TextArea,
  TextInput,
} from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';
import { CapBadge, CapUseText } from '../../views/network/cap-use.js';

/** The network administrators' catalog: list with cap use, create, edit, activate/deactivate. */

export const ADMIN_RESOURCES_URL = '/admin/ressources';
const NEW_URL = `${ADMIN_RESOURCES_URL}/nouvelle`;

const numberFormat = new Intl.NumberFormat('fr-FR');

const FIELD_LABELS: Record<string, string> = {
  name: 'Nom',
  provider: 'Fournisseur',
  description: 'Description',
  kind: 'Type de ressource',
  category: 'Catégorie de quota',
  audience: 'Public',
  libraries: 'Bibliothèques abonnées',
  libraryIds: 'Bibliothèques abonnées',
  connector: 'Accès au fournisseur',
  urlTemplate: 'Adresse du fournisseur',
  secret: 'Clé partagée',
  linkMinutes: 'Validité du lien',
  ssoId: 'Identifiant sso_id',
  loginUrl: 'Adresse sso_login',
  fields: 'Données personnelles transmises',
  capPeriod: 'Plafond réseau',
  capLimit: 'Consultations achetées',
  documents: 'Documents proposés',
};

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

type ParsedForm =
  | { ok: true; input: ResourceInput; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues };

/** Field types first (Zod), then the catalog's rules; every message lands next to its field. */
function parseResourceForm(body: unknown, hasSecret: boolean): ParsedForm {
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
  return { ok: true, input, values };
}

function valuesOf(r: ResourceRow, libraryIds: string[]): FormValues {
  const c = r.connectorConfig;
  return {
    name: r.name,
    provider: r.provider,
    description: r.description,
    kind: r.kind,
    category: r.category ?? '',
    audience: r.audience,
    underTwelve: r.underTwelve ? 'oui' : '',
    libraries: r.allLibraries ? 'all' : 'some',
    libraryIds: libraryIds.join(','),
    connector: r.connector,
    urlTemplate: c.urlTemplate,
    linkMinutes: c.linkMinutes ? String(c.linkMinutes) : '',
    ssoId: c.ssoId ?? '',
    loginUrl: c.loginUrl ?? '',
    fields: (c.fields ?? []).join(','),
    capPeriod: r.capPeriod ?? '',
    capLimit: r.capLimit ? String(r.capLimit) : '',
    documents: formatDocumentLines(r.documents),
  };
}

const NEW_VALUES: FormValues = {
  kind: 'quota',
  category: 'films',
  audience: 'all',
  libraries: 'all',
  connector: 'signed_link',
  linkMinutes: '5',
};

/** Checkboxes sharing one name: which are checked comes from the comma-joined kept value. */
function CheckboxGroup(props: {
  name: string;
  legend: string;
  hint?: string;
  options: Array<{ value: string; label: string }>;
  values: FormValues;
  errors?: FieldErrors;
}) {
  const checked = new Set((props.values[props.name] ?? '').split(',').filter(Boolean));
  const error = props.errors?.[props.name];
  const id = `champ-${props.name}`;
  return (
    <fieldset
      class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      id={id}
      aria-labelledby={`${id}-legende ${id}-message`}
      role={error ? 'group' : undefined}
    >
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legende`}>
        {props.legend}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((o, i) => (
        <div class="fr-fieldset__element">
          <div class="fr-checkbox-group fr-checkbox-group--sm">
            <input
              type="checkbox"
              id={`${id}-${i}`}
              name={props.name}
              value={o.value}
              checked={checked.has(o.value)}
            />
            <label class="fr-label" for={`${id}-${i}`}>
              {o.label}
            </label>
          </div>
        </div>
      ))}
      <div class="fr-messages-group" id={`${id}-message`} aria-live="polite">
        {error && <p class="fr-message fr-message--error">{error}</p>}
      </div>
    </fieldset>
  );
}

function Fieldset({ id, legend, children }: { id: string; legend: string; children: ComponentChildren }) {
  return (
    <fieldset class="fr-fieldset fr-mb-4w" id={id} aria-labelledby={`${id}-legende`}>
      <legend class="fr-fieldset__legend fr-h5" id={`${id}-legende`}>
        {legend}
      </legend>
      {children}
    </fieldset>
  );
}

function Element({ children }: { children: ComponentChildren }) {
  return <div class="fr-fieldset__element">{children}</div>;
}

function ResourceForm(props: {
  action: string;
  csrf: string;
  values: FormValues;
  errors?: FieldErrors;
  libraries: Array<{ id: string; name: string; code: string }>;
  secretHint: string;
  submit: string;
}) {
  const { values, errors } = props;
  return (
    <Form action={props.action} csrf={props.csrf}>
      <p class="fr-text--sm">Les champs marqués d’un astérisque sont obligatoires.</p>
      <Fieldset id="groupe-description" legend="Description">
        <Element>
          <TextInput name="name" label="Nom" values={values} errors={errors} maxLength={120} required />
        </Element>
        <Element>
          <TextInput
            name="provider"
            label="Fournisseur"
            values={values}
            errors={errors}
            maxLength={120}
            required
          />
        </Element>
        <Element>
          <TextArea
            name="description"
            label="Description"
            hint="Affichée aux usagers dans le catalogue."
            rows={3}
            values={values}
            errors={errors}
          />
        </Element>
      </Fieldset>
      <Fieldset id="groupe-droits" legend="Droits et quotas">
        <Element>
          <RadioGroup
            name="kind"
            label="Type de ressource"
            options={RESOURCE_KINDS.map((k) => ({
              value: k,
              label: `${KIND_LABELS[k]} — ${k === 'open' ? 'ouverte à tous, sans compte' : k === 'unlimited' ? 'usagers inscrits, sans quota' : 'usagers validés, compté dans le quota mensuel'}`,
            }))}
            values={values}
            errors={errors}
            required
          />
        </Element>
        <Element>
          <Select
            name="category"
            label="Catégorie de quota"
            hint="Pour le Forfait seulement : la ressource compte dans le quota mensuel de cette catégorie (réglé dans les paramètres du réseau)."
            placeholder="— Aucune (ressource hors Forfait) —"
            options={QUOTA_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
            values={values}
            errors={errors}
          />
        </Element>
        <Element>
          <RadioGroup
            name="audience"
            label="Public"
            hint="L’âge est calculé chaque jour à partir de la date de naissance de l’usager."
            options={AUDIENCES.map((a) => ({ value: a, label: AUDIENCE_LABELS[a] }))}
            values={values}
            errors={errors}
            inline
            required
          />
        </Element>
        <Element>
          <div class="fr-checkbox-group">
            <input
              type="checkbox"
              id="champ-underTwelve"
              name="underTwelve"
              value="oui"
              checked={values.underTwelve === 'oui'}
            />
            <label class="fr-label" for="champ-underTwelve">
              Proposer dans l’espace jeunesse (moins de 12 ans)
            </label>
          </div>
        </Element>
      </Fieldset>
      <Fieldset id="groupe-bibliotheques" legend="Bibliothèques abonnées">
        <Element>
          <RadioGroup
            name="libraries"
            label="Bibliothèques dont les usagers ont accès"
            options={[
              { value: 'all', label: 'Toutes les bibliothèques du réseau' },
              { value: 'some', label: 'Seulement les bibliothèques cochées ci-dessous' },
            ]}
            values={values}
            errors={errors}
            required
          />
        </Element>
        <Element>
          <CheckboxGroup
            name="libraryIds"
            legend="Bibliothèques abonnées"
            hint="Pris en compte seulement avec « Seulement les bibliothèques cochées »."
            options={props.libraries.map((l) => ({ value: l.id, label: `${l.name} (${l.code})` }))}
            values={values}
            errors={errors}
          />
        </Element>
      </Fieldset>
      <Fieldset id="groupe-fournisseur" legend="Accès au fournisseur">
        <Element>
          <RadioGroup
            name="connector"
            label="Mode de transmission"
            options={CONNECTOR_KINDS.map((c) => ({ value: c, label: CONNECTOR_LABELS[c] }))}
            values={values}
            errors={errors}
            required
          />
        </Element>
        <Element>
          <TextInput
            name="urlTemplate"
            type="url"
            label="Adresse du fournisseur"
            hint="Avec {document} à la place de l’identifiant du document (et {resource} si besoin). Exemple : https://fournisseur.exemple.fr/lire/{document}. Pour le format Médiathèque Numérique, c’est l’adresse de retour (return_url)."
            values={values}
            errors={errors}
            spellcheck={false}
            required
          />
        </Element>
        <Element>
          <TextInput
            name="secret"
            type="password"
            label="Clé partagée avec le fournisseur"
            hint={props.secretHint}
            autocomplete="off"
            values={values}
            errors={errors}
          />
        </Element>
        <Element>
          <TextInput
            name="linkMinutes"
            label="Validité du lien signé, en minutes"
            hint="Lien signé Sésame seulement. 5 minutes si vide."
            inputMode="numeric"
            values={values}
            errors={errors}
            maxLength={5}
          />
        </Element>
        <Element>
          <TextInput
            name="ssoId"
            label="Identifiant sso_id"
            hint="Format Médiathèque Numérique seulement : donné par le fournisseur."
            values={values}
            errors={errors}
            spellcheck={false}
          />
        </Element>
        <Element>
          <TextInput
            name="loginUrl"
            type="url"
            label="Adresse sso_login"
            hint="Format Médiathèque Numérique seulement. Exemple : https://reseau.mediatheque-numerique.exemple/sso_login"
            values={values}
            errors={errors}
            spellcheck={false}
          />
        </Element>
        <Element>
          <CheckboxGroup
            name="fields"
            legend="Données personnelles transmises (format Médiathèque Numérique)"
            hint="Rien n’est transmis sans être coché. Le lien signé Sésame ne transmet jamais de donnée personnelle, seulement un pseudonyme."
            options={MN_PERSONAL_FIELDS.map((f) => ({ value: f, label: MN_FIELD_LABELS[f] }))}
            values={values}
            errors={errors}
          />
        </Element>
      </Fieldset>
      <Fieldset id="groupe-plafond" legend="Plafond réseau (licences achetées)">
        <Element>
          <Select
            name="capPeriod"
            label="Plafond"
            hint="Nombre total de consultations comptées pour tout le réseau. Alertes par courriel aux seuils des paramètres ; à 100 %, la ressource ferme jusqu’à la période suivante."
            placeholder="— Pas de plafond —"
            options={CAP_PERIODS.map((p) => ({ value: p, label: `Plafond ${CAP_PERIOD_LABELS[p]}` }))}
            values={values}
            errors={errors}
          />
        </Element>
        <Element>
          <TextInput
            name="capLimit"
            label="Consultations achetées pour la période"
            inputMode="numeric"
            values={values}
            errors={errors}
            maxLength={12}
          />
        </Element>
      </Fieldset>
      <Fieldset id="groupe-documents" legend="Documents proposés dans le catalogue">
        <Element>
          <TextArea
            name="documents"
            label="Documents (facultatif)"
            hint="Un par ligne : identifiant chez le fournisseur ; titre. Exemple : film-42 ; Le Phare des brumes. Si la liste est remplie, seuls ces documents peuvent être ouverts."
            rows={8}
            values={values}
            errors={errors}
          />
        </Element>
      </Fieldset>
      <SubmitButton>{props.submit}</SubmitButton>
    </Form>
  );
}

async function formLibraries(deps: RouteOptions['deps']) {
  return (await listLibraries(deps.db, { all: true })).map((l) => ({ id: l.id, name: l.name, code: l.code }));
}

export async function adminResourceRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(ADMIN_RESOURCES_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const lines = await listCatalogForAdmin(deps, actor);
    return sendPage(request, reply, {
      title: 'Catalogue des ressources',
      body: () => (
        <>
          <Breadcrumb
            items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Catalogue des ressources' }]}
          />
          <h1>Catalogue des ressources</h1>
          <p>
            Les quotas mensuels par catégorie se règlent dans les{' '}
            <a href="/admin/parametres#groupe-quotas">paramètres du réseau</a> ; un changement s’applique dès
            l’ouverture suivante.
          </p>
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-2w">
            <li>
              <a class="fr-btn fr-icon-add-line" href={NEW_URL}>
                Ajouter une ressource
              </a>
            </li>
          </ul>
          {lines.length === 0 ? (
            <p>Aucune ressource pour le moment.</p>
          ) : (
            <DsfrTable>
              <table>
                <caption>{lines.length} ressources, actives et désactivées</caption>
                <thead>
                  <tr>
                    <th scope="col">Ressource</th>
                    <th scope="col">Type</th>
                    <th scope="col">Public</th>
                    <th scope="col">Bibliothèques</th>
                    <th scope="col">Plafond réseau</th>
                    <th scope="col">État</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map(({ resource: r, libraryCount, cap }) => (
                    <tr>
                      <th scope="row">
                        <a href={`${ADMIN_RESOURCES_URL}/${r.id}`}>{r.name}</a>
                        <br />
                        <span class="fr-text--sm">{r.provider}</span>
                      </th>
                      <td>
                        <p class={`fr-badge fr-badge--sm fr-badge--no-icon ${KIND_BADGES[r.kind]}`}>
                          {KIND_LABELS[r.kind]}
                        </p>
                        {r.category && <span class="fr-text--sm"> {CATEGORY_LABELS[r.category]}</span>}
                      </td>
                      <td>
                        {AUDIENCE_LABELS[r.audience]}
                        {r.underTwelve && (
                          <>
                            <br />
                            Espace jeunesse
                          </>
                        )}
                      </td>
                      <td>
                        {libraryCount === null
                          ? 'Toutes'
                          : `${libraryCount} bibliothèque${libraryCount > 1 ? 's' : ''}`}
                      </td>
                      <td>
                        {cap ? (
                          <>
                            <CapUseText cap={cap} />
                            <CapBadge cap={cap} />
                          </>
                        ) : (
                          'Aucun'
                        )}
                      </td>
                      <td>
                        {r.active ? (
                          <p class="fr-badge fr-badge--sm fr-badge--success">Active</p>
                        ) : (
                          <p class="fr-badge fr-badge--sm fr-badge--error">Désactivée</p>
                        )}
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

  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values: FormValues; errors?: FieldErrors; status?: number },
  ) {
    const libraries = await formLibraries(deps);
    return sendPage(request, reply, {
      title: 'Ajouter une ressource',
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-lg-9">
            <Breadcrumb
              items={[
                { href: '/admin', label: 'Tableau de bord' },
                { href: ADMIN_RESOURCES_URL, label: 'Catalogue des ressources' },
                { label: 'Ajouter une ressource' },
              ]}
            />
            <h1>Ajouter une ressource</h1>
            <ErrorSummary errors={state.errors} labels={FIELD_LABELS} />
            <ResourceForm
              action={NEW_URL}
              csrf={ctx.csrf}
              values={state.values}
              errors={state.errors}
              libraries={libraries}
              secretHint={`Clé HMAC (lien signé) ou clé de id_encrypted (Médiathèque Numérique), d’au moins 16 caractères, convenue avec le fournisseur. Inutile pour un lien simple.`}
              submit="Ajouter la ressource"
            />
          </div>
        </div>
      ),
    });
  }

  app.get(NEW_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return newPage(request, reply, { values: NEW_VALUES });
  });

  app.post(NEW_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const form = parseResourceForm(request.body, false);
    if (!form.ok) return newPage(request, reply, { values: form.values, errors: form.errors, status: 400 });
    try {
      const row = await createResource(deps, actor, form.input);
      setFlash(reply, 'success', `La ressource « ${row.name} » est ajoutée au catalogue.`);
      return reply.redirect(`${ADMIN_RESOURCES_URL}/${row.id}`, 303);
    } catch (e) {
      if (e instanceof ValidationError)
        return newPage(request, reply, { values: form.values, errors: e.fieldErrors, status: 400 });
      throw e;
    }
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    id: string,
    state: { values?: FormValues; errors?: FieldErrors; status?: number } = {},
  ) {
    const { resource, libraryIds, cap } = await loadResourceForAdmin(deps, actor, id);
    const libraries = await formLibraries(deps);
    const values = state.values ?? valuesOf(resource, libraryIds);
    const secret = resource.connectorConfig.secret;
    const url = `${ADMIN_RESOURCES_URL}/${resource.id}`;
    return sendPage(request, reply, {
      title: `${resource.name} — catalogue`,
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-lg-9">
            <Breadcrumb
              items={[
                { href: '/admin', label: 'Tableau de bord' },
                { href: ADMIN_RESOURCES_URL, label: 'Catalogue des ressources' },
                { label: resource.name },
              ]}
            />
            <h1>{resource.name}</h1>
            <p>
              {resource.active ? (
                <span class="fr-badge fr-badge--success">Active</span>
              ) : (
                <span class="fr-badge fr-badge--error">
                  Désactivée : absente du catalogue, ne peut pas être ouverte
                </span>
              )}
            </p>
            {cap && (
              <div
                class={`fr-callout fr-mb-4w${cap.level === 'ok' ? '' : ' fr-callout--orange-terre-battue'}`}
              >
                <h2 class="fr-callout__title fr-h5">Utilisation du plafond</h2>
                <p class="fr-callout__text">
                  <CapUseText cap={cap} /> <CapBadge cap={cap} />
                </p>
              </div>
            )}
            <Form
              action={`${url}/${resource.active ? 'desactiver' : 'activer'}`}
              csrf={ctx.csrf}
              class="fr-mb-4w"
            >
              <SubmitButton secondary>
                {resource.active ? 'Désactiver la ressource' : 'Réactiver la ressource'}
              </SubmitButton>
            </Form>
            <h2>Modifier la ressource</h2>
            <ErrorSummary errors={state.errors} labels={FIELD_LABELS} />
            <ResourceForm
              action={url}
              csrf={ctx.csrf}
              values={values}
              errors={state.errors}
              libraries={libraries}
              secretHint={
                secret && resource.connector !== 'direct'
                  ? `Laissez vide pour garder la clé actuelle (${secret.length} caractères, se termine par « ${secret.slice(-3)} »). Au moins 16 caractères.`
                  : 'Clé HMAC (lien signé) ou clé de id_encrypted (Médiathèque Numérique), d’au moins 16 caractères, convenue avec le fournisseur.'
              }
              submit="Enregistrer les modifications"
            />
          </div>
        </div>
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
    const form = parseResourceForm(
      request.body,
      Boolean(resource.connectorConfig.secret) && resource.connector !== 'direct',
    );
    if (!form.ok)
      return editPage(request, reply, actor, resource.id, {
        values: form.values,
        errors: form.errors,
        status: 400,
      });
    try {
      const { changed } = await updateResourceFromForm(deps, actor, resource.id, form.input);
      setFlash(
        reply,
        changed.length ? 'success' : 'info',
        changed.length ? 'Les modifications sont enregistrées.' : 'Aucune modification à enregistrer.',
      );
      return reply.redirect(`${ADMIN_RESOURCES_URL}/${resource.id}`, 303);
    } catch (e) {
      if (e instanceof ValidationError)
        return editPage(request, reply, actor, resource.id, {
          values: form.values,
          errors: e.fieldErrors,
          status: 400,
        });
      throw e;
    }
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
