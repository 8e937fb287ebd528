import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseForm, type RefusedForm, submitForm } from './form.js';
import type { FieldErrors } from './views/components/forms.js';

/**
 * A page with one form, as a pair of routes: GET shows the page; POST checks the actor, validates
 * the body with `schema`, runs `submit` (one use case, then a redirect) and, when the schema or
 * the use case refuses, shows the page again with the messages and what was typed.
 */
export function formRoute<A, S extends z.ZodType>(
  app: FastifyInstance,
  url: string,
  route: {
    /** requirePatron, requireStaff…: the actor, or null once the reply is sent. */
    guard: (request: FastifyRequest, reply: FastifyReply) => A | null;
    schema: S;
    page: (request: FastifyRequest, reply: FastifyReply, actor: A, refused?: RefusedForm) => unknown;
    submit: (data: z.output<S>, actor: A, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
    /** Which refusals of the use case show next to a field (ValidationError's by default). */
    errorsOf?: (error: unknown) => FieldErrors | null;
  },
): void {
  app.get(url, async (request, reply) => {
    const actor = route.guard(request, reply);
    if (!actor) return reply;
    return route.page(request, reply, actor);
  });
  app.post(url, async (request, reply) => {
    const actor = route.guard(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseForm(route.schema, request.body),
      (data) => route.submit(data, actor, request, reply),
      (refused) => route.page(request, reply, actor, refused),
      route.errorsOf,
    );
  });
}

/** The `:id` of a form route's URL (`/admin/ressources/:id/cas`…). */
export const idParam = (request: FastifyRequest): string => (request.params as { id: string }).id;
