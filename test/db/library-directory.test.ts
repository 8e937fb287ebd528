import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLibrary, setLibraryActive } from '../../src/db/repositories/libraries.js';
import { createTestApp, type TestContext } from '../helpers/app.js';

/** The public directory of /bibliotheques with a network of 120 libraries: searched and paged. */

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
  for (let i = 1; i <= 120; i++)
    await insertLibrary(ctx.database.db, {
      code: `D${String(i).padStart(3, '0')}`,
      name: `Médiathèque ${String(i).padStart(3, '0')}`,
      town: i % 10 === 0 ? 'Bourg-la-Reine' : 'Villefictive',
      email: `m${i}@exemple.fr`,
    });
  const closed = await insertLibrary(ctx.database.db, {
    code: 'DFERMEE',
    name: 'Médiathèque fermée',
    town: 'Bourg-la-Reine',
    email: 'fermee@exemple.fr',
  });
  await setLibraryActive(ctx.database.db, closed.id, false, ctx.clock.now());
});

afterAll(async () => {
  await ctx.close();
});

const rows = (html: string) => (html.match(/<tr><td>Médiathèque/g) ?? []).length;

describe('/bibliotheques with 120 libraries', () => {
  it('shows 50 a page with the total, and pages through them', async () => {
    const first = await ctx.app.inject('/bibliotheques');
    expect(first.statusCode).toBe(200);
    expect(rows(first.body)).toBe(50);
    expect(first.body).toContain('120 bibliothèques — page 1 sur 3');
    expect(first.body).toContain('href="/bibliotheques?page=2"');
    const last = await ctx.app.inject('/bibliotheques?page=3');
    expect(rows(last.body)).toBe(20);
    expect(last.body).toContain('Médiathèque 120');
    expect(last.body).not.toContain('Médiathèque fermée');
  });

  it('keeps the search in the page links, and finds a town without its accents or case', async () => {
    const res = await ctx.app.inject('/bibliotheques?q=bourg+la+reine');
    expect(res.body).toContain('12 bibliothèques');
    expect(rows(res.body)).toBe(12);
    expect(res.body).not.toContain('Médiathèque fermée');
    const paged = await ctx.app.inject('/bibliotheques?q=villefictive');
    expect(paged.body).toContain('108 bibliothèques — page 1 sur 3');
    expect(paged.body).toContain('href="/bibliotheques?q=villefictive&amp;page=2"');
  });

  it('shows the last page for a page past the end, and the first for nonsense', async () => {
    const past = await ctx.app.inject('/bibliotheques?page=99');
    expect(past.body).toContain('page 3 sur 3');
    const nonsense = await ctx.app.inject('/bibliotheques?page=abc');
    expect(nonsense.statusCode).toBe(200);
    expect(nonsense.body).toContain('page 1 sur 3');
    // Words without the hyphens: as a person types a town.
    const reversed = await ctx.app.inject('/bibliotheques?q=reine%20bourg');
    expect(reversed.body).toContain('Aucune bibliothèque');
    const hyphenated = await ctx.app.inject('/bibliotheques?q=la-reine');
    expect(hyphenated.body).toContain('12 bibliothèques');
    const none = await ctx.app.inject('/bibliotheques?q=zzz');
    expect(none.body).toContain('Aucune bibliothèque ne correspond à votre recherche.');
  });
});
