import { PassThrough, type Readable } from 'node:stream';
import { completeEvent, startEvent } from '../../db/repositories/events.js';
import {
  EXPORT_BATCH,
  type ExportRow,
  type NewsletterRow,
  newsletterBatches,
  patronExportBatches,
} from '../../db/repositories/patron-export.js';
import type { QueueCriteria } from '../../db/repositories/patron-queue.js';
import { retryWhileUnavailable } from '../../db/unavailable.js';
import type { StaffActor } from '../../domain/actor.js';
import { forbidden } from '../../domain/errors.js';
import { isoDate, parisDay } from '../../domain/paris.js';
import { STATE_LABELS } from '../../domain/patron-lifecycle.js';
import { DEFAULT_TEMPLATES, isTemplateKey } from '../../domain/response-templates.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { type Column, dayOf, ExportAborted, writeCsv, writeXlsx } from '../../export/spreadsheet.js';
import type { Deps } from '../deps.js';

export type ExportFormat = 'xlsx' | 'csv';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

function refusalReason(r: ExportRow): string | null {
  if (r.state !== 'refused' || !r.refusalReason) return null;
  if (!isTemplateKey(r.refusalReason)) return r.refusalReason;
  return DEFAULT_TEMPLATES[r.refusalReason].label.replace(/^Refus\s*:\s*/, '');
}

/** The columns of the patrons export, in French, as the staff list names things. */
export const PATRON_COLUMNS: readonly Column<ExportRow>[] = [
  { header: 'Nom', width: 24, value: (r) => r.lastName },
  { header: 'Prénom', width: 18, value: (r) => r.firstName },
  { header: 'Identifiant', width: 20, value: (r) => r.identifier },
  { header: 'Courriel', width: 32, value: (r) => r.email },
  { header: 'Date de naissance', width: 14, days: true, value: (r) => dayOf(r.birthDate) },
  { header: 'Bibliothèque', width: 32, value: (r) => r.libraryName },
  { header: 'État', width: 24, value: (r) => STATE_LABELS[r.state] },
  { header: 'Date d’inscription', width: 14, days: true, value: (r) => dayOf(r.registeredDay) },
  { header: 'Actif jusqu’au', width: 14, days: true, value: (r) => dayOf(r.activeUntil) },
  { header: 'Newsletter', width: 11, value: (r) => (r.newsletter ? 'Oui' : 'Non') },
  { header: 'Année de naissance', width: 10, value: (r) => r.birthYear },
  { header: 'Numéro de carte', width: 16, value: (r) => r.cardNumber },
  {
    header: 'Inscription',
    width: 22,
    value: (r) => (r.channel === 'staff' ? 'Par la bibliothèque' : 'En ligne'),
  },
  { header: 'Décision le', width: 14, days: true, value: (r) => dayOf(r.decidedDay) },
  { header: 'Motif du refus', width: 30, value: refusalReason },
];

export const NEWSLETTER_COLUMNS: readonly Column<NewsletterRow>[] = [
  { header: 'Nom', width: 24, value: (r) => r.lastName },
  { header: 'Prénom', width: 18, value: (r) => r.firstName },
  { header: 'Courriel', width: 34, value: (r) => r.email },
  { header: 'Bibliothèque', width: 32, value: (r) => r.libraryName },
];

/**
 * Rows read per query. A spreadsheet row costs exceljs many short-lived objects: smaller
 * batches keep the rows waiting their turn from being promoted to the old generation, which
 * would otherwise grow by the size of the export (measured in bench/export.ts).
 */
const BATCH_SIZES: Record<ExportFormat, number> = { xlsx: 500, csv: EXPORT_BATCH };

export interface ExportDownload {
  fileName: string;
  contentType: string;
  /** The file, produced as it is read. */
  stream: Readable;
}

/** Passes batches through, counting the rows of each once the writer has taken the next. */
type Track = <R>(batches: AsyncIterable<R[]>) => AsyncIterable<R[]>;

