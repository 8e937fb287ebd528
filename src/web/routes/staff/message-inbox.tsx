import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../../domain/errors.js';
import { changeThreadState } from '../../../usecases/messages/change-thread-state.js';
import { replyAsStaff } from '../../../usecases/messages/reply-as-staff.js';
import { loadInbox, openStaffThread } from '../../../usecases/messages/staff-inbox.js';
import { takeOverThread } from '../../../usecases/messages/take-over-thread.js';
import type { RouteOptions } from '../../app.js';
import { fieldErrorsOf, parseForm, submitForm } from '../../form.js';
import { requireStaff } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { INBOX_URL, InboxPage } from '../../views/messages/inbox-page.js';
import { StaffThreadPage } from '../../views/messages/staff-thread-page.js';

const inboxQuery = z.object({
  etat: z.enum(['new', 'answered', 'closed']).optional().catch(undefined),
  boite: z
    .string()
    .regex(/^(support|[0-9a-f-]{36})$/i)
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
const threadQuery = z.object({ reponse: z.string().max(40).optional().catch(undefined) });
const replySchema = z.object({
  message: z.string().max(50_000, 'Ce texte est trop long.').optional().default(''),
});

type Params = { Params: { id: string } };

/**
 * "Messages" (staff): the inbox of the actor's scope, one thread, the reply, close/reopen and,
 * for network administrators, taking over an overdue library message. Another library's thread
 * is "not found", for reading and for every POST.
 */
export async function messageInboxRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(INBOX_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const q = inboxQuery.parse(request.query ?? {});
    const inbox = await loadInbox(deps, actor, { state: q.etat, inbox: q.boite, page: q.page });
    return sendPage(request, reply, { title: 'Messages', body: () => <InboxPage inbox={inbox} /> });
  });

  app.get<Params>(`${INBOX_URL}/:id`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const { reponse } = threadQuery.parse(request.query ?? {});
    const data = await openStaffThread(deps, actor, request.params.id, { savedReply: reponse });
    if (data.markedRead && request.unreadMessages) request.unreadMessages--;
    const values = data.chosenReply ? { message: data.chosenReply.text } : undefined;
    return sendPage(request, reply, {
      title: `Message : ${data.thread.subject}`,
      body: (ctx) => <StaffThreadPage data={data} csrf={ctx.csrf} values={values} />,
    });
  });

  app.post<Params>(`${INBOX_URL}/:id/repondre`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    return submitForm(
      parseForm(replySchema, request.body),
      async ({ message }) => {
        await replyAsStaff(deps, actor, id, { message });
        setFlash(reply, 'success', 'Votre réponse a été envoyée.');
        return reply.redirect(`${INBOX_URL}/${id}`, 303);
      },
      async ({ values, errors, status }) => {
        const data = await openStaffThread(deps, actor, id, { markRead: false });
        return sendPage(request, reply, {
          title: `Message : ${data.thread.subject}`,
          status,
          body: (ctx) => <StaffThreadPage data={data} csrf={ctx.csrf} values={values} errors={errors} />,
        });
      },
      fieldErrorsOf,
    );
  });

  const stateChange = (suffix: string, to: 'closed' | 'open', done: string) =>
    app.post<Params>(`${INBOX_URL}/:id/${suffix}`, async (request, reply) => {
      const actor = requireStaff(request, reply);
      if (!actor) return reply;
      const id = request.params.id;
      try {
        await changeThreadState(deps, actor, id, to);
        setFlash(reply, 'success', done);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 409) throw error;
        setFlash(reply, 'error', error.message);
      }
      return reply.redirect(`${INBOX_URL}/${id}`, 303);
    });
  stateChange('clore', 'closed', 'Le message est clos.');
  stateChange('rouvrir', 'open', 'Le message est rouvert.');

  app.post<Params>(`${INBOX_URL}/:id/prendre-en-charge`, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    try {
      await takeOverThread(deps, actor, id);
      setFlash(reply, 'success', 'Vous avez pris ce message en charge : vous pouvez y répondre.');
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== 409) throw error;
      setFlash(reply, 'error', error.message);
    }
    return reply.redirect(`${INBOX_URL}/${id}`, 303);
  });
}
