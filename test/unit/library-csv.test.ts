import { describe, expect, it } from 'vitest';
import { type LibraryCsvResult, parseLibraryCsv } from '../../src/domain/library-csv.js';

const HEADER = 'code;nom;ville;courriel';

function rows(result: LibraryCsvResult) {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.rows;
}
function errors(result: LibraryCsvResult) {
  if (result.ok) throw new Error('expected errors, got success');
  return result.errors;
}

describe('parseLibraryCsv', () => {
  it.each([
    ['semicolons', `${HEADER}\n5210001;Médiathèque de Villefictive;Villefictive;mediatheque@exemple.fr\n`],
    [
      'commas',
      'code,nom,ville,courriel\n5210001,Médiathèque de Villefictive,Villefictive,mediatheque@exemple.fr',
    ],
    [
      'CRLF line ends',
      `${HEADER}\r\n5210001;Médiathèque de Villefictive;Villefictive;mediatheque@exemple.fr\r\n`,
    ],
  ])('reads a file separated by %s', (_, text) => {
    expect(rows(parseLibraryCsv(text))).toEqual([
      {
        code: '5210001',
        name: 'Médiathèque de Villefictive',
        town: 'Villefictive',
        email: 'mediatheque@exemple.fr',
      },
    ]);
  });

  it('ignores a UTF-8 byte order mark (Excel’s « CSV UTF-8 ») and reads columns in any order, any case', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'Courriel;VILLE;Nom;Code\nbib@exemple.fr;Saint-Étienne-lès-Exemple;Bibliothèque;B-01\n',
        'utf8',
      ),
    ]);
    expect(rows(parseLibraryCsv(bytes))).toEqual([
      { code: 'B-01', name: 'Bibliothèque', town: 'Saint-Étienne-lès-Exemple', email: 'bib@exemple.fr' },
    ]);
  });

  it('keeps quoted fields containing the separator, quotes and accents intact', () => {
    const text = [
      'code,nom,ville,courriel',
      '52A,"Médiathèque « L’Œuvre », annexe",Çà-et-Là,annexe@exemple.fr',
      '52B,"Bibliothèque ""Les Mots""; étage",Ébène,mots@exemple.fr',
    ].join('\n');
    expect(rows(parseLibraryCsv(text)).map((r) => [r.name, r.town])).toEqual([
      ['Médiathèque « L’Œuvre », annexe', 'Çà-et-Là'],
      ['Bibliothèque "Les Mots"; étage', 'Ébène'],
    ]);
  });

  it('trims spaces and lower-cases e-mail addresses', () => {
    const [row] = rows(parseLibraryCsv(`${HEADER}\n  A1 ; Nom ; Ville ; Contact@Exemple.FR `));
    expect(row).toEqual({ code: 'A1', name: 'Nom', town: 'Ville', email: 'contact@exemple.fr' });
  });

  it('drops control characters such as NUL, which the database would refuse', () => {
    const result = parseLibraryCsv(
      'code;nom;ville;courriel\nB01;Média\u0000thèque\u0007;Nulle\u001b;b01@exemple.fr\n',
    );
    expect(result).toEqual({
      ok: true,
      rows: [{ code: 'B01', name: 'Médiathèque', town: 'Nulle', email: 'b01@exemple.fr' }],
    });
  });

  it('names the missing columns on the header line', () => {
    const [error, ...rest] = errors(parseLibraryCsv('code;nom\nA1;Nom'));
    expect(rest).toEqual([]);
    expect(error).toEqual({ line: 1, message: expect.stringContaining('ville, courriel') });
  });

  it('reports every bad line with its number, blank lines counted, and imports nothing', () => {
    const text = [
      HEADER, // 1
      'A1;Bonne;Ville;ok@exemple.fr', // 2
      '', // 3
      'A2;Sans courriel;Ville;', // 4
      'A3;Mauvais courriel;Ville;pas-une-adresse', // 5
      'é!;;Ville;ok2@exemple.fr', // 6
      'A4;Bonne aussi;Ville;ok3@exemple.fr', // 7
    ].join('\n');
    const result = parseLibraryCsv(text);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([
      { line: 4, message: 'courriel manquant' },
      { line: 5, message: 'courriel « pas-une-adresse » invalide' },
      { line: 6, message: expect.stringMatching(/code « é! » invalide.*nom manquant/) },
    ]);
  });

  it('refuses a code given twice, naming the first line', () => {
    const text = `${HEADER}\nA1;Un;Ville;a@exemple.fr\nA2;Deux;Ville;b@exemple.fr\nA1;Trois;Ville;c@exemple.fr`;
    expect(errors(parseLibraryCsv(text))).toEqual([{ line: 4, message: 'code A1 déjà présent ligne 2' }]);
  });

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n\n'],
  ])('says the file is empty for %s', (_, text) => {
    expect(errors(parseLibraryCsv(text))).toEqual([{ line: 1, message: 'Le fichier est vide.' }]);
  });

  it('says there is no library when only the header is there', () => {
    expect(errors(parseLibraryCsv(`${HEADER}\n`))).toEqual([
      { line: 2, message: 'Aucune bibliothèque dans le fichier.' },
    ]);
  });

  it('refuses a file that is not UTF-8 (Windows-1252 from an old Excel) instead of mangling accents', () => {
    const latin1 = Buffer.from(`${HEADER}\nA1;Médiathèque;Ville;a@exemple.fr\n`, 'latin1');
    expect(errors(parseLibraryCsv(latin1))).toEqual([{ line: 1, message: expect.stringContaining('UTF-8') }]);
  });

  it('reports an unclosed quote instead of swallowing the rest of the file', () => {
    const result = parseLibraryCsv(
      `${HEADER}\nA1;"Nom sans fin;Ville;a@exemple.fr\nA2;Nom;Ville;b@exemple.fr`,
    );
    expect(errors(result)[0]?.message).toMatch(/guillemet/);
  });
});
