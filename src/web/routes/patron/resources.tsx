import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ResourceRefusal } from '../../../domain/resource-access.js';
import { loadCatalog } from '../../../usecases/resources/catalog.js';
import { openDocument } from '../../../usecases/resources/open-document.js';
import { openingConfirmation } from '../../../usecases/resources/opening-confirmation.js';
import type { RouteOptions } from '../../app.js';
import { sendPage } from '../../render.js';
import { CATALOG_TITLE, CatalogPage } from '../../views/catalog/catalog-page.js';
import {
  OPENING_CONFIRMATION_TITLE,
  OpeningConfirmationPage,
} from '../../views/catalog/opening-confirmation.js';
import { RefusalPage, refusalTitle } from '../../views/catalog/refusal-page.js';
import { CATALOG_URL, YOUTH_URL } from '../../views/catalog/urls.js';
import { YOUTH_TITLE, YouthPage } from '../../views/catalog/youth-page.js';

/**
 * The patron's catalog (/ressources), the under-12 space (/ressources/jeunesse) and the opening
 * of a document (/ressources/:id/ouvrir?document=…), which redirects to the provider or says
 * in French why not, with the next step.
 */
export async function resourceRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get<{ Querystring: { tout?: string } }>(CATALOG_URL, async (request, reply) => {
    const view = await loadCatalog(deps, request.patron);
    // Under-12 patrons land on their space; the whole catalog (what their age allows) stays one link away.
    if (view.underTwelve && request.query.tout !== '1') return reply.redirect(YOUTH_URL, 303);
    return sendPage(request, reply, { title: CATALOG_TITLE, body: () => <CatalogPage view={view} /> });
  });

  app.get(YOUTH_URL, async (request, reply) => {
    const view = await loadCatalog(deps, request.patron);
    return sendPage(request, reply, { title: YOUTH_TITLE, body: () => <YouthPage view={view} /> });
  });

  // A GET that counts: no HEAD twin, so link checkers and previews never use a quota. A click
  // from another site, or on the month's last unit, is asked first (see openingConfirmation).
  app.get<{
    Params: { id: string };
    Querystring: { document?: string | string[]; confirmer?: string };
  }>('/ressources/:id/ouvrir', { exposeHeadRoute: false }, async (request, reply) => {
    const raw = request.query.document;
    const document = Array.isArray(raw) ? '\u0000' : raw;
    const fromOutside = cameFromOutside(request, deps.config.baseUrl);
    if (request.patron && (fromOutside || request.query.confirmer === '1')) {
      const question = await openingConfirmation(deps, request.patron, {
        resourceId: request.params.id,
        document,
        fromOutside,
        requested: request.query.confirmer === '1',
      });
      if (question)
        return sendPage(request, reply.header('cache-control', 'no-store'), {
          title: OPENING_CONFIRMATION_TITLE,
          body: (ctx) => (
            <OpeningConfirmationPage question={question} fromOutside={fromOutside} csrf={ctx.csrf} />
          ),
        });
    }
    return open(request, reply, document);
  });

  // The confirmation's button (CSRF-checked like every POST).
  app.post<{ Params: { id: string } }>('/ressources/:id/ouvrir', async (request, reply) => {
    // Absent: the resource's home page, as the GET without a document; anything but one string
    // (a forged array) is no document at all.
    const raw = (request.body as Record<string, unknown> | undefined)?.document;
    return open(request, reply, raw === undefined || typeof raw === 'string' ? raw : '\u0000');
  });

  async function open(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    document?: string,
  ) {
    try {
      const out = await openDocument(deps, request.patron, { resourceId: request.params.id, document });
      return reply.header('cache-control', 'no-store').redirect(out.url, 303);
    } catch (e) {
      if (!(e instanceof ResourceRefusal)) throw e;
      if (e.retryAt) reply.header('retry-after', secondsUntil(e.retryAt, deps.clock.now()));
      return sendPage(request, reply, {
        title: refusalTitle(e.code),
        status: e.status,
        body: () => <RefusalPage code={e.code} message={e.message} status={e.status} here={request.url} />,
      });
    }
  }
}

function secondsUntil(at: Date, now: Date): string {
  return String(Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000)));
}

/**
 * Whether the browser says the click came from another site (or a bookmark, or an e-mail):
 * Sec-Fetch-Site, which every current browser sends, else the Referer's origin. Our own pages
 * send no Referer (Referrer-Policy: no-referrer), so an older browser is asked every time.
 */
function cameFromOutside(request: FastifyRequest, baseUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin';
  const referer = request.headers.referer;
  if (!referer) return true;
  try {
    return new URL(referer).origin !== new URL(baseUrl).origin;
  } catch {
    return true;
  }
}
