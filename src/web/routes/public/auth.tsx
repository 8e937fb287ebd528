import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { logIn } from '../../../usecases/auth/log-in.js';
import { logOut } from '../../../usecases/auth/log-out.js';
import { requestPasswordResetFrom } from '../../../usecases/auth/request-password-reset.js';
import {
  checkPasswordLink,
  linkError,
  setPasswordWithToken,
} from '../../../usecases/auth/set-password-with-token.js';
import { loginFormSuite, whereAfterLogin, whereWhenLoggedIn } from '../../after-login.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { rememberDevice, trustedAccounts } from '../../device-cookie.js';
import { parseForm } from '../../form.js';
import { sendPage, setFlash } from '../../render.js';
import { sessionCookieOptions } from '../../session-cookie.js';
import { DEAD_LINK_TITLE, DeadPasswordLinkPage } from '../../views/auth/dead-link-page.js';
import { FORGOT_PASSWORD_TITLE, ForgotPasswordPage } from '../../views/auth/forgot-password-page.js';
import { LOGIN_TITLE, LoginPage } from '../../views/auth/login-page.js';
import { SET_PASSWORD_TITLE, SetPasswordPage } from '../../views/auth/set-password-page.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';

const loginSchema = z.object({
  login: z.string().trim().min(1, 'Saisissez votre identifiant ou votre adresse électronique.').max(254),
  password: z.string().min(1, 'Saisissez votre mot de passe.').max(1024),
  suite: z.string().optional(),
});

const forgotSchema = z.object({
  login: z.string().trim().min(1, 'Saisissez votre identifiant ou votre adresse électronique.').max(254),
});

const newPasswordSchema = z.object({
  password: z.string().min(1, 'Saisissez un mot de passe.').max(1024),
  confirmation: z.string().min(1, 'Saisissez à nouveau le mot de passe.').max(1024),
});

/** The forgot-password answer takes at least this long, found or not, so timing tells nothing. */
const RESET_MIN_RESPONSE_MS = 400;

type Request = Parameters<typeof sendPage>[0];
type FormState = { values?: FormValues; errors?: FieldErrors; status?: number };

export async function authRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const cookieOptions = sessionCookieOptions(deps.config.secureCookies);

  function loginPage(request: Request, reply: FastifyReply, state: FormState & { notice?: string }) {
    const query = request.query as Record<string, string | undefined>;
    return sendPage(request, reply, {
      title: LOGIN_TITLE,
      status: state.status,
      body: (ctx) => (
        <LoginPage
          csrf={ctx.csrf}
          suite={loginFormSuite(state.values?.suite, query.suite)}
          expired={query.expiree === '1'}
          values={state.values}
          errors={state.errors}
          notice={state.notice}
        />
      ),
    });
  }

  app.get('/connexion', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (request.actor) return reply.redirect(whereWhenLoggedIn('staff', query.suite), 303);
    if (request.patron) return reply.redirect(whereWhenLoggedIn('patron', query.suite), 303);
    // After "choose your password", the login page knows who is coming: only the password to type.
    const identifier = typeof query.identifiant === 'string' ? query.identifiant.slice(0, 254) : '';
    return loginPage(request, reply, identifier ? { values: { login: identifier } } : {});
  });

  app.post('/connexion', async (request, reply) => {
    const form = parseForm(loginSchema, request.body);
    if (!form.ok) return loginPage(request, reply, { values: form.values, errors: form.errors, status: 400 });
    try {
      const { sessionToken, principal, deviceKey } = await logIn(deps, {
        login: form.data.login,
        password: form.data.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        settings: request.network.settings,
        trustedAccounts: trustedAccounts(request),
      });
      reply.setCookie(SESSION_COOKIE, sessionToken, cookieOptions);
      rememberDevice(request, reply, deviceKey, deps.config.secureCookies);
      return reply.redirect(whereAfterLogin(principal.kind, form.data.suite), 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.field)
        return loginPage(request, reply, {
          values: form.values,
          errors: { [error.field]: error.message },
          status: error.status,
        });
      return loginPage(request, reply, { values: form.values, notice: error.message, status: error.status });
    }
  });

  app.post('/deconnexion', async (request, reply) => {
    await logOut(deps, request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(reply, 'success', 'Vous êtes déconnecté.');
    return reply.redirect('/connexion', 303);
  });

  const forgotPage = (request: Request, reply: FastifyReply, state: FormState & { sent?: boolean }) =>
    sendPage(request, reply, {
      title: FORGOT_PASSWORD_TITLE,
      status: state.status,
      body: (ctx) => (
        <ForgotPasswordPage csrf={ctx.csrf} sent={state.sent} values={state.values} errors={state.errors} />
      ),
    });

  app.get('/mot-de-passe-oublie', async (request, reply) => forgotPage(request, reply, {}));

  app.post('/mot-de-passe-oublie', async (request, reply) => {
    const form = parseForm(forgotSchema, request.body);
    if (!form.ok)
      return forgotPage(request, reply, { values: form.values, errors: form.errors, status: 400 });
    const started = Date.now();
    await requestPasswordResetFrom(deps, {
      login: form.data.login,
      ip: request.ip,
      settings: request.network.settings,
    });
    const wait = RESET_MIN_RESPONSE_MS - (Date.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return forgotPage(request, reply, { sent: true });
  });

  function newPasswordPage(
    request: Request,
    reply: FastifyReply,
    token: string,
    state: { identifier: string; errors?: FieldErrors; status?: number },
  ) {
    return sendPage(request, reply, {
      title: SET_PASSWORD_TITLE,
      status: state.status,
      body: (ctx) => (
        <SetPasswordPage
          csrf={ctx.csrf}
          token={token}
          identifier={state.identifier}
          rule={describePasswordRule(passwordRule(request.network.settings))}
          errors={state.errors}
        />
      ),
    });
  }

  const deadLinkPage = (request: Request, reply: FastifyReply, error: DomainError) =>
    sendPage(request, reply, {
      title: DEAD_LINK_TITLE,
      status: error.status,
      body: () => <DeadPasswordLinkPage message={error.message} />,
    });

  app.get<{ Params: { token: string } }>('/mot-de-passe/:token', async (request, reply) => {
    // The token must not leak to other sites through the Referer header.
    reply.header('referrer-policy', 'no-referrer');
    const state = await checkPasswordLink(deps, request.params.token);
    if (state.status !== 'valid') return deadLinkPage(request, reply, linkError(state.status));
    return newPasswordPage(request, reply, request.params.token, { identifier: state.identifier });
  });

  app.post<{ Params: { token: string } }>('/mot-de-passe/:token', async (request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    const token = request.params.token;
    const state = await checkPasswordLink(deps, token);
    if (state.status !== 'valid') return deadLinkPage(request, reply, linkError(state.status));
    const form = parseForm(newPasswordSchema, request.body);
    if (!form.ok)
      return newPasswordPage(request, reply, token, {
        identifier: state.identifier,
        errors: form.errors,
        status: 400,
      });
    let identifier: string | null;
    try {
      ({ identifier } = await setPasswordWithToken(deps, { token, ...form.data }));
    } catch (error) {
      if (error instanceof ValidationError)
        return newPasswordPage(request, reply, token, {
          identifier: state.identifier,
          errors: error.fieldErrors,
          status: 400,
        });
      if (error instanceof DomainError && error.status === 410) return deadLinkPage(request, reply, error);
      throw error;
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(reply, 'success', 'Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.');
    return reply.redirect(
      identifier ? `/connexion?identifiant=${encodeURIComponent(identifier)}` : '/connexion',
      303,
    );
  });
}
