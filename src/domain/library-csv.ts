import { parse } from 'csv-parse/sync';
import { withoutControlCharacters } from './control-characters.js';

export interface LibraryLine {
  code: string;
  name: string;
  town: string;
  email: string;
}

export type LibraryCsvResult =
  | { ok: true; rows: LibraryLine[] }
  | { ok: false; errors: Array<{ line: number; message: string }> };

const COLUMNS = { code: 'code', nom: 'name', ville: 'town', courriel: 'email' } as const;
export const EMAIL_PATTERN = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]{2,}$/;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/**
 * Reads a libraries CSV (columns code, nom, ville, courriel in any order; `;` or `,`; UTF-8
 * with or without BOM). Either every line is valid, or every bad line is reported with its
 * number: an import is all or nothing.
 */
export function parseLibraryCsv(content: Buffer | string): LibraryCsvResult {
  // Uploads are not cleaned by the web layer's hook: control characters go here (a NUL in a
  // name would otherwise stop the import with a database error).
  const text = withoutControlCharacters(
    (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, ''),
  );
  if (text.includes('\uFFFD'))
    return {
      ok: false,
      errors: [{ line: 1, message: 'Le fichier n’est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».' }],
    };
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { ok: false, errors: [{ line, message: 'Ligne illisible (guillemet non fermé ?).' }] };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, errors: [{ line: 1, message: 'Le fichier est vide.' }] };

  const positions: Partial<Record<keyof LibraryLine, number>> = {};
  header.record.forEach((name, i) => {
    const key = COLUMNS[fold(name) as keyof typeof COLUMNS];
    if (key) positions[key] = i;
  });
  const missing = Object.entries(COLUMNS)
    .filter(([, key]) => positions[key] === undefined)
    .map(([label]) => label);
  if (missing.length)
    return {
      ok: false,
      errors: [
        {
          line: header.info.lines,
          message: `Colonne(s) manquante(s) : ${missing.join(', ')}. En-tête attendu : code;nom;ville;courriel.`,
        },
      ],
    };
  if (body.length === 0)
    return { ok: false, errors: [{ line: 2, message: 'Aucune bibliothèque dans le fichier.' }] };

  const errors: Array<{ line: number; message: string }> = [];
  const rows: LibraryLine[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of body) {
    const get = (key: keyof LibraryLine) => record[positions[key]!]?.trim() ?? '';
    const row = {
      code: get('code'),
      name: get('name'),
      town: get('town'),
      email: get('email').toLowerCase(),
    };
    const problems: string[] = [];
    if (!row.code) problems.push('code manquant');
    else if (!/^[A-Za-z0-9_-]{1,20}$/.test(row.code))
      problems.push(`code « ${row.code} » invalide (lettres, chiffres, tiret)`);
    if (!row.name) problems.push('nom manquant');
    else if (row.name.length > 200) problems.push('nom trop long (200 caractères au plus)');
    if (!row.town) problems.push('ville manquante');
    else if (row.town.length > 120) problems.push('ville trop longue');
    if (!row.email) problems.push('courriel manquant');
    else if (!EMAIL_PATTERN.test(row.email)) problems.push(`courriel « ${row.email} » invalide`);
    const earlier = row.code ? seen.get(row.code) : undefined;
    if (earlier !== undefined) problems.push(`code ${row.code} déjà présent ligne ${earlier}`);
    if (row.code && earlier === undefined) seen.set(row.code, info.lines);
    if (problems.length) errors.push({ line: info.lines, message: problems.join(' ; ') });
    else rows.push(row);
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/** "Import terminé : 2 bibliothèques créées, 1 mise à jour." (web page and command line). */
export function importSummary(r: { created: number; updated: number }): string {
  const created = r.created > 1 ? `${r.created} bibliothèques créées` : `${r.created} bibliothèque créée`;
  const updated = `${r.updated} ${r.updated > 1 ? 'mises' : 'mise'} à jour`;
  return `Import terminé : ${created}, ${updated}.`;
}
