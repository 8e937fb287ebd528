import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readMessage } from '../../../usecases/account/patron-messages.js';
import {
  loadMessagesPage,
  openPatronThread,
  writeFormContext,
} from '../../../usecases/messages/patron-threads.js';
import { replyAsPatron } from '../../../usecases/messages/reply-as-patron.js';
import { PATRON_THREAD_URL } from '../../../usecases/messages/thread-words.js';
import { writeToLibrary } from '../../../usecases/messages/write-to-library.js';
import type { RouteOptions } from '../../app.js';
import { fieldErrorsOf, parseForm, submitForm } from '../../form.js';
import { requirePatron } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import { MessagePage } from '../../views/account/message-page.js';
import { MessagesPage } from '../../views/account/messages-page.js';
import { PatronThreadPage } from '../../views/messages/patron-thread-page.js';
import { WriteMessagePage } from '../../views/messages/write-message-page.js';
import { ACCOUNT_URLS } from '../../views/patrons/account-sections.js';

const WRITE_URL = `${ACCOUNT_URLS.messages}/ecrire`;
const text = z.string().max(50_000, 'Ce texte est trop long.').optional().default('');
const writeSchema = z.object({ objet: text, message: text });
const replySchema = z.object({ message: text });

type Params = { Params: { id: string } };
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });

/**
 * "Mon compte › Mes messages" (the list, a message received), "Écrire à ma médiathèque" and the
 * patron's conversations: any patron who may log in (temporary, active, renewal, expired
 * account) writes to their home library and answers back in their threads.
 */
export async function libraryMessageRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // "Mes messages": what Sésame and the library sent the patron, and each message.
  app.get(ACCOUNT_URLS.messages, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const { page } = pageQuery.parse(request.query ?? {});
    const { list, threads } = await loadMessagesPage(deps, actor, page);
    return sendPage(request, reply, {
      title: 'Mes messages',
      body: () => <MessagesPage list={list} threads={threads} />,
    });
  });

  app.get<{ Params: { id: string } }>(`${ACCOUNT_URLS.messages}/:id`, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const id = /^[1-9]\d{0,15}$/.test(request.params.id) ? Number(request.params.id) : 0;
    const message = await readMessage(deps, actor, id);
    return sendPage(request, reply, {
      title: message.subject,
      body: () => <MessagePage message={message} />,
    });
  });

  app.get(WRITE_URL, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const form = await writeFormContext(deps, actor);
    return sendPage(request, reply, {
      title: 'Écrire à ma médiathèque',
      body: (ctx) => <WriteMessagePage {...form} csrf={ctx.csrf} />,
    });
  });

  app.post(WRITE_URL, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseForm(writeSchema, request.body),
      async (input) => {
        const id = await writeToLibrary(deps, actor, input);
        setFlash(reply, 'success', 'Votre message a été envoyé à votre médiathèque.');
        return reply.redirect(`${PATRON_THREAD_URL}/${id}`, 303);
      },
      async ({ values, errors, status }) => {
        const form = await writeFormContext(deps, actor);
        return sendPage(request, reply, {
          title: 'Écrire à ma médiathèque',
          status,
          body: (ctx) => <WriteMessagePage {...form} csrf={ctx.csrf} values={values} errors={errors} />,
        });
      },
      fieldErrorsOf,
    );
  });

  app.get<Params>(`${PATRON_THREAD_URL}/:id`, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const data = await openPatronThread(deps, actor, request.params.id);
    return sendPage(request, reply, {
      title: `Conversation : ${data.thread.subject}`,
      body: (ctx) => <PatronThreadPage {...data} csrf={ctx.csrf} />,
    });
  });

  app.post<Params>(`${PATRON_THREAD_URL}/:id/repondre`, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const id = request.params.id;
    return submitForm(
      parseForm(replySchema, request.body),
      async (input) => {
        await replyAsPatron(deps, actor, id, input);
        setFlash(reply, 'success', 'Votre réponse a été envoyée.');
        return reply.redirect(`${PATRON_THREAD_URL}/${id}`, 303);
      },
      async ({ values, errors, status }) => {
        const data = await openPatronThread(deps, actor, id);
        return sendPage(request, reply, {
          title: `Conversation : ${data.thread.subject}`,
          status,
          body: (ctx) => <PatronThreadPage {...data} csrf={ctx.csrf} values={values} errors={errors} />,
        });
      },
      fieldErrorsOf,
    );
  });
}
