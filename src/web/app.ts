import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { getNetwork, getNetworkCached } from '../db/repositories/network.js';
import type { Clock } from '../domain/clock.js';
import { resolveSession } from '../usecases/auth/resolve-session.js';
import type { Deps } from '../usecases/deps.js';
import { unreadMessageCount } from '../usecases/messages/staff-inbox.js';
import { DSFR, OWN } from './assets.js';
import { registerInputCleaning } from './control-characters.js';
import { registerErrorHandling } from './errors.js';
import { redactUrl } from './log-redaction.js';
import { createMetrics, type Metrics } from './metrics.js';
import { precompressBundle } from './precompress.js';
import { casRoutes } from './routes/cas/cas.js';
import { casAdminRoutes } from './routes/cas/cas-admin.js';
import { contentRoutes } from './routes/content/content-pages.js';
import { outboxRoutes } from './routes/network/outbox.js';
import { overdueRoutes } from './routes/network/overdue.js';
import { adminResourceRoutes } from './routes/network/resources.js';
import { settingsRoutes } from './routes/network/settings.js';
import { sip2Routes } from './routes/network/sip2.js';
import { staffAccountRoutes } from './routes/network/staff-accounts.js';
import { templateRoutes } from './routes/network/templates.js';
import { oidcRoutes } from './routes/oidc/oidc.js';
import { operationsRoutes } from './routes/operations.js';
import { accountRoutes } from './routes/patron/account.js';
import { accountDataRoutes } from './routes/patron/account-data.js';
import { accountSettingsRoutes } from './routes/patron/account-settings.js';
import { libraryMessageRoutes } from './routes/patron/library-messages.js';
import { registrationRoutes } from './routes/patron/registration.js';
import { renewalRoutes } from './routes/patron/renewal.js';
import { resourceRoutes } from './routes/patron/resources.js';
import { authRoutes } from './routes/public/auth.js';
import { demoProviderRoutes } from './routes/public/demo-provider.js';
import { publicPages } from './routes/public/pages.js';
import { supportContactRoutes } from './routes/public/support-contact.js';
import { dashboardRoutes } from './routes/staff/dashboard.js';
import { decisionRoutes } from './routes/staff/decisions.js';
import { libraryRoutes } from './routes/staff/libraries.js';
import { libraryIlsRoutes } from './routes/staff/library-ils.js';
import { messageInboxRoutes } from './routes/staff/message-inbox.js';
import { patronExportRoutes } from './routes/staff/patron-export.js';
import { patronQueueRoutes } from './routes/staff/patron-queue.js';
import { patronRecordRoutes } from './routes/staff/patron-record.js';
import { patronResourceRoutes } from './routes/staff/patron-resources.js';
import { patronToolRoutes } from './routes/staff/patron-tools.js';
import { staffRegistrationRoutes } from './routes/staff/staff-registration.js';
import { statisticsRoutes } from './routes/staff/statistics.js';
import './types.js';

export const SESSION_COOKIE = 'sesame_session';

export interface AppOptions {
  config: Config;
  database: Database;
  clock: Clock;
  metrics?: Metrics;
  /** Where log lines go (tests read them); standard output by default. */
  logStream?: { write(line: string): void };
}

/** Everything a route may use. Routes parse, call one use case, render. */
export interface AppDeps extends Deps {
  config: Config;
  database: Database;
  metrics: Metrics;
}

