import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { OidcHost } from '../../../connectors/oidc/host.js';
import { loadOidcProvider } from '../../../connectors/oidc/load.js';
import { interactionPath, OIDC_PATH } from '../../../connectors/oidc/provider.js';
import { ResourceRefusal } from '../../../domain/resource-access.js';
import { askOidcAuthorization, authorizeOidc, type OidcRequest } from '../../../usecases/oidc/authorize.js';
import { oidcSigningKeys } from '../../../usecases/oidc/rotate-keys.js';
import type { AppDeps } from '../../app.js';
import { requirePatron } from '../../guards.js';
import { sendPage } from '../../render.js';
import { ContinuePage } from '../../views/components/continue-page.js';
import { OidcConsentPage } from '../../views/oidc/consent.js';
import { OidcExpiredPage } from '../../views/oidc/expired.js';
import { OidcRefusalPage } from '../../views/oidc/refusal.js';
import { oidcAdminRoutes } from './admin.js';

/** Marks the interaction page reached straight from the login form (see `finish`). */
const AFTER_LOGIN = 'apres_connexion';

/**
 * OpenID Connect: oidc-provider (a Koa application) answers everything under /oidc, Sésame's
 * own pages answer the interactions (/oidc/interaction/:uid): the patron logs in to Sésame,
 * the opening's checks run, a consent page lists the personal fields asked beyond the pseudonym,
 * then the provider issues the code. Network administrators register clients per resource.
 */
export async function oidcRoutes(
  app: FastifyInstance,
  { deps, cookieSecret }: { deps: AppDeps; cookieSecret: string },
): Promise<void> {
  const host = await OidcHost.start(
    {
      db: deps.db,
      clock: deps.clock,
      baseUrl: deps.config.baseUrl,
      secret: cookieSecret,
      trustProxy: Boolean(deps.config.trustProxy),
      secureCookies: deps.config.secureCookies,
    },
    () => oidcSigningKeys(deps),
  );

  // The protocol endpoints: the body stays unread for oidc-provider, no CSRF token (config).
  await app.register(async (protocol) => {
    protocol.removeAllContentTypeParsers();
    protocol.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    protocol.route({
      method: ['GET', 'POST'],
      url: `${OIDC_PATH}/*`,
      config: { oidcProtocol: true },
      handler: async (request, reply) => {
        const path = request.url.slice(OIDC_PATH.length);
        const keysAsked = /^\/(jwks|\.well-known\/openid-configuration)(\?|$)/.test(path);
        const { callback } = await host.current(keysAsked);
        reply.hijack();
        // As oidc-provider's own mounting examples do: it derives the mount path from originalUrl.
        const raw = request.raw as typeof request.raw & { originalUrl?: string };
        raw.originalUrl = request.url;
        raw.url = path || '/';
        const done = once(reply.raw, 'close');
        callback(raw, reply.raw);
        await done;
      },
    });
  });

  const provider = async (): Promise<Provider> => (await host.current()).provider;
  const { errors: oidcErrors } = await loadOidcProvider();

  /** The pending interaction of this browser, or null when it has expired or is another one. */
  async function details(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
    try {
      const d = await (await provider()).interactionDetails(request.raw, reply.raw);
      if (d.uid !== request.params.uid) return null;
      const scopes = String(d.params.scope ?? '')
        .split(' ')
        .filter(Boolean);
      return { uid: d.uid, request: { clientId: String(d.params.client_id), scopes } as OidcRequest };
    } catch (error) {
      if (error instanceof oidcErrors.SessionNotFound) return null;
      throw error;
    }
  }

  const expired = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(request, reply, { title: 'Demande expirée', status: 400, body: () => <OidcExpiredPage /> });

  const refused = (request: FastifyRequest, reply: FastifyReply, uid: string, refusal: ResourceRefusal) =>
    sendPage(request, reply, {
      title: 'Accès refusé',
      status: refusal.status,
      body: (ctx) => (
        <OidcRefusalPage csrf={ctx.csrf} uid={uid} code={refusal.code} message={refusal.message} />
      ),
    });

  /**
   * Hands the browser back to oidc-provider, which redirects to the client with a code. Right
   * after a form (the login form, the consent page), a redirect would take the form's navigation
   * to the client's site, which the CSP (form-action 'self') blocks in browsers: a page moves on
   * by itself (Refresh header), with a link.
   */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    req: OidcRequest,
    afterForm: boolean,
  ) {
    const patron = request.patron!;
    const p = await provider();
    try {
      const result = await authorizeOidc(deps, p, patron, req);
      const to = await p.interactionResult(request.raw, reply.raw, result, {
        mergeWithLastSubmission: false,
      });
      if (afterForm)
        return sendPage(request, reply.header('refresh', `0;url=${to}`).header('cache-control', 'no-store'), {
          title: 'Connexion réussie',
          body: () => <ContinuePage url={to} />,
        });
      return reply.redirect(to, 303);
    } catch (error) {
      if (error instanceof ResourceRefusal) return refused(request, reply, uid, error);
      throw error;
    }
  }

  app.get<{ Params: { uid: string } }>(`${OIDC_PATH}/interaction/:uid`, async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return expired(request, reply);
    const afterLogin = (request.query as Record<string, unknown>)[AFTER_LOGIN] !== undefined;
    const patron = requirePatron(request, reply, `${interactionPath(d.uid)}?${AFTER_LOGIN}=1`);
    if (!patron) return reply;
    let ask: Awaited<ReturnType<typeof askOidcAuthorization>>;
    try {
      ask = await askOidcAuthorization(deps, patron, d.request);
    } catch (error) {
      if (error instanceof ResourceRefusal) return refused(request, reply, d.uid, error);
      throw error;
    }
    if (ask.fields.length === 0) return finish(request, reply, d.uid, d.request, afterLogin);
    return sendPage(request, reply, {
      title: `Autoriser ${ask.client.name}`,
      body: (ctx) => (
        <OidcConsentPage
          csrf={ctx.csrf}
          uid={d.uid}
          clientName={ask.client.name}
          resourceName={ask.resourceName}
          fields={ask.fields}
        />
      ),
    });
  });

  app.post<{ Params: { uid: string } }>(`${OIDC_PATH}/interaction/:uid/autoriser`, async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return expired(request, reply);
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    return finish(request, reply, d.uid, d.request, true);
  });

  // The patron declines (or leaves after a refusal): the client gets access_denied, no code.
  app.post<{ Params: { uid: string } }>(`${OIDC_PATH}/interaction/:uid/refuser`, async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return expired(request, reply);
    const to = await (await provider()).interactionResult(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'L’usager n’a pas autorisé la connexion.' },
      { mergeWithLastSubmission: false },
    );
    // After a form: a page, not a redirect off the site (see `finish`).
    return sendPage(request, reply.header('refresh', `0;url=${to}`).header('cache-control', 'no-store'), {
      title: 'Connexion non autorisée',
      body: () => <ContinuePage url={to} declined />,
    });
  });

  await app.register(oidcAdminRoutes, { deps });
}

export { interactionPath };
