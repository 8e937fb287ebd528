import { PassThrough } from 'node:stream';
import type { StaffActor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { type CellValue, type Column, writeCsv, writeXlsx } from '../../export/spreadsheet.js';
import type { Deps } from '../deps.js';
import { EXPORT_CONTENT_TYPES, type ExportDownload, type ExportFormat } from '../patrons/export-patrons.js';
import { type Cell, loadStatisticsTable } from './statistics-page.js';

/**
 * One table of the statistics page as CSV or .xlsx: the same scope and period as the page (the
 * same use case builds it), so a download can never show more than the page. A figure that
 * cannot be computed is written "non disponible", never 0.
 */
export async function exportStatisticsTable(
  deps: Deps,
  actor: StaffActor,
  query: Record<string, unknown>,
  settings: NetworkSettings,
  format: ExportFormat,
): Promise<ExportDownload> {
  // Without a table named: the first of the page.
  const tableId = typeof query.tableau === 'string' && query.tableau ? query.tableau : 'decisions-mois';
  const table = await loadStatisticsTable(deps, actor, query, settings, tableId);
  if (!table) throw notFound('Ce tableau');
  const value = (cell: Cell): CellValue => {
    if (cell === null) return 'non disponible';
    // French spreadsheets read "2,5" as a number from a CSV; .xlsx keeps real numbers.
    if (format === 'csv' && typeof cell === 'number' && !Number.isInteger(cell))
      return String(cell).replace('.', ',');
    return cell;
  };
  const columns: Column<Cell[]>[] = table.columns.map((c, i) => ({
    header: c.label,
    width: i === 0 ? 36 : Math.max(12, Math.min(40, c.label.length + 2)),
    value: (row) => value(row[i] ?? null),
  }));
  async function* rows() {
    yield table!.rows;
  }
  const stream = new PassThrough();
  const write =
    format === 'xlsx'
      ? writeXlsx(stream, 'Statistiques', columns, rows())
      : writeCsv(stream, columns, rows());
  write.catch((error: unknown) => stream.destroy(error as Error));
  return {
    fileName: `statistiques-${table.id}-${isoDate(parisDay(deps.clock.now()))}.${format}`,
    contentType: EXPORT_CONTENT_TYPES[format],
    stream,
  };
}
