import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/db/repositories/libraries.js';
import { saveLibraryIls } from '../../src/db/repositories/sip2.js';
import { patrons } from '../../src/db/schema.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

/**
 * "Rechercher dans le système de la bibliothèque" on the staff registration form, against
 * scripted ILS doubles (tiny TCP servers answering raw SIP2 strings): one per library, so that
 * a request reaching the wrong library's system is seen.
 */

const NEW_URL = '/admin/usagers/nouveau';
const LOOKUP = { action: 'sigb' };
const FOUND =
  '64              00220261123    090000000000000000000000000000AOBIB|AA0123456789|AEDURAND, Élodie|BLY|BW20271015    000000|PB19850304|BEelodie.durand@exemple.fr|';

type Mode = 'found' | 'unknown' | 'garbage' | 'silent' | 'no-email';

/** An ILS double: logs Sésame in, answers 63 as `mode` says, and keeps the cards it was asked. */
async function ilsDouble() {
  const double = { mode: 'found' as Mode, cards: [] as string[], port: 0, server: null as net.Server | null };
  double.server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const request of chunk.split('\r').filter(Boolean)) {
        if (request.startsWith('93')) {
          socket.write('941\r');
          continue;
        }
        double.cards.push(/\|AA([^|]*)\|/.exec(request)?.[1] ?? '');
        if (double.mode === 'silent') continue;
        if (double.mode === 'garbage') socket.write('¿¿¿ pas du SIP ???\r');
        else if (double.mode === 'unknown')
          socket.write('64              00220261123    090000000000000000000000000000AOBIB|AA0|AE|BLN|\r');
        else
          socket.write(
            `${double.mode === 'no-email' ? FOUND.replace('BEelodie.durand@exemple.fr|', '') : FOUND}\r`,
          );
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => double.server!.listen(0, '127.0.0.1', r));
  double.port = (double.server.address() as net.AddressInfo).port;
  return double;
}

let ctx: TestContext;
let libA: Library;
let libB: Library;
let libC: Library;
let ilsA: Awaited<ReturnType<typeof ilsDouble>>;
let ilsB: Awaited<ReturnType<typeof ilsDouble>>;
let staffA: TestBrowser;
let staffC: TestBrowser;
let multi: TestBrowser;
let ip = 10;

async function browser(identifier: string, libraryIds: string[]): Promise<TestBrowser> {
  const row = await addStaff(ctx, { identifier, role: 'library_staff', libraryIds });
  const b = new TestBrowser(ctx.app, `198.51.100.${ip++}`);
  expect((await b.logIn(row.identifier, row.password)).statusCode).toBe(303);
  return b;
}

const ilsRow = (libraryId: string, port: number) => ({
  libraryId,
  host: '127.0.0.1',
  port,
  tls: false,
  login: 'sesame',
  password: 'secret-du-sigb',
  location: 'BIB',
  updatedAt: ctx.clock.now(),
});

/** The value an input of the form holds. */
function inputValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? (/value="([^"]*)"/.exec(input)?.[1] ?? '') : undefined;
}

function fieldMessage(html: string, field: string): string {
  const m = new RegExp(`id="champ-${field}-message"[^>]*>(.*?)</div>`, 's').exec(html);
  return (m?.[1] ?? '').replace(/<[^>]+>/g, '').trim();
}

const patronCount = async () =>
  (await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(patrons))[0]!.n;

beforeAll(async () => {
  ctx = await createTestApp({ profile: 'mdo' });
  libA = await addLibrary(ctx, 'Médiathèque Alpha');
  libB = await addLibrary(ctx, 'Bibliothèque Bêta');
  libC = await addLibrary(ctx, 'Point lecture Gamma');
  ilsA = await ilsDouble();
  ilsB = await ilsDouble();
  await saveLibraryIls(ctx.database.db, ilsRow(libA.id, ilsA.port));
  await saveLibraryIls(ctx.database.db, ilsRow(libB.id, ilsB.port));
  staffA = await browser('agent-alpha-sigb', [libA.id]);
  staffC = await browser('agent-gamma-sigb', [libC.id]);
  multi = await browser('agent-multi-sigb', [libA.id, libC.id]);
}, 180_000);

