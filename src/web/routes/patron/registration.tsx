import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../../domain/login-throttle.js';
import { describePasswordRule, passwordRule } from '../../../domain/password-policy.js';
import { HONEYPOT_FIELD } from '../../../domain/registration-form.js';
import { LocalAttemptCounter } from '../../../security/local-attempts.js';
import { confirmRegistration } from '../../../usecases/patrons/confirm-registration.js';
import { registerPatron } from '../../../usecases/patrons/register-patron.js';
import { registrationLibraries } from '../../../usecases/patrons/registration-form.js';
import { resendRegistrationMail } from '../../../usecases/patrons/resend-registration-mail.js';
import type { RouteOptions } from '../../app.js';
import { keptValues } from '../../form.js';
import { sendPage, setFlash } from '../../render.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';
import { PageFrame } from '../../views/components/page.js';
import {
  REGISTRATION_CLOSED_TITLE,
  RegistrationClosedPage,
} from '../../views/registration/registration-closed-page.js';
import { registrationConfirmation } from '../../views/registration/registration-confirmation.js';
import { REGISTRATION_TITLE, RegistrationFormPage } from '../../views/registration/registration-form-page.js';
import { RegistrationSentPage } from '../../views/registration/registration-sent.js';

const SENT_PATH = '/inscription/envoyee';
const RESEND_PATH = '/inscription/renvoyer';
/** The address a registration was sent to, for its "check your mail" page: signed, this browser only. */
const SENT_COOKIE = 'sesame_inscription';

function rememberSentAddress(reply: FastifyReply, email: string): void {
  reply.setCookie(SENT_COOKIE, email.trim(), {
    path: '/inscription',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: 24 * 60 * 60,
  });
}

function sentAddress(request: FastifyRequest): string | null {
  const raw = request.cookies[SENT_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value || !/^[^\s@]+@[^\s@]+$/.test(unsigned.value)) return null;
  return unsigned.value.slice(0, 254);
}

export async function registrationRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // This instance's count of registration forms per address (the database keeps the shared one).
  const localAttempts = new LocalAttemptCounter(THROTTLE_WINDOW_MS);

  const closedPage = (request: FastifyRequest, reply: FastifyReply, status = 200) =>
    sendPage(request, reply, {
      title: REGISTRATION_CLOSED_TITLE,
      status,
      body: () => <RegistrationClosedPage />,
    });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: FormValues; errors?: FieldErrors; status?: number },
  ) {
    const libraries = await registrationLibraries(deps);
    return sendPage(request, reply, {
      title: state.errors ? `Erreur — ${REGISTRATION_TITLE}` : REGISTRATION_TITLE,
      status: state.status,
      body: (ctx) => (
        <RegistrationFormPage
          csrf={ctx.csrf}
          networkName={ctx.networkName}
          libraries={libraries}
          passwordRule={describePasswordRule(passwordRule(request.network.settings))}
          values={state.values}
          errors={state.errors}
        />
      ),
    });
  }

  app.get('/inscription', async (request, reply) => {
    if (request.patron) return reply.redirect('/mon-compte', 303);
    if (!request.network.settings.selfRegistration) return closedPage(request, reply);
    return formPage(request, reply, {});
  });

  app.post('/inscription', async (request, reply) => {
    if (!request.network.settings.selfRegistration) return closedPage(request, reply, 403);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await registerPatron(deps, { form: body, ip: request.ip, network: request.network, localAttempts });
    } catch (error) {
      if (error instanceof ValidationError) {
        const values = keptValues(body);
        delete values[HONEYPOT_FIELD];
        return formPage(request, reply, { values, errors: error.fieldErrors, status: 400 });
      }
      if (error instanceof DomainError && error.code === 'self_registration_closed')
        return closedPage(request, reply, 403);
      throw error;
    }
    rememberSentAddress(reply, String(body.email ?? ''));
    return reply.redirect(SENT_PATH, 303);
  });

  app.get(SENT_PATH, async (request, reply) =>
    sendPage(request, reply, {
      title: 'Vérifiez votre messagerie',
      body: (ctx) => (
        <RegistrationSentPage
          ctx={ctx}
          data={{
            email: sentAddress(request),
            confirmationDays: request.network.settings.confirmationDays,
          }}
        />
      ),
    }),
  );

  app.post(RESEND_PATH, async (request, reply) => {
    const email = sentAddress(request);
    if (!email) return reply.redirect('/inscription', 303);
    try {
      await resendRegistrationMail(deps, { email, ip: request.ip });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'resend_rate_limited') throw error;
      setFlash(reply, 'error', error.message);
      return reply.redirect(SENT_PATH, 303);
    }
    // Worded for every case: whether the address has a request or an account is its own business.
    setFlash(reply, 'success', `Un nouveau courriel vient d’être envoyé à ${email}.`);
    return reply.redirect(SENT_PATH, 303);
  });

  app.get<{ Params: { token: string } }>('/inscription/confirmer/:token', async (request, reply) => {
    // The token must not leak to other sites through the Referer header.
    reply.header('referrer-policy', 'no-referrer');
    const outcome = await confirmRegistration(deps, { token: request.params.token, ip: request.ip });
    const page = registrationConfirmation(outcome);
    return sendPage(request, reply, {
      title: page.title,
      status: page.status,
      body: () => (
        <PageFrame title={page.title} centred>
          {page.body}
        </PageFrame>
      ),
    });
  });
}
