import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../domain/errors.js';
import { parisToday, renewalRefusalMessage } from '../../../domain/renewal-rules.js';
import {
  checkLinkOwner,
  checkRenewalLink,
  loadRenewalSituation,
  type RenewalSituation,
  renewalLinkError,
  requestRenewal,
} from '../../../usecases/patrons/request-renewal.js';
import type { RouteOptions } from '../../app.js';
import { requirePatron } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { RENEWAL_DEAD_LINK_TITLE, RenewalDeadLinkPage } from '../../views/account/renewal-dead-link-page.js';
import { RENEWAL_NOT_NOW_TITLE, RenewalNotNowPage } from '../../views/account/renewal-not-now-page.js';
import { RENEWAL_REQUEST_TITLE, RenewalRequestPage } from '../../views/account/renewal-request-page.js';

/** "Demander le renouvellement", or why there is nothing to ask now. */
function askPage(
  request: FastifyRequest,
  reply: FastifyReply,
  situation: RenewalSituation,
  action: string,
  now: Date,
) {
  if (!situation.eligibility.ok)
    return notNowPage(request, reply, renewalRefusalMessage(situation.eligibility));
  return sendPage(request, reply, {
    title: RENEWAL_REQUEST_TITLE,
    body: (ctx) => (
      <RenewalRequestPage patron={situation.patron} today={parisToday(now)} action={action} csrf={ctx.csrf} />
    ),
  });
}

const notNowPage = (request: FastifyRequest, reply: FastifyReply, message: string, status = 200) =>
  sendPage(request, reply, {
    title: RENEWAL_NOT_NOW_TITLE,
    status,
    body: () => <RenewalNotNowPage message={message} />,
  });

const deadLinkPage = (request: FastifyRequest, reply: FastifyReply, error: DomainError) =>
  sendPage(request, reply, {
    title: RENEWAL_DEAD_LINK_TITLE,
    status: error.status,
    body: () => <RenewalDeadLinkPage message={error.message} loggedIn={Boolean(request.patron)} />,
  });

/** After the POST: back to "Mon compte", which now shows the request waiting. */
function requested(reply: FastifyReply, libraryName: string) {
  setFlash(
    reply,
    'success',
    `Votre demande de renouvellement est transmise à ${libraryName}. Vous recevrez un courriel dès sa décision.`,
  );
  return reply.redirect('/mon-compte', 303);
}

/** 409 (nothing to ask now) and link errors become pages; anything else goes to the error handler. */
function renderFailure(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof DomainError && error.code.startsWith('renewal_link_'))
    return deadLinkPage(request, reply, error);
  if (error instanceof DomainError && error.status === 409)
    return notNowPage(request, reply, error.message, 409);
  throw error;
}

export async function renewalRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // The button of "Mon compte" (no link needed): an active patron near the end date, or expired.
  app.get('/mon-compte/renouveler', async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const situation = await loadRenewalSituation(deps, actor);
    return askPage(request, reply, situation, '/mon-compte/renouveler', deps.clock.now());
  });

  app.post('/mon-compte/renouveler', async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    try {
      const done = await requestRenewal(deps, actor);
      return requested(reply, done.libraryName);
    } catch (error) {
      return renderFailure(request, reply, error);
    }
  });

  // The link of the reminder e-mail.
  app.get<{ Params: { token: string } }>('/mon-compte/renouveler/:token', async (request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    const state = await checkRenewalLink(deps, request.params.token);
    if (state.status !== 'valid') return deadLinkPage(request, reply, renewalLinkError(state.status));
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    try {
      await checkLinkOwner(deps, actor, request.params.token);
    } catch (error) {
      return renderFailure(request, reply, error);
    }
    const situation = await loadRenewalSituation(deps, actor);
    const action = `/mon-compte/renouveler/${request.params.token}`;
    return askPage(request, reply, situation, action, deps.clock.now());
  });

  app.post<{ Params: { token: string } }>('/mon-compte/renouveler/:token', async (request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    try {
      const done = await requestRenewal(deps, actor, { token: request.params.token });
      return requested(reply, done.libraryName);
    } catch (error) {
      return renderFailure(request, reply, error);
    }
  });
}
