import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PatronActor } from '../../../domain/actor.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { isoDate, parisDay } from '../../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { sha256 } from '../../../security/tokens.js';
import {
  cancelEmailChange,
  confirmEmailChange,
  requestEmailChange,
} from '../../../usecases/account/change-email.js';
import { changePassword } from '../../../usecases/account/change-password.js';
import { deleteOwnAccount } from '../../../usecases/account/delete-account.js';
import { collectPatronData } from '../../../usecases/account/download-data.js';
import { ownAccount } from '../../../usecases/account/own-account.js';
import { readMessage } from '../../../usecases/account/patron-messages.js';
import { setNewsletter } from '../../../usecases/account/set-newsletter.js';
import { loadMessagesPage } from '../../../usecases/messages/patron-threads.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { parseForm, submitForm } from '../../form.js';
import { requirePatron } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { ACCOUNT_DELETED_TITLE, AccountDeletedPage } from '../../views/account/account-deleted-page.js';
import { DeleteAccountPage } from '../../views/account/delete-account-page.js';
import { EmailConfirmationPage, emailOutcome } from '../../views/account/email-confirmation-page.js';
import { EmailPage } from '../../views/account/email-page.js';
import { MessagePage } from '../../views/account/message-page.js';
import { MessagesPage } from '../../views/account/messages-page.js';
import { PasswordPage } from '../../views/account/password-page.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { ACCOUNT_URLS } from '../../views/patrons/account-sections.js';
import { dataDocument, PatronDataPage } from '../../views/patrons/patron-data.js';

/**
 * "Mon compte" settings (SPEC §5): newsletter, password, e-mail address, messages received,
 * data download and account deletion. Each form is a plain POST, redirected on success.
 */

const newsletterSchema = z.object({
  newsletter: z.enum(['oui', 'non'], { message: 'Choisissez Oui ou Non.' }),
});

const passwordSchema = z.object({
  currentPassword: z.string().max(1024).default(''),
  password: z.string().max(1024, 'Le mot de passe est trop long.').default(''),
  confirmation: z.string().max(1024).default(''),
});

const emailSchema = z.object({
  email: z.string().max(320, 'Cette adresse est trop longue.').default(''),
  currentPassword: z.string().max(1024).default(''),
});

const deleteSchema = z.object({ password: z.string().max(1024).default('') });

const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });

/** These use cases also refuse with a DomainError naming its field (a wrong current password…). */
function errorsOf(error: unknown): FieldErrors | null {
  if (error instanceof ValidationError) return error.fieldErrors;
  if (error instanceof DomainError && error.field) return { [error.field]: error.message };
  return null;
}

/** The session making the request, kept open when the password changes. */
function currentSession(request: FastifyRequest): string | null {
  const token = request.cookies[SESSION_COOKIE];
  return token ? sha256(token) : null;
}

type FormState = { values?: FormValues; errors?: FieldErrors; status?: number };

