import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLibrary, type Library } from '../../src/db/repositories/libraries.js';
import { getNetwork } from '../../src/db/repositories/network.js';
import { patronExportBatches } from '../../src/db/repositories/patron-export.js';
import {
  QUEUE_ORDERS,
  QUEUE_SORTS,
  type QueueCriteria,
  searchPatrons,
} from '../../src/db/repositories/patron-queue.js';
import type { NewPatron } from '../../src/db/repositories/patrons.js';
import { scopeFor } from '../../src/domain/actor.js';
import { DAY } from '../../src/domain/clock.js';
import { csvField } from '../../src/export/spreadsheet.js';
import { addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { addPatron } from '../helpers/decision-fixtures.js';

/** Exports of the staff list (.xlsx, CSV) and of the newsletter recipients (issue 5). */

let ctx: TestContext;
let libA: Library;
let libB: Library;
let staffA: TestBrowser;
let admin: TestBrowser;
let n = 0;

const HEADERS = [
  'Nom',
  'Prénom',
  'Identifiant',
  'Courriel',
  'Date de naissance',
  'Bibliothèque',
  'État',
  'Date d’inscription',
  'Actif jusqu’au',
  'Newsletter',
  'Année de naissance',
  'Numéro de carte',
  'Inscription',
  'Décision le',
  'Motif du refus',
];

function browser(): TestBrowser {
  n++;
  return new TestBrowser(ctx.app, `198.51.100.${n}`);
}

/** The raw bytes of a response (inject decodes the body as UTF-8 text, losing nothing but we want the BOM). */
function bytes(res: { rawPayload: Buffer }): Buffer {
  return res.rawPayload;
}

async function xlsx(res: { rawPayload: Buffer }) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes(res) as unknown as ArrayBuffer);
  return workbook;
}

function csv(res: { rawPayload: Buffer }): string[][] {
  return parse(bytes(res), { delimiter: ';', bom: true, relax_column_count: false }) as string[][];
}

async function add(libraryId: string, values: Partial<NewPatron>) {
  return addPatron(ctx, libraryId, {
    state: 'active',
    activeUntil: '2027-06-30',
    pendingSince: null,
    decision: 'accepted',
    decidedAt: new Date('2026-07-01T10:00:00Z'),
    ...values,
  });
}

beforeAll(async () => {
  ctx = await createTestApp({ profile: 'mdo' });
  libA = await insertLibrary(ctx.database.db, {
    code: 'MDO-A',
    name: 'Médiathèque de Crèvecœur',
    town: 'Crèvecœur-le-Grand',
    email: 'crevecoeur@exemple.fr',
  });
  libB = await insertLibrary(ctx.database.db, {
    code: 'MDO-B',
    name: 'Bibliothèque de Lamorlaye',
    town: 'Lamorlaye',
    email: 'lamorlaye@exemple.fr',
  });
  await add(libA.id, {
    firstName: 'Zoé',
    lastName: 'N’Diaye-Lefèvre',
    email: 'zoe.ndiaye@exemple.fr',
    identifier: 'zndiaye',
    birthDate: '1990-07-14',
    birthYear: 1990,
    registeredAt: new Date('2026-06-30T22:30:00Z'),
    newsletter: true,
    cardNumber: '57000123',
  });
  // Values a spreadsheet would run as formulas, and values needing CSV quotes.
  await add(libA.id, {
    firstName: '+1',
    lastName: '=cmd',
    identifier: '-2',
    email: 'formule@exemple.fr',
    cardNumber: '@SUM(1+1)',
    birthDate: '2001-02-03',
    birthYear: 2001,
    newsletter: false,
  });
  await add(libA.id, {
    firstName: 'Maël',
    lastName: 'Le Bihan; "dit Kerjean"',
    identifier: 'mlebihan',
    email: 'mael.lebihan@exemple.fr',
    newsletter: true,
  });
  await addPatron(ctx, libA.id, {
    firstName: 'Inès',
    lastName: 'D’Almeida',
    identifier: 'idalmeida',
    email: 'ines@exemple.fr',
  });
  await add(libA.id, {
    state: 'expired',
    firstName: null,
    lastName: null,
    email: null,
    identifier: null,
    birthDate: null,
    birthYear: 1975,
    anonymisedAt: ctx.clock.now(),
    activeUntil: '2025-01-31',
  });
  await add(libB.id, {
    firstName: 'Yann',
    lastName: 'Autre-Bibliothèque',
    identifier: 'yautre',
    email: 'yann.autre@exemple.fr',
    newsletter: true,
  });

  await addStaff(ctx, { identifier: 'agent.a', libraryIds: [libA.id] });
  await addStaff(ctx, { identifier: 'admin.reseau', role: 'network_admin' });
  staffA = browser();
  expect((await staffA.logIn('agent.a', 'Mot-de-passe-solide-1')).statusCode).toBe(303);
  admin = browser();
  expect((await admin.logIn('admin.reseau', 'Mot-de-passe-solide-1')).statusCode).toBe(303);
});

