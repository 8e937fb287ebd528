import type { FastifyInstance } from 'fastify';
import { loadAccountHome } from '../../../usecases/account/account-home.js';
import type { RouteOptions } from '../../app.js';
import { requirePatron } from '../../guards.js';
import { sendPage } from '../../render.js';
import { AccountPage } from '../../views/account/account-page.js';

export async function accountRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/mon-compte', async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const home = await loadAccountHome(deps, actor);
    return sendPage(request, reply, {
      title: 'Mon compte',
      body: (ctx) => (
        <AccountPage
          home={home}
          settings={request.network.settings}
          csrf={ctx.csrf}
          networkName={ctx.networkName}
        />
      ),
    });
  });
}
