import type { FastifyInstance } from 'fastify';
import { listLibraries } from '../../../db/repositories/libraries.js';
import { outboxCounts } from '../../../db/repositories/outbox.js';
import { ROLE_LABELS } from '../../../domain/actor.js';
import type { RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';

/** The staff home page: what this person can do, with the figures that need attention. */
export async function dashboardRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/admin', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const libraries = await listLibraries(deps.db, actor.scope);
    const mail = actor.role === 'network_admin' ? await outboxCounts(deps.db) : null;
    return sendPage(request, reply, {
      title: 'Tableau de bord',
      body: () => (
        <>
          <h1>Bonjour {actor.name}</h1>
          <p class="fr-text--lead">
            {ROLE_LABELS[actor.role]}
            {actor.role === 'library_staff' && ` — ${libraries.map((l) => l.name).join(', ')}`}
          </p>
          {mail && (
            <ul class="sesame-stats">
              <li>
                <div class="fr-tile">
                  <div class="fr-tile__body">
                    <div class="fr-tile__content">
                      <h2 class="fr-tile__title">
                        <a href="/admin/bibliotheques">{libraries.length} bibliothèques</a>
                      </h2>
                    </div>
                  </div>
                </div>
              </li>
              <li>
                <div class="fr-tile">
                  <div class="fr-tile__body">
                    <div class="fr-tile__content">
                      <h2 class="fr-tile__title">
                        <a href="/admin/courriels?etat=pending">
                          {mail.pending + mail.sending} courriels en attente
                        </a>
                      </h2>
                    </div>
                  </div>
                </div>
              </li>
              <li>
                <div class="fr-tile">
                  <div class="fr-tile__body">
                    <div class="fr-tile__content">
                      <h2 class="fr-tile__title">
                        <a href="/admin/courriels?etat=failed">{mail.failed} courriels en échec</a>
                      </h2>
                    </div>
                  </div>
                </div>
              </li>
            </ul>
          )}
          {actor.role === 'library_staff' && (
            <p>
              <a class="fr-link" href="/admin/bibliotheques">
                Voir les informations de ma bibliothèque
              </a>
            </p>
          )}
        </>
      ),
    });
  });
}