afterAll(async () => {
  await ctx?.close();
});

describe('Excel export', () => {
  it('streams the filtered list with French headers, real dates, a frozen header row and an autofilter', async () => {
    // The library id of B is forged into the query string: library staff still get their own only.
    const res = await staffA.get(
      `/admin/usagers/export.xlsx?bibliotheque=${libB.id}&etat=tous&tri=nom&ordre=croissant`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe('attachment; filename="usagers-2026-11-23.xlsx"');
    expect(res.headers['cache-control']).toBe('no-store');

    const sheet = (await xlsx(res)).getWorksheet('Usagers')!;
    expect(sheet).toBeDefined();
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe(`A1:O${sheet.rowCount}`);
    expect(sheet.rowCount).toBe(1 + 5);

    const rows = [...Array(sheet.rowCount - 1).keys()].map((i) => sheet.getRow(i + 2));
    const names = rows.map((r) => r.getCell(1).value);
    expect(names).not.toContain('Autre-Bibliothèque');
    expect(rows.map((r) => r.getCell(6).value)).toEqual(Array(5).fill('Médiathèque de Crèvecœur'));

    const zoe = rows.find((r) => r.getCell(1).value === 'N’Diaye-Lefèvre')!;
    expect(zoe.getCell(2).value).toBe('Zoé');
    expect(zoe.getCell(5).type).toBe(ExcelJS.ValueType.Date);
    expect(zoe.getCell(5).value).toEqual(new Date(Date.UTC(1990, 6, 14)));
    expect(zoe.getCell(5).numFmt).toBe('dd/mm/yyyy');
    // Registered at 00:30 on 01/07 in Paris (22:30 UTC the day before): the Paris day counts.
    expect(zoe.getCell(8).value).toEqual(new Date(Date.UTC(2026, 6, 1)));
    expect(zoe.getCell(9).value).toEqual(new Date(Date.UTC(2027, 5, 30)));
    expect(zoe.getCell(7).value).toBe('Actif');
    expect(zoe.getCell(10).value).toBe('Oui');
    expect(zoe.getCell(11).value).toBe(1990);

    // Text cells stay text: a spreadsheet never runs them, so they are kept exactly.
    const formula = rows.find((r) => r.getCell(1).value === '=cmd')!;
    expect(formula.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(formula.getCell(3).value).toBe('-2');
    expect(formula.getCell(12).value).toBe('@SUM(1+1)');

    // The anonymised record keeps its facts: library, state, birth year.
    const anonymous = rows.find((r) => r.getCell(7).value === 'Expiré')!;
    expect(anonymous.getCell(1).value).toBeNull();
    expect(anonymous.getCell(11).value).toBe(1975);
  });

  it('follows the list’s state filter and order', async () => {
    const res = await staffA.get('/admin/usagers/export.xlsx?etat=actifs&tri=nom&ordre=decroissant');
    const sheet = (await xlsx(res)).getWorksheet('Usagers')!;
    const names = [...Array(sheet.rowCount - 1).keys()].map((i) => sheet.getRow(i + 2).getCell(1).value);
    expect(names).toEqual(['N’Diaye-Lefèvre', 'Le Bihan; "dit Kerjean"', '=cmd']);
  });
});

describe('CSV export', () => {
  it('is UTF-8 with a BOM, `;`-separated, quoted when needed, formulas neutralised, accents intact', async () => {
    const res = await staffA.get(
      `/admin/usagers/export.csv?bibliotheque=${libB.id}&etat=actifs&tri=nom&ordre=croissant`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="usagers-2026-11-23.csv"');
    const raw = bytes(res);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(raw.toString('utf8')).toContain('\r\n');

    const [header, ...rows] = csv(res);
    expect(header).toEqual(HEADERS);
    expect(rows.map((r) => r[0])).toEqual(["'=cmd", 'Le Bihan; "dit Kerjean"', 'N’Diaye-Lefèvre']);
    const formula = rows[0]!;
    expect(formula.slice(0, 3)).toEqual(["'=cmd", "'+1", "'-2"]);
    expect(formula[11]).toBe("'@SUM(1+1)");
    const zoe = rows[2]!;
    expect(zoe.slice(0, 10)).toEqual([
      'N’Diaye-Lefèvre',
      'Zoé',
      'zndiaye',
      'zoe.ndiaye@exemple.fr',
      '14/07/1990',
      'Médiathèque de Crèvecœur',
      'Actif',
      '01/07/2026',
      '30/06/2027',
      'Oui',
    ]);
    expect(raw.toString('utf8')).not.toContain('Autre-Bibliothèque');
  });

  it('neutralises every formula start, tab and carriage return included', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+33 6 00 00 00 00')).toBe("'+33 6 00 00 00 00");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('dit "Kerjean"')).toBe('"dit ""Kerjean"""');
    expect(csvField('Zoé')).toBe('Zoé');
    expect(csvField(1990)).toBe('1990');
    expect(csvField(null)).toBe('');
    expect(csvField({ year: 2026, month: 7, day: 1 })).toBe('01/07/2026');
  });
});

describe('scope', () => {
  it('network administrators export every library, or the one chosen', async () => {
    const all = csv(await admin.get('/admin/usagers/export.csv?etat=actifs'));
    expect(all.map((r) => r[0])).toContain('Autre-Bibliothèque');
    expect(all.map((r) => r[0])).toContain('N’Diaye-Lefèvre');
    const one = csv(await admin.get(`/admin/usagers/export.csv?etat=actifs&bibliotheque=${libB.id}`));
    expect(one.slice(1).map((r) => r[0])).toEqual(['Autre-Bibliothèque']);
  });

  it('needs a staff login; patrons are refused', async () => {
    const visitor = browser();
    const res = await visitor.get('/admin/usagers/export.xlsx');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/connexion/);
  });

  it('the list page links to both exports with its criteria, without the page number', async () => {
    const page = await staffA.get('/admin/usagers?etat=actifs&q=zoe&tri=nom&ordre=croissant&page=1');
    expect(page.body).toContain('href="/admin/usagers/export.xlsx?bibliotheque=');
    expect(page.body).toMatch(
      /href="\/admin\/usagers\/export\.csv\?[^"]*etat=actifs&amp;q=zoe&amp;tri=nom&amp;ordre=croissant"/,
    );
    expect(page.body).toContain('Exporter (Excel)');
    expect(page.body).toContain('Exporter (CSV)');
    expect(page.body).not.toContain('Newsletter (CSV)');
    expect((await admin.get('/admin/usagers')).body).toContain('href="/admin/usagers/newsletter.csv"');
  });
});

describe('newsletter export', () => {
  it('lists active patrons who said yes: nom, prénom, courriel, bibliothèque', async () => {
    const res = await admin.get('/admin/usagers/newsletter.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="newsletter-2026-11-23.csv"');
    const [header, ...rows] = csv(res);
    expect(header).toEqual(['Nom', 'Prénom', 'Courriel', 'Bibliothèque']);
    expect(rows).toEqual([
      ['Autre-Bibliothèque', 'Yann', 'yann.autre@exemple.fr', 'Bibliothèque de Lamorlaye'],
      ['Le Bihan; "dit Kerjean"', 'Maël', 'mael.lebihan@exemple.fr', 'Médiathèque de Crèvecœur'],
      ['N’Diaye-Lefèvre', 'Zoé', 'zoe.ndiaye@exemple.fr', 'Médiathèque de Crèvecœur'],
    ]);
    const sheet = (await xlsx(await admin.get('/admin/usagers/newsletter.xlsx'))).getWorksheet('Newsletter')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Nom',
      'Prénom',
      'Courriel',
      'Bibliothèque',
    ]);
    expect(sheet.rowCount).toBe(4);
  });

  it('is for network administrators only', async () => {
    expect((await staffA.get('/admin/usagers/newsletter.csv')).statusCode).toBe(403);
    expect((await staffA.get('/admin/usagers/newsletter.xlsx')).statusCode).toBe(403);
  });
});

describe('keyset walk', () => {
  it('returns exactly the list’s rows in the list’s order for every sort, batch after batch', async () => {
    // More patrons with ties and missing keys (waiting since, end date) across libraries.
    for (let i = 0; i < 9; i++)
      await addPatron(ctx, i % 2 ? libA.id : libB.id, {
        state: i % 3 === 0 ? 'pending' : 'active',
        lastName: i % 4 === 0 ? 'Étienne-Roux' : 'Dupré',
        firstName: i % 2 ? 'Chloé' : 'Noé',
        activeUntil: i % 3 === 0 ? null : `2027-0${1 + (i % 3)}-15`,
        pendingSince: i % 3 === 0 ? new Date(ctx.clock.now().getTime() - i * DAY) : null,
        registeredAt: new Date(ctx.clock.now().getTime() - (i % 2) * DAY),
      });
    const { settings } = await getNetwork(ctx.database.db);
    const now = ctx.clock.now();
    for (const scope of [scopeFor('network_admin', []), scopeFor('library_staff', [libA.id])])
      for (const sort of QUEUE_SORTS)
        for (const order of QUEUE_ORDERS) {
          const criteria: QueueCriteria = { state: 'tous', sort, order, libraryId: null, q: '' };
          const list = await searchPatrons(ctx.database.db, scope, { ...criteria, page: 1 }, now, settings);
          const walked: string[] = [];
          for await (const batch of patronExportBatches(ctx.database.db, scope, criteria, now, settings, 2))
            walked.push(...batch.map((r) => r.id));
          expect(list.total.value).toBeLessThan(50);
          expect(walked, `${sort} ${order}`).toEqual(list.rows.map((r) => r.id));
        }
  });
});
