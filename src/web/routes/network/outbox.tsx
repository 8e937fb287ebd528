import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError, notFound } from '../../../domain/errors.js';
import { listMail } from '../../../usecases/network/list-mail.js';
import { readMailForAdmin } from '../../../usecases/network/read-mail.js';
import { MAIL_LINK_DEAD, MAIL_NOT_FAILED, resendMail } from '../../../usecases/network/resend-mail.js';
import type { RouteOptions } from '../../app.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { MailListPage } from '../../views/outbox/mail-list-page.js';
import { MailPage, mailTitle } from '../../views/outbox/mail-page.js';
import { MAIL_LIST_URL as LIST_URL, MAIL_LIST_TITLE, MAIL_STATUSES } from '../../views/outbox/mail-status.js';

/**
 * The list is reached from bookmarks and hand-edited addresses: a bad parameter falls back to
 * its default instead of failing the page.
 */
const listQuery = z.object({
  q: z
    .string()
    .transform((s) => s.trim().slice(0, 200))
    .catch(''),
  etat: z.enum(MAIL_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});

/** Ids are positive integers; anything else is simply a page that does not exist. */
function parseMailId(raw: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/** The outbox in the back-office: what left, what waits, what failed and why. Network administrators only. */
export async function outboxRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const smtpConfigured = Boolean(deps.config.smtpUrl);

  app.get(LIST_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const query = listQuery.parse(request.query ?? {});
    const list = await listMail(deps, query);
    return sendPage(request, reply, {
      title: MAIL_LIST_TITLE,
      body: () => <MailListPage query={query} list={list} smtpConfigured={smtpConfigured} />,
    });
  });

  app.get<{ Params: { id: string } }>(`${LIST_URL}/:id`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const id = parseMailId(request.params.id);
    if (id === null) throw notFound('Ce courriel');
    const read = await readMailForAdmin(deps, id, { smtpConfigured });
    return sendPage(request, reply, {
      title: mailTitle(read.mail),
      body: (ctx) => <MailPage read={read} smtpConfigured={smtpConfigured} csrf={ctx.csrf} />,
    });
  });

  app.post<{ Params: { id: string } }>(`${LIST_URL}/:id/renvoyer`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const id = parseMailId(request.params.id);
    if (id === null) throw notFound('Ce courriel');
    try {
      await resendMail(deps, actor, id);
    } catch (error) {
      if (!(error instanceof DomainError) || ![MAIL_NOT_FAILED, MAIL_LINK_DEAD].includes(error.code))
        throw error;
      setFlash(reply, 'error', error.message);
      return reply.redirect(`${LIST_URL}/${id}`, 303);
    }
    setFlash(reply, 'success', 'Le courriel sera renvoyé dans quelques secondes.');
    return reply.redirect(`${LIST_URL}/${id}`, 303);
  });
}
