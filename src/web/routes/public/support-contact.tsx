import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { askSupport, type SupportAsker } from '../../../usecases/messages/ask-support.js';
import { supportFormContext } from '../../../usecases/messages/support-form.js';
import { PATRON_THREAD_URL } from '../../../usecases/messages/thread-words.js';
import type { RouteOptions } from '../../app.js';
import { fieldErrorsOf, parseForm, submitForm } from '../../form.js';
import { sendPage, setFlash } from '../../render.js';
import { HONEYPOT_FIELD, SupportPage } from '../../views/messages/support-page.js';

export const SUPPORT_URL = '/aide/contact';
const text = z.string().max(50_000, 'Ce texte est trop long.').optional().default('');
const schema = z.object({ courriel: text, objet: text, message: text, [HONEYPOT_FIELD]: text });

const TITLE = 'Poser une question au support technique';

function askerOf(request: FastifyRequest, courriel: string): SupportAsker {
  if (request.patron) return { kind: 'patron', actor: request.patron };
  if (request.actor) return { kind: 'staff', actor: request.actor };
  return { kind: 'visitor', email: courriel };
}

/** "Poser une question au support technique": for anyone, logged in or not. */
export async function supportContactRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const page = async (request: FastifyRequest) => supportFormContext(deps, request.patron, request.actor);

  app.get(SUPPORT_URL, async (request, reply) => {
    const form = await page(request);
    return sendPage(request, reply, {
      title: TITLE,
      body: (ctx) => <SupportPage {...form} networkName={ctx.networkName} csrf={ctx.csrf} />,
    });
  });

  app.post(SUPPORT_URL, async (request, reply) => {
    return submitForm(
      parseForm(schema, request.body),
      async (input) => {
        const { threadId } = await askSupport(deps, askerOf(request, input.courriel), {
          objet: input.objet,
          message: input.message,
          honeypot: input[HONEYPOT_FIELD],
        });
        if (request.patron && threadId) {
          setFlash(reply, 'success', 'Votre question a été envoyée au support technique.');
          return reply.redirect(`${PATRON_THREAD_URL}/${threadId}`, 303);
        }
        setFlash(
          reply,
          'success',
          'Votre question a été envoyée au support technique. La réponse vous parviendra par courriel.',
        );
        return reply.redirect(SUPPORT_URL, 303);
      },
      async ({ values, errors, status }) => {
        const form = await page(request);
        return sendPage(request, reply, {
          title: TITLE,
          status,
          body: (ctx) => (
            <SupportPage
              {...form}
              networkName={ctx.networkName}
              csrf={ctx.csrf}
              values={values}
              errors={errors}
            />
          ),
        });
      },
      fieldErrorsOf,
    );
  });
}