afterAll(async () => {
  await Promise.all([ilsA, ilsB].map((d) => new Promise((r) => d?.server?.close(r))));
  await ctx?.close();
});

describe('the lookup button', () => {
  it('is offered when the library has an ILS, not otherwise', async () => {
    const a = await staffA.get(NEW_URL);
    expect(a.body).toContain('Rechercher dans le système de la bibliothèque');
    expect(a.body).toMatch(/<button[^>]*name="action"[^>]*value="sigb"[^>]*formnovalidate/i);
    const c = await staffC.get(NEW_URL);
    expect(c.statusCode).toBe(200);
    expect(c.body).not.toContain('Rechercher dans le système de la bibliothèque');
  });
});

describe('looking up a card', () => {
  it('fills the empty fields from the ILS, keeps what was typed, and writes nothing', async () => {
    ilsA.mode = 'found';
    const before = await patronCount();
    const res = await staffA.post(
      NEW_URL,
      { ...LOOKUP, cardNumber: ' 0123456789 ', identifier: 'elodie.d', newsletter: 'oui', lastName: '' },
      { from: NEW_URL },
    );
    expect(res.statusCode).toBe(200);
    expect(ilsA.cards.at(-1)).toBe('0123456789');
    expect(inputValue(res.body, 'lastName')).toBe('DURAND');
    expect(inputValue(res.body, 'firstName')).toBe('Élodie');
    expect(inputValue(res.body, 'birthDate')).toBe('04/03/1985');
    expect(inputValue(res.body, 'email')).toBe('elodie.durand@exemple.fr');
    // Typed values stay.
    expect(inputValue(res.body, 'identifier')).toBe('elodie.d');
    expect(res.body).toMatch(/name="newsletter"[^>]*value="oui"[^>]*checked/);
    expect(res.body).toContain('Adhérent actif jusqu’au 15/10/2027 selon le système de la bibliothèque');
    expect(res.body).toContain(
      'Rempli d’après le système : nom, prénom, date de naissance, adresse électronique.',
    );
    expect(res.body).not.toContain('fr-input-group--error');
    expect(await patronCount()).toBe(before);

    // The filled form then registers as usual.
    const done = await staffA.post(
      NEW_URL,
      {
        lastName: 'DURAND',
        firstName: 'Élodie',
        birthDate: '04/03/1985',
        email: 'elodie.durand@exemple.fr',
        identifier: 'elodie.d',
        newsletter: 'oui',
        cardNumber: '0123456789',
      },
      { from: NEW_URL },
    );
    expect(done.statusCode, done.body.slice(0, 2000)).toBe(303);
    expect(await patronCount()).toBe(before + 1);
  });

  it('never replaces a typed value: it says what the ILS has instead; no e-mail when the ILS gives none', async () => {
    ilsA.mode = 'no-email';
    const res = await staffA.post(
      NEW_URL,
      { ...LOOKUP, cardNumber: '0123456789', lastName: 'Durant', firstName: 'elodie', birthDate: '4/3/1985' },
      { from: NEW_URL },
    );
    expect(res.statusCode).toBe(200);
    expect(inputValue(res.body, 'lastName')).toBe('Durant');
    expect(inputValue(res.body, 'firstName')).toBe('elodie');
    expect(inputValue(res.body, 'birthDate')).toBe('4/3/1985');
    expect(inputValue(res.body, 'email')).toBe('');
    expect(res.body).toContain('Gardé tel que saisi ; le système indique pour nom : « DURAND ».');
    // Same first name but for the case, same day written otherwise: nothing to say.
    expect(res.body).not.toContain('pour prénom');
    expect(res.body).not.toContain('pour date de naissance');
  });

  it('shows an unknown card, garbage or silence as errors next to the card number, the page served', async () => {
    ilsA.mode = 'unknown';
    const unknown = await staffA.post(
      NEW_URL,
      { ...LOOKUP, cardNumber: '999', firstName: 'Zoé' },
      { from: NEW_URL },
    );
    expect(unknown.statusCode).toBe(200);
    expect(fieldMessage(unknown.body, 'cardNumber')).toContain(
      'Carte inconnue selon le système de la bibliothèque',
    );
    expect(inputValue(unknown.body, 'firstName')).toBe('Zoé');
    expect(unknown.body).toContain('<title>Erreur');

    ilsA.mode = 'garbage';
    const garbage = await staffA.post(NEW_URL, { ...LOOKUP, cardNumber: '999' }, { from: NEW_URL });
    expect(garbage.statusCode).toBe(200);
    expect(fieldMessage(garbage.body, 'cardNumber')).toContain('a répondu de façon incompréhensible');

    // An ILS that never answers: given up after 3 s, the form is back with the reason.
    ilsA.mode = 'silent';
    const silent = await staffA.post(NEW_URL, { ...LOOKUP, cardNumber: '999' }, { from: NEW_URL });
    expect(silent.statusCode).toBe(200);
    expect(fieldMessage(silent.body, 'cardNumber')).toContain('n’a pas répondu à temps (3 s)');
  });

  it('asks for a card number first, and checks its format, without asking the ILS', async () => {
    const asked = ilsA.cards.length;
    const empty = await staffA.post(NEW_URL, { ...LOOKUP, cardNumber: '  ' }, { from: NEW_URL });
    expect(empty.statusCode).toBe(400);
    expect(fieldMessage(empty.body, 'cardNumber')).toContain('Saisissez le numéro de carte');
    const bad = await staffA.post(NEW_URL, { ...LOOKUP, cardNumber: 'carte|AApirate' }, { from: NEW_URL });
    expect(bad.statusCode).toBe(400);
    expect(fieldMessage(bad.body, 'cardNumber')).toContain('ne peut contenir que');
    expect(ilsA.cards.length).toBe(asked);
  });
});

