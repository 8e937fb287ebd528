import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listResources } from '../../../db/repositories/resources.js';
import { listSip2Accounts } from '../../../db/repositories/sip2.js';
import { createSip2Account } from '../../../usecases/sip2/create-account.js';
import { removeSip2Account } from '../../../usecases/sip2/delete-account.js';
import type { RouteOptions } from '../../app.js';
import { parseForm, submitForm } from '../../form.js';
import { requireAdmin } from '../../guards.js';
import { sendPage, setFlash } from '../../render.js';
import {
  SIP2_URL,
  Sip2AccountsPage,
  type Sip2AccountsPageProps,
} from '../../views/sip2/sip2-accounts-page.js';

const accountForm = z.object({
  identifiant: z.string().max(200).optional().default(''),
  ressource: z.string().max(100).optional().default(''),
  adresses: z.string().max(5_000, 'Au plus 5 000 caractères.').optional().default(''),
  institution: z.string().max(200).optional().default(''),
});

const deleteForm = z.object({ compte: z.string().max(100) });

type PageState = Pick<Sip2AccountsPageProps, 'created' | 'values' | 'errors'> & { status?: number };

/** /admin/sip2: the providers' accounts on the SIP2 server (network administrators). */
export async function sip2Routes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  async function page(request: FastifyRequest, reply: FastifyReply, state: PageState) {
    const [accounts, resources] = await Promise.all([listSip2Accounts(deps.db), listResources(deps.db)]);
    const sip2 = deps.config.sip2;
    return sendPage(request, reply, {
      title: 'Comptes SIP2 des fournisseurs',
      status: state.status,
      body: (ctx) => (
        <Sip2AccountsPage
          csrf={ctx.csrf}
          accounts={accounts}
          resources={resources.map((r) => ({ id: r.id, name: r.name }))}
          listener={sip2 ? { port: sip2.port, tls: Boolean(sip2.tlsCert) } : null}
          {...state}
        />
      ),
    });
  }

  app.get(SIP2_URL, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    return page(request, reply, {});
  });

  app.post(SIP2_URL, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    return submitForm(
      parseForm(accountForm, request.body),
      async (data) => {
        const created = await createSip2Account(deps, actor, {
          login: data.identifiant,
          resourceId: data.ressource,
          allowedIps: data.adresses,
          institution: data.institution,
        });
        // The password is in this answer only: never stored in clear, never in a redirect.
        reply.header('cache-control', 'no-store');
        return page(request, reply, { created: { login: created.login, password: created.password } });
      },
      (refused) => page(request, reply, refused),
    );
  });

  app.post(`${SIP2_URL}/supprimer`, async (request, reply) => {
    const actor = requireAdmin(request, reply);
    if (!actor) return reply;
    const form = parseForm(deleteForm, request.body);
    // Deleting is idempotent: an account already gone (another tab, a double click) is said so.
    const removed = await removeSip2Account(deps, actor, form.ok ? form.data.compte : '');
    setFlash(
      reply,
      removed ? 'success' : 'info',
      removed
        ? 'Compte SIP2 supprimé : ses prochaines connexions seront refusées.'
        : 'Ce compte SIP2 n’existe plus : rien à supprimer.',
    );
    return reply.redirect(SIP2_URL, 303);
  });
}
