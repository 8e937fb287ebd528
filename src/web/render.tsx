import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { NetworkContact } from './views/components/contact-block.js';
import { Layout, type PageContext } from './views/layout.js';

type Flash = NonNullable<PageContext['flash']>;
const FLASH_COOKIE = 'sesame_flash';

/** A one-time message shown on the next page (after a POST-redirect-GET). */
export function setFlash(reply: FastifyReply, kind: Flash['kind'], message: string): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify({ kind, message }), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: 60,
  });
}

function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return null;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const parsed = JSON.parse(unsigned.value) as Flash;
    if (['success', 'info', 'error'].includes(parsed.kind) && typeof parsed.message === 'string')
      return parsed;
  } catch {}
  return null;
}

/** The contact block's four settings. */
export function networkContact(s: {
  contactAddress: string;
  contactPhones: string;
  contactEmail: string;
  contactHours: string;
}): NetworkContact {
  return { address: s.contactAddress, phones: s.contactPhones, email: s.contactEmail, hours: s.contactHours };
}

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    networkName: request.network?.name ?? 'Sésame',
    actor: request.actor ?? null,
    patron: request.patron ?? null,
    selfRegistration: request.network?.settings.selfRegistration ?? false,
    csrf: reply.generateCsrf(),
    path: request.url.split('?')[0] ?? '/',
    flash: takeFlash(request, reply),
    unreadMessages: request.unreadMessages ?? 0,
    contact: request.network ? networkContact(request.network.settings) : null,
  };
}

/** Renders a full page in the layout and sends it. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { title: string; status?: number; body: (ctx: PageContext) => ComponentChildren },
): FastifyReply {
  const ctx = pageContext(request, reply);
  const html = renderToString(
    <Layout ctx={ctx} title={page.title}>
      {page.body(ctx)}
    </Layout>,
  );
  return reply
    .status(page.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${html}`);
}