/**
 * Builds the whole web application as a Fastify instance, without listening: the server
 * listens, tests call app.inject(). Expects a migrated database with its network row.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database, clock } = options;
  const network = await getNetwork(database.db);
  const metrics = options.metrics ?? createMetrics(database.db);
  const deps: AppDeps = { db: database.db, clock, baseUrl: config.baseUrl, config, database, metrics };

  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Secrets never reach the logs: no cookies, no authorisation headers, no bodies.
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
                method: req.method,
                url: redactUrl(req.url),
                hostname: req.hostname,
                remoteAddress: req.ip,
              }),
            },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.decorateRequest('network', null as never);
  app.decorateRequest('actor', null);
  app.decorateRequest('patron', null);
  app.decorateRequest('sessionExpired', false);
  app.decorateRequest('multipartCsrf', null);
  app.decorateRequest('unreadMessages', null);

  // Security headers, built once: @fastify/helmet rebuilt helmet's middleware (and parsed the
  // policy again) on every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
  );
  await app.register(fastifyCookie, { secret: network.cookieSecret });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'sesame_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
    // Never from the query string (a token in a URL reaches logs and Referer headers). A multipart
    // body is streamed by its route, which reads the token from the form's first field.
    getToken: (req) =>
      (req.body as Record<string, string> | undefined)?._csrf ?? req.multipartCsrf ?? undefined,
  });
  // File uploads (CSV import): the route reads the file itself, at most 2 Mo.
  await app.register(fastifyMultipart, {
    attachFieldsToBody: false,
    limits: { fileSize: 2 * 1024 * 1024, files: 1, fields: 10, parts: 20 },
  });
  // Fingerprinted URLs (assets.ts): cached a year, brotli or gzip copies made ahead of time.
  for (const bundle of [DSFR, OWN]) {
    const compressed = await precompressBundle(bundle);
    await app.register(fastifyStatic, {
      root: compressed ? [compressed, bundle.root] : bundle.root,
      prefix: bundle.prefix,
      preCompressed: true,
      maxAge: '365d',
      immutable: true,
      decorateReply: bundle === DSFR,
    });
  }

  // Who is asking: the network (for its name and settings) and the session's staff member.
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/dsfr/') || request.url.startsWith('/static/')) return;
    if (['/healthz', '/readyz', '/metrics'].includes(request.url)) return;
    request.network = await getNetworkCached(deps.db);
    const state = await resolveSession(deps, request.network, request.cookies[SESSION_COOKIE]);
    if (state.status === 'active') request.actor = state.actor;
    // The staff menu's "Messages" badge, for pages only (a form's POST redirects to one).
    if (request.actor && request.method === 'GET')
      request.unreadMessages = await unreadMessageCount(deps, request.actor);
    if (state.status === 'patron') request.patron = state.patron;
    if (state.status === 'expired') request.sessionExpired = true;
  });

  registerInputCleaning(app);

  // CSRF on every state-changing request. preHandler: the body (and its token) is parsed by then.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return done();
    // Only a route that says so checks the token itself, from its multipart body (verifyMultipartCsrf).
    if (request.routeOptions.config.csrfInMultipart && request.isMultipart()) return done();
    if (request.routeOptions.config.oidcProtocol) return done();
    app.csrfProtection(request, reply, done);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  registerErrorHandling(app);

  await app.register(operationsRoutes, { deps });
  await app.register(publicPages, { deps });
  await app.register(authRoutes, { deps });
  await app.register(dashboardRoutes, { deps });
  await app.register(libraryRoutes, { deps });
  await app.register(staffAccountRoutes, { deps });
  await app.register(settingsRoutes, { deps });
  await app.register(outboxRoutes, { deps });
  await app.register(registrationRoutes, { deps });
  await app.register(accountRoutes, { deps });
  await app.register(accountSettingsRoutes, { deps });
  await app.register(accountDataRoutes, { deps });
  await app.register(renewalRoutes, { deps });
  await app.register(patronQueueRoutes, { deps });
  await app.register(patronExportRoutes, { deps });
  await app.register(patronRecordRoutes, { deps });
  await app.register(staffRegistrationRoutes, { deps });
  await app.register(patronToolRoutes, { deps });
  await app.register(decisionRoutes, { deps });
  await app.register(overdueRoutes, { deps });
  await app.register(templateRoutes, { deps });
  await app.register(contentRoutes, { deps });
  await app.register(demoProviderRoutes, { deps });
  await app.register(resourceRoutes, { deps });
  await app.register(adminResourceRoutes, { deps });
  await app.register(patronResourceRoutes, { deps });
  await app.register(sip2Routes, { deps });
  await app.register(libraryIlsRoutes, { deps });
  await app.register(messageInboxRoutes, { deps });
  await app.register(libraryMessageRoutes, { deps });
  await app.register(supportContactRoutes, { deps });
  await app.register(oidcRoutes, { deps, cookieSecret: network.cookieSecret });
  await app.register(casRoutes, { deps });
  await app.register(casAdminRoutes, { deps });
  await app.register(statisticsRoutes, { deps });

  return app;
}

export type RouteOptions = { deps: AppDeps };
