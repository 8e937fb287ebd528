import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  type CasValidation,
  parseFormat,
  validationJson,
  validationXml,
} from '../../../connectors/cas/protocol.js';
import type { RefusalCode } from '../../../domain/resource-access.js';
import { casLogin } from '../../../usecases/cas/cas-login.js';
import { casLogout } from '../../../usecases/cas/cas-logout.js';
import { validateServiceTicket } from '../../../usecases/cas/validate-ticket.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { sendPage } from '../../render.js';
import {
  CasLoggedInPage,
  CasLoggedOutPage,
  CasLogoutConfirmPage,
  CasRefusalPage,
  StaffNoTicketPage,
  UnregisteredServicePage,
} from '../../views/cas/cas-pages.js';
import { ContinuePage } from '../../views/components/continue-page.js';

/**
 * Sésame's CAS 3.0 server (Apereo's CAS Protocol Specification 3.0.3), under /cas:
 * /cas/login (credential requestor; the credential acceptor is Sésame's own /connexion, which
 * comes back here), /cas/serviceValidate and /cas/p3/serviceValidate (XML, JSON with
 * format=JSON; attributes on both, as §2.5.5 allows), /cas/proxyValidate and
 * /cas/p3/proxyValidate (service tickets only: no proxy tickets are issued) and /cas/logout.
 */

/** A query value as the protocol sees it: one string or absent; a repeated one fits nothing. */
function one(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : '\u0000';
}

/** `renew` and `gateway` are on when present (the specification recommends "true"), unless "false". */
function flag(v: unknown): boolean {
  return v !== undefined && v !== 'false';
}

/** Marks the return from Sésame's login form (not a CAS parameter: services never send it). */
const AFTER_LOGIN = 'apres_connexion';

const REFUSAL_TITLES: Partial<Record<RefusalCode, string>> = {
  resource_unknown: 'Ressource introuvable',
  quota_reached: 'Quota du mois atteint',
  cap_reached: 'Ressource momentanément fermée',
  age_restricted: 'Contenu réservé',
  age_unknown: 'Contenu réservé',
  subscription_expired: 'Abonnement expiré',
  not_subscribed: 'Ressource non proposée par votre bibliothèque',
  right_withdrawn: 'Accès retiré',
};

export async function casRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const clearSession = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });

  app.get('/cas/login', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const out = await casLogin(deps, {
      patron: request.patron,
      staff: Boolean(request.actor),
      sessionToken: request.cookies[SESSION_COOKIE],
      service: one(q.service),
      renew: flag(q.renew),
      gateway: flag(q.gateway),
      ticketSeconds: request.network.settings.casTicketSeconds,
    });
    reply.header('cache-control', 'no-store');
    switch (out.kind) {
      case 'redirect':
        // Straight from the login form: a redirect to the provider would be part of the form's
        // navigation, which the login page's CSP (form-action 'self') blocks in browsers. An
        // advisory page (§2.1.1 allows one) moves on by itself, with a link without refresh.
        if (out.ticket && q[AFTER_LOGIN] !== undefined)
          return sendPage(request, reply.header('refresh', `0;url=${out.url}`), {
            title: 'Connexion réussie',
            body: () => <ContinuePage url={out.url} />,
          });
        return reply.redirect(out.url, 303);
      case 'login': {
        if (out.endSession) clearSession(reply);
        const back = q[AFTER_LOGIN] === undefined ? `${request.url}&${AFTER_LOGIN}=1` : request.url;
        return reply.redirect(`/connexion?suite=${encodeURIComponent(back)}`, 303);
      }
      case 'unregistered':
        return sendPage(request, reply, {
          title: 'Service inconnu',
          status: 400,
          body: () => <UnregisteredServicePage />,
        });
      case 'staff':
        return sendPage(request, reply, {
          title: 'Connexion réservée aux usagers',
          status: 403,
          body: () => <StaffNoTicketPage />,
        });
      case 'no_service':
        return sendPage(request, reply, { title: 'Vous êtes connecté', body: () => <CasLoggedInPage /> });
      case 'refused': {
        const title = REFUSAL_TITLES[out.refusal.code] ?? 'Accès refusé';
        return sendPage(request, reply, {
          title,
          status: out.refusal.status,
          body: () => (
            <CasRefusalPage
              title={title}
              code={out.refusal.code}
              message={out.refusal.message}
              warning={out.refusal.status === 429}
            />
          ),
        });
      }
    }
  });

  for (const path of [
    '/cas/serviceValidate',
    '/cas/p3/serviceValidate',
    '/cas/proxyValidate',
    '/cas/p3/proxyValidate',
  ])
    app.get(path, async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const format = parseFormat(q.format);
      const result: CasValidation =
        format === null
          ? { ok: false, code: 'INVALID_REQUEST', description: 'Format inconnu : XML ou JSON.' }
          : await validateServiceTicket(deps, {
              ticket: one(q.ticket),
              service: one(q.service),
              renew: flag(q.renew),
              pgtUrl: q.pgtUrl !== undefined,
            });
      reply.header('cache-control', 'no-store');
      return format === 'JSON'
        ? reply.type('application/json; charset=utf-8').send(validationJson(result))
        : reply.type('application/xml; charset=utf-8').send(validationXml(result));
    });

  // Logging out is confirmed by a button (a POST with its CSRF token), as Apereo's server does
  // with confirm-logout: a link or an image on another site cannot end a patron's session.
  app.get('/cas/logout', async (request, reply) => {
    const service = one((request.query as Record<string, unknown>).service);
    if (request.patron || request.actor)
      return sendPage(request, reply, {
        title: 'Se déconnecter',
        body: (ctx) => <CasLogoutConfirmPage csrf={ctx.csrf} service={service} />,
      });
    const out = await casLogout(deps, { sessionToken: undefined, service });
    if (out.redirect) return reply.redirect(out.redirect, 303);
    return sendPage(request, reply, { title: 'Vous êtes déconnecté', body: () => <CasLoggedOutPage /> });
  });

  app.post('/cas/logout', async (request, reply) => {
    const service = one((request.body as Record<string, unknown> | undefined)?.service);
    const out = await casLogout(deps, { sessionToken: request.cookies[SESSION_COOKIE], service });
    clearSession(reply);
    request.patron = null;
    request.actor = null;
    // Not a redirect: the confirmation form's navigation may not leave the site (form-action 'self').
    if (out.redirect)
      return sendPage(request, reply.header('refresh', `0;url=${out.redirect}`), {
        title: 'Vous êtes déconnecté',
        body: () => <ContinuePage url={out.redirect!} loggedOut />,
      });
    request.patron = null;
    request.actor = null;
    return sendPage(request, reply, { title: 'Vous êtes déconnecté', body: () => <CasLoggedOutPage /> });
  });
}
