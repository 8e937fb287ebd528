import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type EventRow, eventsOf } from '../../../db/repositories/events.js';
import { listLibraries } from '../../../db/repositories/libraries.js';
import {
  findStaffById,
  listStaff,
  type StaffRow,
  type StaffWithLibraries,
} from '../../../db/repositories/staff.js';
import { ROLE_LABELS, type StaffActor, type StaffRole } from '../../../domain/actor.js';
import { DomainError, notFound, ValidationError } from '../../../domain/errors.js';
import { EMAIL_PATTERN } from '../../../domain/library-csv.js';
import { formatDate, formatDateTime } from '../../../domain/paris.js';
import { createStaff } from '../../../usecases/network/create-staff.js';
import { disableStaff } from '../../../usecases/network/disable-staff.js';
import { enableStaff } from '../../../usecases/network/enable-staff.js';
import { sendStaffPasswordLink } from '../../../usecases/network/send-staff-password-link.js';
import { updateStaff } from '../../../usecases/network/update-staff.js';
import type { RouteOptions } from '../../app.js';
import { parseForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  FormActions,
  type FormValues,
  RadioGroup,
  Select,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { DsfrTable } from '../../views/components/table.js';
import { Breadcrumb } from '../../views/layout.js';

const LIST_URL = '/admin/comptes';

const FIELD_LABELS: Record<string, string> = {
  identifier: 'Identifiant',
  name: 'Nom',
  email: 'Courriel',
  role: 'Rôle',
  libraryId: 'Bibliothèque',
};

const ROLES = ['library_staff', 'network_admin'] as const satisfies readonly StaffRole[];

/** What an administrator types about a person, at creation and when correcting the account. */
const profileFields = {
  name: z
    .string()
    .trim()
    .min(1, 'Saisissez le nom de la personne.')
    .max(120, 'Le nom ne doit pas dépasser 120 caractères.'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'Saisissez l’adresse électronique de la personne.')
    .max(254, 'L’adresse électronique est trop longue.')
    .regex(EMAIL_PATTERN, 'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.'),
  role: z.enum(ROLES, 'Choisissez le rôle du compte.'),
  libraryId: z.string().trim().max(100).optional().default(''),
};

function requireLibrary(v: { role: StaffRole; libraryId: string }, ctx: z.RefinementCtx) {
  if (v.role === 'library_staff' && !v.libraryId)
    ctx.addIssue({
      code: 'custom',
      path: ['libraryId'],
      message: 'Choisissez la bibliothèque de ce compte.',
    });
}

const newStaffSchema = z
  .object({
    identifier: z
      .string()
      .trim()
      .min(1, 'Saisissez l’identifiant de connexion.')
      .max(50, 'L’identifiant ne doit pas dépasser 50 caractères.')
      .regex(
        /^[A-Za-z0-9._-]+$/,
        'L’identifiant ne peut contenir que des lettres sans accent, des chiffres et les caractères . _ -',
      ),
    ...profileFields,
  })
  .superRefine(requireLibrary);

const editStaffSchema = z.object(profileFields).superRefine(requireLibrary);

type AccountState = 'active' | 'disabled' | 'never_set';

function accountState(s: Pick<StaffRow, 'disabledAt' | 'passwordHash'>): AccountState {
  if (s.disabledAt) return 'disabled';
  return s.passwordHash ? 'active' : 'never_set';
}

function AccountBadge({ staff }: { staff: Pick<StaffRow, 'disabledAt' | 'passwordHash'> }) {
  switch (accountState(staff)) {
    case 'disabled':
      return <p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>;
    case 'never_set':
      return <p class="fr-badge fr-badge--sm fr-badge--warning">Mot de passe jamais défini</p>;
    default:
      return <p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>;
  }
}

const EVENT_LABELS: Record<string, string> = {
  staff_created: 'Compte créé',
  staff_disabled: 'Compte désactivé',
  staff_enabled: 'Compte réactivé',
  staff_updated: 'Compte modifié',
  staff_password_link_sent: 'Lien « Définissez votre mot de passe » envoyé',
  password_set: 'Mot de passe défini',
  password_reset: 'Mot de passe changé',
};

function History({ events }: { events: EventRow[] }) {
  if (events.length === 0) return <p>Aucun événement enregistré.</p>;
  return (
    <DsfrTable class="fr-table--no-caption">
      <table>
        <caption>Historique du compte</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Action</th>
            <th scope="col">Par</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>{formatDateTime(e.at)}</td>
              <td>{EVENT_LABELS[e.action] ?? e.action}</td>
              <td>{e.actorLabel}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </DsfrTable>
  );
}

/** Name, e-mail, role and library: the same fields at creation and when correcting an account. */
function ProfileFields(props: {
  values: FormValues;
  errors?: FieldErrors;
  libraries: Array<{ id: string; name: string; town: string; code: string }>;
  emailHint: string;
}) {
  const { values, errors, libraries, emailHint } = props;
  return (
    <>
      <TextInput
        name="name"
        label="Nom"
        hint="Prénom et nom de la personne, ou nom du service."
        values={values}
        errors={errors}
        maxLength={120}
        required
      />
      <TextInput
        name="email"
        type="email"
        label="Courriel"
        hint={emailHint}
        values={values}
        errors={errors}
        maxLength={254}
        spellcheck={false}
        autocomplete="off"
        required
      />
      <RadioGroup
        name="role"
        label="Rôle"
        options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        values={values}
        errors={errors}
        required
      />
      <Select
        name="libraryId"
        label="Bibliothèque"
        hint="Obligatoire pour un compte de bibliothèque : il ne verra que les usagers de celle-ci. Sans objet pour l’administration du réseau."
        placeholder="Choisir une bibliothèque"
        options={libraries.map((l) => ({ value: l.id, label: `${l.name} (${l.town}, ${l.code})` }))}
        values={values}
        errors={errors}
      />
    </>
  );
}

export async function staffAccountRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const mailWhere = deps.config.smtpUrl
    ? ''
    : ' Aucun serveur d’envoi n’est configuré : le message attend dans « Courriels ».';

  // ---- List -------------------------------------------------------------------------------

  app.get(LIST_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const accounts = await listStaff(deps.db, actor.scope);
    return sendPage(request, reply, {
      title: 'Comptes du personnel',
      body: () => (
        <>
          <Breadcrumb
            items={[{ href: '/admin', label: 'Tableau de bord' }, { label: 'Comptes du personnel' }]}
          />
          <h1>Comptes du personnel</h1>
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <a class="fr-btn fr-icon-add-line" href={`${LIST_URL}/nouveau`}>
                Créer un compte
              </a>
            </li>
          </ul>
          <p role="status">{`${accounts.length} compte${accounts.length > 1 ? 's' : ''}`}</p>
          <DsfrTable>
            <table>
              <caption>Comptes des bibliothèques et de l’administration du réseau</caption>
              <thead>
                <tr>
                  <th scope="col">Identifiant</th>
                  <th scope="col">Nom</th>
                  <th scope="col">Courriel</th>
                  <th scope="col">Rôle</th>
                  <th scope="col">Bibliothèques</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((s) => (
                  <tr>
                    <td>
                      <a href={`${LIST_URL}/${s.id}`}>{s.identifier}</a>
                    </td>
                    <th scope="row">{s.name}</th>
                    <td>{s.email}</td>
                    <td>{ROLE_LABELS[s.role]}</td>
                    <td>{s.role === 'network_admin' ? 'Toutes' : s.libraryNames.join(', ') || '—'}</td>
                    <td>
                      <AccountBadge staff={s} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </DsfrTable>
        </>
      ),
    });
  });

  // ---- Create -----------------------------------------------------------------------------

  async function newAccountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number },
  ) {
    const libraries = await listLibraries(deps.db, { all: true }, { activeOnly: true });
    const values = state.values ?? {};
    return sendPage(request, reply, {
      title: 'Créer un compte',
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-8">
            <Breadcrumb
              items={[
                { href: '/admin', label: 'Tableau de bord' },
                { href: LIST_URL, label: 'Comptes du personnel' },
                { label: 'Créer un compte' },
              ]}
            />
            <h1>Créer un compte</h1>
            <p>
              La personne reçoit par courriel un lien « Définissez votre mot de passe » : personne d’autre ne
              connaît son mot de passe.
            </p>
            <p class="fr-hint-text">Tous les champs sont obligatoires, sauf indication contraire.</p>
            <ErrorSummary errors={state.errors} labels={FIELD_LABELS} />
            <Form action={`${LIST_URL}/nouveau`} csrf={ctx.csrf}>
              <TextInput
                name="identifier"
                label="Identifiant"
                hint="Sert à se connecter, par exemple 5210001 ou prenom.nom : lettres sans accent, chiffres et . _ -"
                values={values}
                errors={state.errors}
                maxLength={50}
                spellcheck={false}
                autocomplete="off"
                required
              />
              <ProfileFields
                values={values}
                errors={state.errors}
                libraries={libraries}
                emailHint="Le lien pour définir le mot de passe est envoyé à cette adresse."
              />
              <FormActions submit="Créer le compte" cancelHref={LIST_URL} />
            </Form>
          </div>
        </div>
      ),
    });
  }

  app.get(`${LIST_URL}/nouveau`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const q = request.query as Record<string, unknown>;
    const libraryId = typeof q.bibliotheque === 'string' ? q.bibliotheque : '';
    return newAccountPage(request, reply, {
      values: libraryId ? { role: 'library_staff', libraryId } : {},
    });
  });

  app.post(`${LIST_URL}/nouveau`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const form = parseForm(newStaffSchema, request.body);
    if (!form.ok) return newAccountPage(request, reply, { ...form, status: 400 });
    const { libraryId, ...rest } = form.data;
    try {
      const created = await createStaff(deps, actor, {
        ...rest,
        libraryIds: rest.role === 'library_staff' ? [libraryId] : [],
      });
      setFlash(
        reply,
        'success',
        `Compte créé : un courriel « Définissez votre mot de passe » a été envoyé à ${rest.email}.${mailWhere}`,
      );
      return reply.redirect(`${LIST_URL}/${created.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return newAccountPage(request, reply, {
          values: form.values,
          errors: error.fieldErrors,
          status: 400,
        });
      throw error;
    }
  });

  // ---- Correcting an account ---------------------------------------------------------------

  async function editAccountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    account: StaffWithLibraries,
    state: { values?: FormValues; errors?: FieldErrors; status?: number } = {},
  ) {
    // Its current library stays offered even if it was deactivated since.
    const libraries = (await listLibraries(deps.db, { all: true })).filter(
      (l) => l.active || account.libraryIds.includes(l.id),
    );
    const values = state.values ?? {
      name: account.name,
      email: account.email,
      role: account.role,
      libraryId: account.libraryIds[0] ?? '',
    };
    const base = `${LIST_URL}/${account.id}`;
    return sendPage(request, reply, {
      title: `Modifier le compte ${account.identifier}`,
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-8">
            <Breadcrumb
              items={[
                { href: '/admin', label: 'Tableau de bord' },
                { href: LIST_URL, label: 'Comptes du personnel' },
                { href: base, label: account.identifier },
                { label: 'Modifier' },
              ]}
            />
            <h1>Modifier le compte {account.identifier}</h1>
            <p>
              L’identifiant ne change pas. Les changements valent dès la page suivante de la personne : un
              compte de bibliothèque ne voit que les usagers de la bibliothèque choisie ici.
            </p>
            {account.libraryIds.length > 1 && (
              <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
                <p>
                  Ce compte dépend de {account.libraryIds.length} bibliothèques :{' '}
                  {libraries
                    .filter((l) => account.libraryIds.includes(l.id))
                    .map((l) => l.name)
                    .join(', ')}
                  . Garder l’une d’elles conserve toute la liste ; en choisir une autre la remplace.
                </p>
              </div>
            )}
            <p class="fr-hint-text">Tous les champs sont obligatoires, sauf indication contraire.</p>
            <ErrorSummary errors={state.errors} labels={FIELD_LABELS} />
            <Form action={`${base}/modifier`} csrf={ctx.csrf}>
              <ProfileFields
                values={values}
                errors={state.errors}
                libraries={libraries}
                emailHint="Si vous la changez, les liens « Définissez votre mot de passe » envoyés à l’ancienne adresse ne fonctionnent plus."
              />
              <FormActions submit="Enregistrer les modifications" cancelHref={base} />
            </Form>
          </div>
        </div>
      ),
    });
  }

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id/modifier`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const account = await findStaffById(deps.db, request.params.id);
    if (!account) throw notFound('Ce compte');
    return editAccountPage(request, reply, account);
  });

  app.post<{ Params: { id: string } }>(`${LIST_URL}/:id/modifier`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const account = await findStaffById(deps.db, request.params.id);
    if (!account) throw notFound('Ce compte');
    const form = parseForm(editStaffSchema, request.body);
    if (!form.ok) return editAccountPage(request, reply, account, { ...form, status: 400 });
    try {
      const result = await updateStaff(deps, actor, account.id, form.data);
      setFlash(
        reply,
        result.changed.length === 0 ? 'info' : 'success',
        result.changed.length === 0
          ? 'Aucune modification : le compte est inchangé.'
          : `Compte ${account.identifier} modifié.${result.linksRevoked ? ' Les liens envoyés à l’ancienne adresse ne fonctionnent plus : envoyez-en un nouveau si besoin.' : ''}`,
      );
      return reply.redirect(`${LIST_URL}/${account.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError)
        return editAccountPage(request, reply, account, {
          values: form.values,
          errors: error.fieldErrors,
          status: 400,
        });
      throw error;
    }
  });

  // ---- Details and actions ----------------------------------------------------------------

  async function accountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    account: StaffWithLibraries,
    state: { notice?: string; status?: number } = {},
  ) {
    const libraries = account.libraryIds.length
      ? await listLibraries(deps.db, { all: false, libraryIds: account.libraryIds })
      : [];
    const history = await eventsOf(deps.db, { kind: 'staff', id: account.id }, 50);
    const self = account.id === actor.id;
    const base = `${LIST_URL}/${account.id}`;
    return sendPage(request, reply, {
      title: `Compte ${account.identifier}`,
      status: state.status,
      body: (ctx) => (
        <>
          <Breadcrumb
            items={[
              { href: '/admin', label: 'Tableau de bord' },
              { href: LIST_URL, label: 'Comptes du personnel' },
              { label: account.identifier },
            ]}
          />
          <h1>
            {account.name} <span class="fr-text--lead">({account.identifier})</span>
          </h1>
          <div class="fr-mb-3w">
            <AccountBadge staff={account} />
          </div>
          {state.notice && (
            <div class="fr-alert fr-alert--error fr-mb-4w" role="alert">
              <p>{state.notice}</p>
            </div>
          )}
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-7">
              <h2>Informations</h2>
              <p>
                <a class="fr-link fr-icon-edit-line fr-link--icon-left" href={`${base}/modifier`}>
                  Modifier le nom, le courriel, le rôle ou la bibliothèque
                </a>
              </p>
              <dl>
                <dt>Identifiant</dt>
                <dd>{account.identifier}</dd>
                <dt>Nom</dt>
                <dd>{account.name}</dd>
                <dt>Courriel</dt>
                <dd>{account.email}</dd>
                <dt>Rôle</dt>
                <dd>{ROLE_LABELS[account.role]}</dd>
                <dt>Bibliothèques</dt>
                <dd>
                  {account.role === 'network_admin' ? (
                    'Toutes les bibliothèques du réseau'
                  ) : libraries.length === 0 ? (
                    'Aucune'
                  ) : (
                    <ul>
                      {libraries.map((l) => (
                        <li>
                          <a href={`/admin/bibliotheques/${l.id}`}>{l.name}</a>
                          {!l.active && ' (désactivée)'}
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
                <dt>Créé le</dt>
                <dd>{formatDate(account.createdAt)}</dd>
                <dt>Mot de passe</dt>
                <dd>
                  {account.passwordChangedAt
                    ? `Défini le ${formatDateTime(account.passwordChangedAt)}`
                    : 'Jamais défini'}
                </dd>
                {account.disabledAt && (
                  <>
                    <dt>Désactivé le</dt>
                    <dd>{formatDateTime(account.disabledAt)}</dd>
                  </>
                )}
              </dl>
            </div>
            <div class="fr-col-12 fr-col-md-5">
              <h2>Actions</h2>
              {account.disabledAt ? (
                <>
                  <p>
                    Ce compte ne peut plus se connecter. Le réactiver lui rend l’accès avec son mot de passe.
                  </p>
                  <Form action={`${base}/reactiver`} csrf={ctx.csrf}>
                    <SubmitButton>Réactiver le compte</SubmitButton>
                  </Form>
                </>
              ) : (
                <>
                  <h3 class="fr-h6">Mot de passe</h3>
                  <p>
                    Envoie à {account.email} un nouveau lien « Définissez votre mot de passe », valable{' '}
                    {request.network.settings.setPasswordLinkDays} jours. Les liens envoyés auparavant ne
                    fonctionnent plus.
                  </p>
                  <Form action={`${base}/reinitialiser`} csrf={ctx.csrf}>
                    <SubmitButton secondary>Envoyer un lien pour définir le mot de passe</SubmitButton>
                  </Form>
                  <h3 class="fr-h6 fr-mt-3w">Désactivation</h3>
                  {self ? (
                    <p>Vous ne pouvez pas désactiver votre propre compte.</p>
                  ) : (
                    <>
                      <p>
                        Un compte désactivé ne peut plus se connecter ; ses sessions ouvertes sont fermées
                        immédiatement. Son historique est conservé.
                      </p>
                      <Form action={`${base}/desactiver`} csrf={ctx.csrf}>
                        <SubmitButton secondary>Désactiver le compte</SubmitButton>
                      </Form>
                    </>
                  )}
                </>
              )}
            </div>
          </div>
          <h2 class="fr-mt-4w">Historique</h2>
          <History events={history} />
        </>
      ),
    });
  }

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const account = await findStaffById(deps.db, request.params.id);
    if (!account) throw notFound('Ce compte');
    return accountPage(request, reply, actor, account);
  });

  const actions = {
    desactiver: {
      run: disableStaff,
      done: (s: StaffWithLibraries) =>
        `Compte ${s.identifier} désactivé : il ne peut plus se connecter et ses sessions sont fermées.`,
    },
    reactiver: {
      run: enableStaff,
      done: (s: StaffWithLibraries) => `Compte ${s.identifier} réactivé.`,
    },
    reinitialiser: {
      run: sendStaffPasswordLink,
      done: (r: { to: string }) =>
        `Un courriel « Définissez votre mot de passe » a été envoyé à ${r.to}.${mailWhere}`,
    },
  } as const;

  for (const [path, action] of Object.entries(actions))
    app.post<{ Params: { id: string } }>(`${LIST_URL}/:id/${path}`, async (request, reply) => {
      const actor = requireAdmin(request, reply);
      if (!actor) return reply;
      const id = request.params.id;
      try {
        const result = await action.run(deps, actor, id);
        setFlash(reply, 'success', (action.done as (r: typeof result) => string)(result));
        return reply.redirect(`${LIST_URL}/${id}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 409) throw error;
        // Refused (own account, last administrator, already done): the page says why, nothing changed.
        const account = await findStaffById(deps.db, id);
        if (!account) throw notFound('Ce compte');
        return accountPage(request, reply, actor, account, { notice: error.message, status: 409 });
      }
    });
}
