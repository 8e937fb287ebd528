import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { countAttempt } from '../../../db/repositories/login-throttles.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../../domain/login-throttle.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { logIn } from '../../../usecases/auth/log-in.js';
import { logOut } from '../../../usecases/auth/log-out.js';
import { requestPasswordReset } from '../../../usecases/auth/request-password-reset.js';
import {
  checkPasswordLink,
  linkError,
  setPasswordWithToken,
} from '../../../usecases/auth/set-password-with-token.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { rememberDevice, trustedAccounts } from '../../device-cookie.js';
import { parseForm } from '../../form.js';
import { safeLocalPath } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { askingBeforeOpening } from '../../views/catalog/urls.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  type FormValues,
  SubmitButton,
  TextInput,
} from '../../views/components/forms.js';
import { Breadcrumb } from '../../views/layout.js';

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

export async function authRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.secureCookies,
  };

  function loginPage(
    request: Parameters<typeof sendPage>[0],
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number; notice?: string },
  ) {
    const query = request.query as Record<string, string | undefined>;
    const suite = state.values?.suite ?? query.suite ?? '';
    const expired = query.expiree === '1';
    return sendPage(request, reply, {
      title: 'Connexion',
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <h1>Connexion</h1>
            {expired && !state.errors && (
              <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
                <p>Votre session a expiré. Connectez-vous à nouveau pour continuer.</p>
              </div>
            )}
            {state.notice && (
              <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
                <p>{state.notice}</p>
              </div>
            )}
            <ErrorSummary errors={state.errors} />
            <Form action="/connexion" csrf={ctx.csrf}>
              <input type="hidden" name="suite" value={safeLocalPath(suite, '')} />
              <fieldset class="fr-fieldset">
                <legend class="fr-fieldset__legend">Se connecter avec son identifiant</legend>
                <div class="fr-fieldset__element">
                  <TextInput
                    name="login"
                    label="Identifiant ou adresse électronique"
                    hint="Bibliothèques : l’identifiant qui vous a été attribué (par exemple 5210001)."
                    autocomplete="username"
                    spellcheck={false}
                    values={state.values}
                    errors={state.errors}
                    required
                  />
                </div>
                <div class="fr-fieldset__element">
                  <TextInput
                    name="password"
                    type="password"
                    label="Mot de passe"
                    autocomplete="current-password"
                    errors={state.errors}
                    required
                  />
                  <p>
                    <a href="/mot-de-passe-oublie" class="fr-link">
                      Mot de passe oublié ?
                    </a>
                  </p>
                </div>
              </fieldset>
              <SubmitButton>Se connecter</SubmitButton>
            </Form>
          </div>
        </div>
      ),
    });
  }

  app.get('/connexion', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (request.actor) return reply.redirect(safeLocalPath(query.suite), 303);
    if (request.patron) {
      const suite = safeLocalPath(query.suite, '/mon-compte');
      return reply.redirect(suite.startsWith('/admin') ? '/mon-compte' : suite, 303);
    }
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
      const home = principal.kind === 'staff' ? '/admin' : '/mon-compte';
      // A patron following a staff link (or the reverse) lands on their own home page.
      const suite = safeLocalPath(form.data.suite, home);
      const fits = principal.kind === 'staff' ? suite.startsWith('/admin') : !suite.startsWith('/admin');
      return reply.redirect(fits ? askingBeforeOpening(suite) : home, 303);
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

  function forgotPage(
    request: Parameters<typeof sendPage>[0],
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number; sent?: boolean },
  ) {
    return sendPage(request, reply, {
      title: 'Mot de passe oublié',
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <Breadcrumb
              items={[{ href: '/connexion', label: 'Connexion' }, { label: 'Mot de passe oublié' }]}
            />
            <h1>Mot de passe oublié</h1>
            {state.sent ? (
              <div class="fr-alert fr-alert--success" role="status">
                <h2 class="fr-alert__title">Vérifiez votre messagerie</h2>
                <p>
                  Si un compte correspond à ce que vous avez saisi, un lien pour choisir un nouveau mot de
                  passe vient d’être envoyé à son adresse électronique. Pensez à regarder dans les courriers
                  indésirables.
                </p>
              </div>
            ) : (
              <>
                <p>
                  Saisissez votre identifiant ou votre adresse électronique : nous vous enverrons un lien.
                </p>
                <ErrorSummary errors={state.errors} />
                <Form action="/mot-de-passe-oublie" csrf={ctx.csrf}>
                  <TextInput
                    name="login"
                    label="Identifiant ou adresse électronique"
                    autocomplete="username"
                    spellcheck={false}
                    values={state.values}
                    errors={state.errors}
                    required
                  />
                  <SubmitButton>Recevoir un lien</SubmitButton>
                </Form>
              </>
            )}
          </div>
        </div>
      ),
    });
  }

  app.get('/mot-de-passe-oublie', async (request, reply) => forgotPage(request, reply, {}));

  app.post('/mot-de-passe-oublie', async (request, reply) => {
    const form = parseForm(forgotSchema, request.body);
    if (!form.ok)
      return forgotPage(request, reply, { values: form.values, errors: form.errors, status: 400 });
    const started = Date.now();
    const attempts = await countAttempt(
      deps.db,
      `reset-ip:${request.ip}`,
      deps.clock.now(),
      new Date(deps.clock.now().getTime() - THROTTLE_WINDOW_MS),
    );
    if (attempts > request.network.settings.loginIpPerQuarterHour)
      throw new DomainError(
        'reset_rate_limited',
        'Trop de demandes depuis votre réseau. Réessayez dans un quart d’heure.',
        429,
      );
    await requestPasswordReset(deps, form.data.login);
    const wait = RESET_MIN_RESPONSE_MS - (Date.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return forgotPage(request, reply, { sent: true });
  });

  function newPasswordPage(
    request: Parameters<typeof sendPage>[0],
    reply: FastifyReply,
    token: string,
    state: { identifier: string; errors?: FieldErrors; status?: number },
  ) {
    const rule = describePasswordRule(passwordRule(request.network.settings));
    return sendPage(request, reply, {
      title: 'Choisir votre mot de passe',
      status: state.status,
      body: (ctx) => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <h1>Choisir votre mot de passe</h1>
            <p>
              Compte : <strong>{state.identifier}</strong>
            </p>
            <ErrorSummary errors={state.errors} />
            <Form action={`/mot-de-passe/${token}`} csrf={ctx.csrf}>
              {/* Lets password managers file the new password under the right account. */}
              <input
                type="text"
                name="username"
                value={state.identifier}
                autocomplete="username"
                hidden
                aria-hidden="true"
                tabIndex={-1}
              />
              <TextInput
                name="password"
                type="password"
                label="Nouveau mot de passe"
                hint={rule}
                autocomplete="new-password"
                errors={state.errors}
                required
              />
              <TextInput
                name="confirmation"
                type="password"
                label="Confirmez le mot de passe"
                hint="Entrez à nouveau votre mot de passe."
                autocomplete="new-password"
                errors={state.errors}
                required
              />
              <SubmitButton>Enregistrer mon mot de passe</SubmitButton>
            </Form>
          </div>
        </div>
      ),
    });
  }

  function deadLinkPage(request: Parameters<typeof sendPage>[0], reply: FastifyReply, error: DomainError) {
    return sendPage(request, reply, {
      title: 'Lien inutilisable',
      status: error.status,
      body: () => (
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <h1>Ce lien ne peut plus servir</h1>
            <div class="fr-alert fr-alert--warning fr-mb-3w">
              <p>{error.message}</p>
            </div>
            <ul class="fr-btns-group fr-btns-group--inline-md">
              <li>
                <a class="fr-btn" href="/mot-de-passe-oublie">
                  Recevoir un nouveau lien
                </a>
              </li>
              <li>
                <a class="fr-btn fr-btn--secondary" href="/connexion">
                  Se connecter
                </a>
              </li>
            </ul>
          </div>
        </div>
      ),
    });
  }

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
