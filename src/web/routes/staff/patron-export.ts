import type { FastifyInstance, FastifyReply } from 'fastify';
import { listLibraries } from '../../../db/repositories/libraries.js';
import {
  type ExportDownload,
  exportNewsletter,
  exportPatrons,
} from '../../../usecases/patrons/export-patrons.js';
import type { RouteOptions } from '../../app.js';
import { requireAdmin, requireStaff } from '../../guards.js';
import { EXPORT_URLS } from '../../views/patrons/export-links.js';
import { readQueueView } from './patron-queue.js';

function send(reply: FastifyReply, download: ExportDownload): FastifyReply {
  return reply
    .header('content-type', download.contentType)
    .header('content-disposition', `attachment; filename="${download.fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(download.stream);
}

export async function patronExportRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  for (const format of ['xlsx', 'csv'] as const) {
    app.get(EXPORT_URLS.patrons[format], async (request, reply) => {
      const actor = requireStaff(request, reply);
      if (!actor) return reply;
      const libraries = await listLibraries(deps.db, actor.scope);
      const view = readQueueView(request.query, libraries);
      const download = await exportPatrons(
        deps,
        actor,
        { libraryId: view.libraryId, state: view.state, q: view.q, sort: view.sort, order: view.order },
        request.network.settings,
        format,
        (error) => request.log.error({ err: error }, 'patron export failed'),
      );
      return send(reply, download);
    });

    app.get(EXPORT_URLS.newsletter[format], async (request, reply) => {
      const actor = requireAdmin(request, reply);
      if (!actor) return reply;
      const libraries = await listLibraries(deps.db, actor.scope);
      const view = readQueueView(request.query, libraries);
      const download = await exportNewsletter(deps, actor, view.libraryId, format, (error) =>
        request.log.error({ err: error }, 'newsletter export failed'),
      );
      return send(reply, download);
    });
  }
}
