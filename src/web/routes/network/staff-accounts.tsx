import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StaffWithLibraries } from '../../../db/repositories/staff.js';
import type { StaffActor, StaffRole } from '../../../domain/actor.js';
import { DomainError } from '../../../domain/errors.js';
import { EMAIL_PATTERN } from '../../../domain/library-csv.js';
import { createStaff } from '../../../usecases/network/create-staff.js';
import { disableStaff } from '../../../usecases/network/disable-staff.js';
import { enableStaff } from '../../../usecases/network/enable-staff.js';
import { sendStaffPasswordLink } from '../../../usecases/network/send-staff-password-link.js';
import {
  findStaffAccount,
  librariesForAccountForm,
  listStaffAccounts,
  loadStaffAccount,
} from '../../../usecases/network/staff-account-pages.js';
import { updateStaff } from '../../../usecases/network/update-staff.js';
import type { RouteOptions } from '../../app.js';
import { formRoute, idParam } from '../../form-route.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { STAFF_ACCOUNTS_URL as LIST_URL, ROLES } from '../../views/staff-accounts/account-fields.js';
import { AccountListPage } from '../../views/staff-accounts/account-list-page.js';
import { AccountPage } from '../../views/staff-accounts/account-page.js';
import { EditAccountPage } from '../../views/staff-accounts/edit-account-page.js';
import { NewAccountPage } from '../../views/staff-accounts/new-account-page.js';

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

export async function staffAccountRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const mailWhere = deps.config.smtpUrl
    ? ''
    : ' Aucun serveur d’envoi n’est configuré : le message attend dans « Courriels ».';

  app.get(LIST_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const accounts = await listStaffAccounts(deps, actor);
    return sendPage(request, reply, {
      title: 'Comptes du personnel',
      body: () => <AccountListPage accounts={accounts} />,
    });
  });

  // ---- Create -----------------------------------------------------------------------------

  formRoute(app, `${LIST_URL}/nouveau`, {
    guard: requireAdmin,
    schema: newStaffSchema,
    page: async (request, reply, _actor, refused) => {
      const libraries = await librariesForAccountForm(deps);
      // "Créer un compte" from a library's page comes with that library chosen.
      const q = request.query as Record<string, unknown>;
      const libraryId = typeof q.bibliotheque === 'string' ? q.bibliotheque : '';
      const values = refused?.values ?? (libraryId ? { role: 'library_staff', libraryId } : {});
      return sendPage(request, reply, {
        title: 'Créer un compte',
        status: refused?.status,
        body: (ctx) => (
          <NewAccountPage
            csrf={ctx.csrf}
            libraries={libraries}
            identifierFormat={request.network?.settings.staffIdentifierFormat ?? ''}
            values={values}
            errors={refused?.errors}
          />
        ),
      });
    },
    submit: async ({ libraryId, ...rest }, actor, _request, reply) => {
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
    },
  });

  // ---- Correcting an account ---------------------------------------------------------------

  formRoute(app, `${LIST_URL}/:id/modifier`, {
    guard: requireAdmin,
    schema: editStaffSchema,
    page: async (request, reply, _actor, refused) => {
      const account = await findStaffAccount(deps, idParam(request));
      const libraries = await librariesForAccountForm(deps, account);
      return sendPage(request, reply, {
        title: `Modifier le compte ${account.identifier}`,
        status: refused?.status,
        body: (ctx) => (
          <EditAccountPage
            csrf={ctx.csrf}
            account={account}
            libraries={libraries}
            values={refused?.values}
            errors={refused?.errors}
          />
        ),
      });
    },
    submit: async (data, actor, request, reply) => {
      const account = await findStaffAccount(deps, idParam(request));
      const result = await updateStaff(deps, actor, account.id, data);
      setFlash(
        reply,
        result.changed.length === 0 ? 'info' : 'success',
        result.changed.length === 0
          ? 'Aucune modification : le compte est inchangé.'
          : `Compte ${account.identifier} modifié.${result.linksRevoked ? ' Les liens envoyés à l’ancienne adresse ne fonctionnent plus : envoyez-en un nouveau si besoin.' : ''}`,
      );
      return reply.redirect(`${LIST_URL}/${account.id}`, 303);
    },
  });

  // ---- Details and actions ----------------------------------------------------------------

  async function accountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    id: string,
    state: { notice?: string; status?: number } = {},
  ) {
    const details = await loadStaffAccount(deps, id);
    return sendPage(request, reply, {
      title: `Compte ${details.account.identifier}`,
      status: state.status,
      body: (ctx) => (
        <AccountPage
          details={details}
          self={details.account.id === actor.id}
          linkDays={request.network.settings.setPasswordLinkDays}
          csrf={ctx.csrf}
          notice={state.notice}
        />
      ),
    });
  }

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return accountPage(request, reply, actor, request.params.id);
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
        return accountPage(request, reply, actor, id, { notice: error.message, status: 409 });
      }
    });
}
