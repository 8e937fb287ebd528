import type { FastifyInstance } from 'fastify';
import { listLibraries } from '../../../db/repositories/libraries.js';
import { outboxCounts } from '../../../db/repositories/outbox.js';
import { type Count, countPatronsByState } from '../../../db/repositories/patron-queue.js';
import { ROLE_LABELS } from '../../../domain/actor.js';
import { loadLimitsDashboard } from '../../../usecases/resources/limits-dashboard.js';
import { loadDashboardFigures } from '../../../usecases/statistics/dashboard-figures.js';
import type { RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';
import { LimitsDashboard } from '../../views/network/limits-dashboard.js';
import { DashboardFiguresView } from '../../views/statistics/dashboard-figures.js';

function figure(count: Count | null | undefined): string {
  if (!count) return '—';
  return count.exact ? String(count.value) : `plus de ${count.value}`;
}

function Tile({
  href,
  value,
  label,
  alert,
}: {
  href: string;
  value: string;
  label: string;
  alert?: boolean;
}) {
  return (
    <li>
      <div class={`fr-tile fr-enlarge-link${alert ? ' sesame-tile--alert' : ''}`}>
        <div class="fr-tile__body">
          <div class="fr-tile__content">
            <h2 class="fr-tile__title">
              <a href={href}>
                <span class="sesame-tile__figure">{value}</span> {label}
              </a>
            </h2>
          </div>
        </div>
      </div>
    </li>
  );
}

/** The staff home page: what needs attention first, one click away. */
export async function dashboardRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get('/admin', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const libraries = await listLibraries(deps.db, actor.scope);
    const counts = await countPatronsByState(
      deps.db,
      actor.scope,
      {},
      deps.clock.now(),
      request.network.settings,
    );
    const mail = actor.role === 'network_admin' ? await outboxCounts(deps.db) : null;
    const limits = await loadLimitsDashboard(deps, actor);
    const figures = await loadDashboardFigures(deps, actor);
    const queue = (state: string) => `/admin/usagers?etat=${state}`;
    return sendPage(request, reply, {
      title: 'Tableau de bord',
      body: () => (
        <>
          <h1>Bonjour {actor.name}</h1>
          <p class="fr-text--lead">
            {ROLE_LABELS[actor.role]}
            {actor.role === 'library_staff' && ` — ${libraries.map((l) => l.name).join(', ')}`}
          </p>
          <DashboardFiguresView figures={figures} />
          <h2 class="fr-h4">Demandes des usagers</h2>
          <ul class="sesame-stats">
            <Tile href={queue('a_valider')} value={figure(counts.a_valider)} label="inscriptions à valider" />
            <Tile
              href={queue('reinscriptions')}
              value={figure(counts.reinscriptions)}
              label="réinscriptions à valider"
            />
            <Tile
              href={actor.role === 'network_admin' ? '/admin/retards' : queue('en_retard')}
              value={figure(counts.en_retard)}
              label={`en retard (plus de ${request.network.settings.escalationDays} jours)`}
              alert={(counts.en_retard?.value ?? 0) > 0}
            />
            <Tile href={queue('actifs')} value={figure(counts.actifs)} label="usagers actifs" />
          </ul>
          {mail && (
            <>
              <h2 class="fr-h4">Réseau</h2>
              <ul class="sesame-stats">
                <Tile href="/admin/bibliotheques" value={String(libraries.length)} label="bibliothèques" />
                <Tile
                  href="/admin/courriels?etat=pending"
                  value={String(mail.pending + mail.sending)}
                  label="courriels en attente"
                />
                <Tile
                  href="/admin/courriels?etat=failed"
                  value={String(mail.failed)}
                  label="courriels en échec"
                  alert={mail.failed > 0}
                />
              </ul>
            </>
          )}
          {limits && <LimitsDashboard data={limits} />}
          <h2 class="fr-h4">Aide</h2>
          <ul>
            <li>
              <a href="/admin/aide">Aide pour les bibliothèques</a>
            </li>
            <li>
              <a href="/admin/aide/idees">Boîte à idées numériques</a>
            </li>
            {actor.role === 'network_admin' && (
              <li>
                <a href="/admin/contenus">Pages d’aide et d’information</a> (modifier les textes)
              </li>
            )}
          </ul>
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