export async function accountSettingsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.secureCookies,
  };

  // ---- Newsletter --------------------------------------------------------------------------
  app.post(ACCOUNT_URLS.newsletter, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = parseForm(newsletterSchema, request.body);
    if (!form.ok) {
      setFlash(reply, 'error', 'Choisissez Oui ou Non pour la newsletter.');
      return reply.redirect(`${ACCOUNT_URLS.home}#newsletter`, 303);
    }
    const yes = form.data.newsletter === 'oui';
    await setNewsletter(deps, actor, yes);
    setFlash(
      reply,
      'success',
      yes ? 'C’est noté : vous recevrez la newsletter.' : 'C’est noté : vous ne recevrez plus la newsletter.',
    );
    return reply.redirect(`${ACCOUNT_URLS.home}#newsletter`, 303);
  });

  // ---- Password ----------------------------------------------------------------------------
  const passwordPage = (request: FastifyRequest, reply: FastifyReply, state: FormState = {}) =>
    sendPage(request, reply, {
      title: 'Changer de mot de passe',
      status: state.status,
      body: (ctx) => (
        <PasswordPage
          csrf={ctx.csrf}
          rule={describePasswordRule(passwordRule(request.network.settings))}
          errors={state.errors}
        />
      ),
    });

  app.get(ACCOUNT_URLS.password, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return passwordPage(request, reply);
  });

  app.post(ACCOUNT_URLS.password, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseForm(passwordSchema, request.body),
      async (data) => {
        await changePassword(deps, actor, data, currentSession(request));
        setFlash(
          reply,
          'success',
          'Votre mot de passe est modifié. Vos autres sessions ont été fermées ; un courriel vous le confirme.',
        );
        return reply.redirect(ACCOUNT_URLS.home, 303);
      },
      (refused) => passwordPage(request, reply, refused),
      errorsOf,
    );
  });

  // ---- E-mail address ----------------------------------------------------------------------
  async function emailPage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: PatronActor,
    state: FormState = {},
  ) {
    const patron = await ownAccount(deps.db, actor);
    return sendPage(request, reply, {
      title: 'Changer d’adresse électronique',
      status: state.status,
      body: (ctx) => (
        <EmailPage csrf={ctx.csrf} patron={patron} values={state.values} errors={state.errors} />
      ),
    });
  }

  app.get(ACCOUNT_URLS.email, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return emailPage(request, reply, actor);
  });

  app.post(ACCOUNT_URLS.email, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseForm(emailSchema, request.body),
      async (data) => {
        const { email } = await requestEmailChange(deps, actor, data);
        setFlash(
          reply,
          'info',
          `Un lien de confirmation a été envoyé à ${email}. Suivez-le pour terminer le changement ; d’ici là, votre adresse actuelle reste valable.`,
        );
        return reply.redirect(ACCOUNT_URLS.home, 303);
      },
      (refused) => emailPage(request, reply, actor, refused),
      errorsOf,
    );
  });

  app.post(ACCOUNT_URLS.emailCancel, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const { cancelled } = await cancelEmailChange(deps, actor);
    setFlash(
      reply,
      'info',
      cancelled
        ? 'Le changement d’adresse est annulé : le lien envoyé ne fonctionne plus.'
        : 'Aucun changement d’adresse n’était en attente.',
    );
    return reply.redirect(ACCOUNT_URLS.home, 303);
  });

  app.get<{ Params: { token: string } }>(`${ACCOUNT_URLS.email}/:token`, async (request, reply) => {
    // The token must not leak to other sites through the Referer header.
    reply.header('referrer-policy', 'no-referrer');
    const outcome = await confirmEmailChange(deps, request.params.token);
    const page = emailOutcome(outcome, Boolean(request.patron));
    return sendPage(request, reply, {
      title: page.title,
      status: page.status,
      body: () => <EmailConfirmationPage title={page.title}>{page.body}</EmailConfirmationPage>,
    });
  });

  // ---- Messages ----------------------------------------------------------------------------
  app.get(ACCOUNT_URLS.messages, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const { page } = pageQuery.parse(request.query ?? {});
    const { list, threads } = await loadMessagesPage(deps, actor, page);
    return sendPage(request, reply, {
      title: 'Mes messages',
      body: () => <MessagesPage list={list} threads={threads} />,
    });
  });

  app.get<{ Params: { id: string } }>(`${ACCOUNT_URLS.messages}/:id`, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const id = /^[1-9]\d{0,15}$/.test(request.params.id) ? Number(request.params.id) : 0;
    const message = await readMessage(deps, actor, id);
    return sendPage(request, reply, {
      title: message.subject,
      body: () => <MessagePage message={message} />,
    });
  });

  // ---- My data -----------------------------------------------------------------------------
  app.get(ACCOUNT_URLS.data, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const data = await collectPatronData(deps, actor);
    return sendPage(request, reply, { title: 'Mes données', body: () => <PatronDataPage data={data} /> });
  });

  app.get(ACCOUNT_URLS.dataJson, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const data = await collectPatronData(deps, actor);
    const day = isoDate(parisDay(data.at));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="mes-donnees-${day}.json"`)
      .header('cache-control', 'no-store')
      .send(`${JSON.stringify(dataDocument(data), null, 2)}\n`);
  });

  // ---- Account deletion --------------------------------------------------------------------
  async function deletePage(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: PatronActor,
    state: FormState = {},
  ) {
    const patron = await ownAccount(deps.db, actor);
    return sendPage(request, reply, {
      title: 'Supprimer mon compte',
      status: state.status,
      body: (ctx) => <DeleteAccountPage csrf={ctx.csrf} patron={patron} errors={state.errors} />,
    });
  }

  app.get(ACCOUNT_URLS.delete, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return deletePage(request, reply, actor);
  });

  app.post(ACCOUNT_URLS.delete, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseForm(deleteSchema, request.body),
      async (data) => {
        await deleteOwnAccount(deps, actor, data);
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        return reply.redirect(ACCOUNT_URLS.deleted, 303);
      },
      (refused) => deletePage(request, reply, actor, refused),
      errorsOf,
    );
  });

  // Public: the session is gone by the time this page shows.
  app.get(ACCOUNT_URLS.deleted, async (request, reply) =>
    sendPage(request, reply, { title: ACCOUNT_DELETED_TITLE, body: () => <AccountDeletedPage /> }),
  );
}
