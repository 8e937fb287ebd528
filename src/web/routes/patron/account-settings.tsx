import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { sha256 } from '../../../security/tokens.js';
import {
  cancelEmailChange,
  confirmEmailChange,
  requestEmailChange,
} from '../../../usecases/account/change-email.js';
import { changePassword } from '../../../usecases/account/change-password.js';
import { ownAccount } from '../../../usecases/account/own-account.js';
import { setNewsletter } from '../../../usecases/account/set-newsletter.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { fieldErrorsOf, parseForm } from '../../form.js';
import { formRoute } from '../../form-route.js';
import { requirePatron } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { ACCOUNT_FLASH } from '../../views/account/account-flash.js';
import { EmailConfirmationPage, emailOutcome } from '../../views/account/email-confirmation-page.js';
import { EmailPage } from '../../views/account/email-page.js';
import { PasswordPage } from '../../views/account/password-page.js';
import { ACCOUNT_URLS } from '../../views/patrons/account-sections.js';

/**
 * "Mon compte" settings (SPEC §5): newsletter, password and e-mail address (the data and the
 * account's deletion are in account-data.tsx, "Mes messages" in library-messages.tsx). Each form is a plain POST,
 * redirected on success.
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

/** The session making the request, kept open when the password changes. */
function currentSession(request: FastifyRequest): string | null {
  const token = request.cookies[SESSION_COOKIE];
  return token ? sha256(token) : null;
}

export async function accountSettingsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // ---- Newsletter --------------------------------------------------------------------------
  app.post(ACCOUNT_URLS.newsletter, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = parseForm(newsletterSchema, request.body);
    if (!form.ok) {
      setFlash(reply, 'error', ACCOUNT_FLASH.newsletterMissing);
      return reply.redirect(`${ACCOUNT_URLS.home}#newsletter`, 303);
    }
    const yes = form.data.newsletter === 'oui';
    await setNewsletter(deps, actor, yes);
    setFlash(reply, 'success', ACCOUNT_FLASH.newsletter(yes));
    return reply.redirect(`${ACCOUNT_URLS.home}#newsletter`, 303);
  });

  // ---- Password ----------------------------------------------------------------------------
  formRoute(app, ACCOUNT_URLS.password, {
    guard: requirePatron,
    schema: passwordSchema,
    page: (request, reply, _actor, refused) =>
      sendPage(request, reply, {
        title: 'Changer de mot de passe',
        status: refused?.status,
        body: (ctx) => (
          <PasswordPage
            csrf={ctx.csrf}
            rule={describePasswordRule(passwordRule(request.network.settings))}
            errors={refused?.errors}
          />
        ),
      }),
    submit: async (data, actor, request, reply) => {
      await changePassword(deps, actor, data, currentSession(request));
      setFlash(reply, 'success', ACCOUNT_FLASH.passwordChanged);
      return reply.redirect(ACCOUNT_URLS.home, 303);
    },
    errorsOf: fieldErrorsOf,
  });

  // ---- E-mail address ----------------------------------------------------------------------
  formRoute(app, ACCOUNT_URLS.email, {
    guard: requirePatron,
    schema: emailSchema,
    page: async (request, reply, actor, refused) => {
      const patron = await ownAccount(deps.db, actor);
      return sendPage(request, reply, {
        title: 'Changer d’adresse électronique',
        status: refused?.status,
        body: (ctx) => (
          <EmailPage csrf={ctx.csrf} patron={patron} values={refused?.values} errors={refused?.errors} />
        ),
      });
    },
    submit: async (data, actor, _request, reply) => {
      const { email } = await requestEmailChange(deps, actor, data);
      setFlash(reply, 'info', ACCOUNT_FLASH.emailLinkSent(email));
      return reply.redirect(ACCOUNT_URLS.home, 303);
    },
    errorsOf: fieldErrorsOf,
  });

  app.post(ACCOUNT_URLS.emailCancel, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const { cancelled } = await cancelEmailChange(deps, actor);
    setFlash(reply, 'info', ACCOUNT_FLASH.emailChangeCancelled(cancelled));
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
}