/**
 * Records the export in the history of exports, then writes the table into a stream in the
 * background and returns the stream, so the download starts before the last row is read. The
 * event is written first, so even an export cut short leaves a trace; its end completes it
 * with the rows sent and how it ended (`completed`, `cancelled` by the reader, or `interrupted`
 * by a failure). A failure half-way destroys the stream (the client sees a broken download,
 * never a complete-looking truncated file).
 */
async function produce(
  deps: Deps,
  actor: StaffActor,
  what: { kind: string; format: ExportFormat; data: Record<string, unknown> },
  write: (out: PassThrough, track: Track) => Promise<number>,
  onError: (error: unknown) => void,
): Promise<Readable> {
  const eventId = await startEvent(deps.db, {
    at: deps.clock.now(),
    actor,
    action: 'exported',
    subject: { kind: 'export', id: what.kind },
    data: { format: what.format, status: 'started', rows: 0, ...what.data },
  });
  let sent = 0;
  const track: Track = async function* (batches) {
    for await (const batch of batches) {
      const size = batch.length;
      yield batch;
      sent += size;
    }
  };
  const end = (status: string, rows: number) =>
    completeEvent(deps.db, eventId, { status, rows, endedAt: deps.clock.now().toISOString() });
  const out = new PassThrough();
  void write(out, track).then(
    (rows) => retryWhileUnavailable(() => end('completed', rows)).catch(() => {}),
    async (error: unknown) => {
      const aborted = error instanceof ExportAborted;
      if (!aborted) onError(error);
      out.destroy(error instanceof Error ? error : new Error(String(error)));
      // The database may be what failed: the first connection after an outage may be dead too.
      // If it stays away, the trace stays as `started`.
      await retryWhileUnavailable(() => end(aborted ? 'cancelled' : 'interrupted', sent)).catch(() => {});
    },
  );
  return out;
}

function fileName(base: string, now: Date, format: ExportFormat): string {
  return `${base}-${isoDate(parisDay(now))}.${format}`;
}

/**
 * "Exporter" on the staff list: the patrons of the current criteria (state, library, text,
 * order), within the actor's libraries whatever the query string says.
 */
export async function exportPatrons(
  deps: Deps,
  actor: StaffActor,
  criteria: Omit<QueueCriteria, 'page'>,
  settings: Pick<NetworkSettings, 'escalationDays'>,
  format: ExportFormat,
  onError: (error: unknown) => void = () => {},
): Promise<ExportDownload> {
  const now = deps.clock.now();
  const batches = () =>
    patronExportBatches(deps.db, actor.scope, criteria, now, settings, BATCH_SIZES[format]);
  const stream = await produce(
    deps,
    actor,
    {
      kind: 'patrons',
      format,
      data: {
        state: criteria.state,
        libraryId: criteria.libraryId ?? null,
        q: criteria.q ?? '',
        sort: criteria.sort,
        order: criteria.order,
      },
    },
    (out, track) =>
      format === 'xlsx'
        ? writeXlsx(out, 'Usagers', PATRON_COLUMNS, track(batches()))
        : writeCsv(out, PATRON_COLUMNS, track(batches())),
    onError,
  );
  return { fileName: fileName('usagers', now, format), contentType: EXPORT_CONTENT_TYPES[format], stream };
}

/** The newsletter's recipients (network administrators only): active patrons who said yes. */
export async function exportNewsletter(
  deps: Deps,
  actor: StaffActor,
  libraryId: string | null,
  format: ExportFormat,
  onError: (error: unknown) => void = () => {},
): Promise<ExportDownload> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  const batches = () => newsletterBatches(deps.db, actor.scope, libraryId, BATCH_SIZES[format]);
  const stream = await produce(
    deps,
    actor,
    { kind: 'newsletter', format, data: { libraryId } },
    (out, track) =>
      format === 'xlsx'
        ? writeXlsx(out, 'Newsletter', NEWSLETTER_COLUMNS, track(batches()))
        : writeCsv(out, NEWSLETTER_COLUMNS, track(batches())),
    onError,
  );
  return { fileName: fileName('newsletter', now, format), contentType: EXPORT_CONTENT_TYPES[format], stream };
}
