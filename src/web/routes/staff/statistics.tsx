import type { FastifyInstance } from 'fastify';
import { exportStatisticsTable } from '../../../usecases/statistics/export-statistics.js';
import { loadStatistics } from '../../../usecases/statistics/statistics-page.js';
import type { RouteOptions } from '../../app.js';
import { requireStaff } from '../../guards.js';
import { sendPage } from '../../render.js';
import {
  STATISTICS_DOWNLOAD_URL,
  STATISTICS_URL,
  StatisticsPageView,
} from '../../views/statistics/statistics-page.js';

function queryOf(query: unknown): Record<string, unknown> {
  return query && typeof query === 'object' ? (query as Record<string, unknown>) : {};
}

/** "Statistiques" (issue #16): the page and the download of each of its tables. */
export async function statisticsRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get(STATISTICS_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const page = await loadStatistics(deps, actor, queryOf(request.query), request.network.settings);
    return sendPage(request, reply, {
      title: 'Statistiques',
      status: Object.keys(page.errors).length ? 400 : 200,
      body: () => <StatisticsPageView page={page} />,
    });
  });

  app.get(STATISTICS_DOWNLOAD_URL, async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const query = queryOf(request.query);
    const format = query.format === 'xlsx' ? 'xlsx' : 'csv';
    const download = await exportStatisticsTable(deps, actor, query, request.network.settings, format);
    return reply
      .header('content-type', download.contentType)
      .header('content-disposition', `attachment; filename="${download.fileName}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(download.stream);
  });
}