describe('one library’s staff, one library’s system', () => {
  it('staff of library A cannot ask library B’s ILS, even by forging the library field', async () => {
    ilsA.mode = 'found';
    ilsB.mode = 'found';
    const askedB = ilsB.cards.length;
    for (const [b, field] of [
      [staffA, 'cardNumber'],
      [multi, 'libraryId'],
    ] as const) {
      const res = await b.post(
        NEW_URL,
        { ...LOOKUP, cardNumber: '0123456789', libraryId: libB.id },
        { from: NEW_URL },
      );
      expect(res.statusCode).toBe(400);
      expect(fieldMessage(res.body, field)).toContain('Choisissez d’abord la bibliothèque');
      expect(inputValue(res.body, 'lastName')).toBe('');
    }
    expect(ilsB.cards.length).toBe(askedB);
  });

  it('staff of several libraries ask the chosen one’s system, and are told when it has none', async () => {
    const askedA = ilsA.cards.length;
    const none = await multi.post(
      NEW_URL,
      { ...LOOKUP, cardNumber: '0123456789', libraryId: libC.id },
      { from: NEW_URL },
    );
    expect(none.statusCode).toBe(400);
    expect(fieldMessage(none.body, 'cardNumber')).toContain('n’est pas relié à Sésame');
    expect(ilsA.cards.length).toBe(askedA);
    const a = await multi.post(
      NEW_URL,
      { ...LOOKUP, cardNumber: '0123456789', libraryId: libA.id },
      { from: NEW_URL },
    );
    expect(a.statusCode).toBe(200);
    expect(inputValue(a.body, 'lastName')).toBe('DURAND');
    expect(ilsA.cards.length).toBe(askedA + 1);
  });
});
