import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * Tables written as .xlsx (exceljs streaming writer) or CSV, row batch by row batch, into a
 * stream: memory holds one batch, whatever the number of rows. Both formats come from the
 * same column definitions, so they always agree.
 */

/** A calendar day (Paris), without time: shown as JJ/MM/AAAA. */
export interface Day {
  year: number;
  month: number;
  day: number;
}

export type CellValue = string | number | Day | null;

export interface Column<R> {
  header: string;
  /** In characters, for the spreadsheet. */
  width: number;
  /** The values are days (or empty): the spreadsheet column gets the JJ/MM/AAAA format. */
  days?: boolean;
  value: (row: R) => CellValue;
}

function isDay(v: CellValue): v is Day {
  return typeof v === 'object' && v !== null;
}

/** 'AAAA-MM-JJ' (a DATE column) as a Day. */
export function dayOf(iso: string | null): Day | null {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
}

function frenchDay(d: Day): string {
  return `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${String(d.year).padStart(4, '0')}`;
}

/** What drained() needs of a stream: Node's own streams and readable-stream's alike. */
interface Drainable {
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/**
 * Waits until `stream` has taken what was written to it (the HTTP client, or the zip
 * compressor, is slower than the database): without it, a slow download would pile the whole
 * file up in memory. Throws if the reader (`out`) went away (download cancelled), which stops
 * the export.
 */
async function drained(stream: Drainable, full: boolean, out: Writable): Promise<void> {
  if (out.destroyed) throw new ExportAborted();
  if (!full) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      out.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    out.on('close', done);
  });
  if (out.destroyed) throw new ExportAborted();
}

export class ExportAborted extends Error {
  constructor() {
    super('export cancelled: the reader went away');
    this.name = 'ExportAborted';
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Characters that make a spreadsheet read a cell as a formula (or as the start of one). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
const NEEDS_QUOTES = /[;"\r\n]/;

/**
 * One CSV field: a text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage
 * return first) gets a leading apostrophe, the usual guard against CSV injection; then
 * RFC 4180 quoting when the field holds the separator, a quote or a line break.
 */
export function csvField(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = typeof value === 'string' ? value : frenchDay(value);
  if (typeof value === 'string' && FORMULA_START.has(text.charAt(0))) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV as French spreadsheets open it: UTF-8 with a byte order mark (or accents come out
 * garbled), `;` between fields, CRLF between records. Returns the number of data rows.
 */
export async function writeCsv<R>(
  out: Writable,
  columns: readonly Column<R>[],
  batches: AsyncIterable<R[]>,
): Promise<number> {
  const line = (fields: string[]) => `${fields.join(';')}\r\n`;
  out.write(`\uFEFF${line(columns.map((c) => csvField(c.header)))}`);
  let count = 0;
  for await (const batch of batches) {
    await drained(out, out.writableNeedDrain, out);
    out.write(batch.map((row) => line(columns.map((c) => csvField(c.value(row))))).join(''));
    count += batch.length;
  }
  out.end();
  return count;
}

// ---------------------------------------------------------------------------------------------
// XLSX

/** Column letters for the autofilter range (A … Z, AA …). */
function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

type ZipInput = Drainable & { _writableState?: { needDrain?: boolean } };

/**
 * The stream the sheet's XML goes through on its way to the zip compressor. exceljs's sheet
 * stream writes to it without waiting (its write() ignores backpressure), so when compression
 * or the download is slower than the rows come, the XML piles up there: waiting for it to
 * drain between batches keeps memory to about one batch. Internal to exceljs 4.4 and archiver
 * (pinned versions); if it changes, the export still works, only without this bound.
 */
function zipInputOf(sheet: unknown): ZipInput | null {
  const target = (sheet as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as ZipInput | undefined;
  return target?._writableState && typeof target.on === 'function' ? target : null;
}

/**
 * An .xlsx workbook of one sheet: header row in bold, frozen, with an autofilter over the
 * table; days are real Excel dates shown JJ/MM/AAAA, so they sort and filter as dates. Text
 * is written as text cells, which a spreadsheet never evaluates: no formula guard is needed
 * here, and values stay exactly as stored. Returns the number of data rows.
 */
export async function writeXlsx<R>(
  out: Writable,
  sheetName: string,
  columns: readonly Column<R>[],
  batches: AsyncIterable<R[]>,
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
    // Fastest deflate: the file is 20 % larger, built in far less time (compression runs
    // beside the rows and would otherwise be the slowest step).
    zip: { zlib: { level: 1 } },
  });
  workbook.creator = 'Sésame';
  // The streaming writer writes the sheet's views when the sheet is created: they go in here.
  const sheet = workbook.addWorksheet(sheetName, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0, activeCell: 'A2' }],
  });
  sheet.columns = columns.map((c) => ({ key: c.header, width: c.width }));
  // One style object per column, shared by its cells: exceljs caches a style by object identity,
  // so a fresh object per cell would cost a full style lookup for each of them.
  const styles = columns.map((c) => (c.days ? { numFmt: 'dd/mm/yyyy' } : {}));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  let count = 0;
  for await (const batch of batches) {
    await drained(out, out.writableNeedDrain, out);
    const zip = zipInputOf(sheet);
    if (zip) await drained(zip, zip._writableState?.needDrain === true, out);
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      // Each row is let go as soon as it is written. Kept until the end of its batch, rows
      // outlive a few young-generation collections (exceljs allocates a lot per row), get
      // promoted, and the old generation swells by the whole export before a full collection.
      (batch as Array<R | undefined>)[i] = undefined;
      // Days become dates at UTC midnight: Excel stores days, and exceljs converts in UTC.
      const values = columns.map((c) => {
        const v = c.value(row);
        return isDay(v) ? new Date(Date.UTC(v.year, v.month - 1, v.day)) : v;
      });
      const line = sheet.addRow(values);
      line.eachCell((cell, column) => {
        cell.style = styles[column - 1]!;
      });
      line.commit();
    }
    count += batch.length;
  }
  sheet.autoFilter = `A1:${columnLetter(columns.length)}${count + 1}`;
  sheet.commit();
  await workbook.commit();
  return count;
}
