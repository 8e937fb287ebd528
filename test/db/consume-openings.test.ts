import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { consumeOpening, consumeOpenings, type Opening } from '../../src/db/repositories/openings.js';
import type { PatronRow } from '../../src/db/repositories/patrons.js';
import type { ResourceRow } from '../../src/db/repositories/resources.js';
import { consultations, quotaUsage } from '../../src/db/schema.js';
import { addLibrary, createTestApp, type TestContext } from '../helpers/app.js';
import { onPostgres } from '../helpers/database.js';
import { addPatron } from '../helpers/decision-fixtures.js';
import { addResource, capUsed, countedOf, quotaUsed } from '../helpers/resource-fixtures.js';

// The batch call itself (migration 0007), below the use case: one call, many patrons.
const MONTH = '2026-11';
let ctx: TestContext;
let libraryId: string;

beforeAll(async () => {
  ctx = await createTestApp();
  libraryId = (await addLibrary(ctx, 'Médiathèque des Lots')).id;
});
afterAll(() => ctx?.close());

const activePatron = () =>
  addPatron(ctx, libraryId, { state: 'active', activeUntil: '2027-11-22', pendingSince: null });

function opening(
  patron: PatronRow,
  resource: ResourceRow,
  document: string,
  limits: { quota?: number; cap?: number } = {},
): Opening {
  return {
    patronId: patron.id,
    libraryId: patron.libraryId,
    resourceId: resource.id,
    kind: resource.kind,
    category: resource.category,
    document,
    month: MONTH,
    at: ctx.clock.now(),
    quota: limits.quota ? { category: resource.category!, limit: limits.quota } : null,
    cap: limits.cap ? { period: MONTH, limit: limits.cap } : null,
  };
}

async function consultationsOf(patronId: string) {
  return ctx.database.db
    .select({ document: consultations.document, counted: consultations.counted })
    .from(consultations)
    .where(eq(consultations.patronId, patronId));
}

describe('a batch of openings', () => {
  it('gives each opening its own outcome and writes nothing for the refused ones', async () => {
    const film = await addResource(ctx);
    const capped = await addResource(ctx, { name: 'Films sous plafond', capPeriod: 'month', capLimit: 2 });
    const [fresh, reader, full, late, twice] = await Promise.all(
      Array.from({ length: 5 }, () => activePatron()),
    );
    // Before the batch: `full` has used its 2 films; `reader` has counted "deja-vu"; the cap
    // has one unit left, taken by `twice`.
    await consumeOpenings(ctx.database.db, [
      opening(full!, film, 'f1', { quota: 2 }),
      opening(reader!, film, 'deja-vu', { quota: 2 }),
      opening(twice!, capped, 'c1', { quota: 2, cap: 2 }),
    ]);
    await consumeOpenings(ctx.database.db, [opening(full!, film, 'f2', { quota: 2 })]);

    const results = await consumeOpenings(ctx.database.db, [
      opening(fresh!, film, 'neuf', { quota: 2 }),
      opening(reader!, film, 'deja-vu', { quota: 2 }),
      opening(full!, film, 'f3', { quota: 2 }),
      opening(twice!, capped, 'c2', { quota: 2, cap: 2 }),
      opening(late!, capped, 'c3', { quota: 2, cap: 2 }),
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['counted', 'again', 'quota', 'counted', 'cap']);
    expect(results[0]).toMatchObject({ quotaUsed: 1, capUsed: null });
    // 2 of 2: the first thresholds of the cap are due, none sent yet.
    expect(results[3]).toMatchObject({ quotaUsed: 2, capUsed: 2, capAlertsPending: ['full', 'high', 'low'] });

    expect(await consultationsOf(reader!.id)).toEqual(
      expect.arrayContaining([
        { document: 'deja-vu', counted: true },
        { document: 'deja-vu', counted: false },
      ]),
    );
    // Refused by the quota: no consultation, the counter stays at the limit.
    expect((await consultationsOf(full!.id)).map((c) => c.document).sort()).toEqual(['f1', 'f2']);
    expect(await quotaUsed(ctx, full!.id, MONTH)).toBe(2);
    // Refused by the cap: its quota unit was given back, and its claim.
    expect(await consultationsOf(late!.id)).toEqual([]);
    expect(await ctx.database.db.select().from(quotaUsage).where(eq(quotaUsage.patronId, late!.id))).toEqual(
      [],
    );
    expect((await capUsed(ctx, capped.id, MONTH))!.used).toBe(2);
    expect(await countedOf(ctx, twice!.id)).toBe(2);
  });

  it('refuses two openings of the same patron in one batch, writing nothing', async () => {
    const film = await addResource(ctx);
    const p = await activePatron();
    await expect(
      consumeOpenings(ctx.database.db, [
        opening(p, film, 'a', { quota: 4 }),
        opening(p, film, 'b', { quota: 4 }),
      ]),
    ).rejects.toThrow();
    expect(await consultationsOf(p.id)).toEqual([]);
    expect(await quotaUsed(ctx, p.id, MONTH)).toBe(0);
  });

  it('fails only the bad opening when a batch is refused by the database: the others are counted', async () => {
    const film = await addResource(ctx);
    const people = await Promise.all(Array.from({ length: 5 }, () => activePatron()));
    // A patron that does not exist (deleted meanwhile): its consultation breaks a foreign key.
    const ghost = { ...people[0]!, id: '00000000-0000-4000-8000-00000000dead' };
    const results = await Promise.allSettled(
      [...people, ghost].map((p) => consumeOpening(ctx.database.db, opening(p, film, 'doc-1', { quota: 4 }))),
    );
    expect(results.slice(0, 5).map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'rejected'))).toEqual(
      Array(5).fill('counted'),
    );
    expect(results[5]!.status).toBe('rejected');
    for (const p of people) expect(await countedOf(ctx, p.id)).toBe(1);
  });

  it('never deadlocks nor overdraws when instances send overlapping batches in opposite orders', async () => {
    const films = await addResource(ctx, { name: 'Films très demandés', capPeriod: 'month', capLimit: 150 });
    const people = await Promise.all(Array.from({ length: 40 }, () => activePatron()));
    const instances: Db[] = [ctx.database.db];
    if (onPostgres) for (let i = 0; i < 3; i++) instances.push(ctx.openAnother().db);
    // Each instance sends 20 batches of all 40 patrons, in its own order: every batch wants the
    // rows another batch holds.
    const rounds = await Promise.all(
      instances.flatMap((db, i) =>
        Array.from({ length: 20 }, async (_, round) => {
          const order = i % 2 === 0 ? people : [...people].reverse();
          return consumeOpenings(
            db,
            order.map((p) => opening(p, films, `d${(round + i) % 6}`, { quota: 4, cap: 150 })),
          );
        }),
      ),
    );
    const outcomes = rounds.flat().map((r) => r.outcome);
    const counted = outcomes.filter((o) => o === 'counted').length;
    // 40 patrons × 4 films would be 160: the cap of 150 stops the last ones.
    expect(counted).toBe(150);
    expect((await capUsed(ctx, films.id, MONTH))!.used).toBe(150);
    const perPatron = await Promise.all(people.map((p) => quotaUsed(ctx, p.id, MONTH)));
    expect(perPatron.every((n) => n <= 4)).toBe(true);
    expect(perPatron.reduce((a, b) => a + b, 0)).toBe(150);
    const countedRows = await Promise.all(people.map((p) => countedOf(ctx, p.id)));
    expect(countedRows).toEqual(perPatron);
  });
});
