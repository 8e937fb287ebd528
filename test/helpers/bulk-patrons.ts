import { patrons } from '../../src/db/schema.js';
import type { TestContext } from './app.js';

/** Many active patrons of one library in one statement (exports that span several batches). */
export async function addActivePatrons(
  ctx: Pick<TestContext, 'database' | 'clock'>,
  libraryId: string,
  count: number,
  prefix = 'lot',
): Promise<void> {
  const now = ctx.clock.now();
  for (let from = 0; from < count; from += 2000) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + 2000); i++)
      rows.push({
        libraryId,
        state: 'active' as const,
        channel: 'staff' as const,
        firstName: 'Camille',
        lastName: `${prefix} ${String(i).padStart(6, '0')}`,
        identifier: `${prefix}.${i}`,
        email: `${prefix}.${i}@exemple.fr`,
        birthDate: '1990-07-14',
        birthYear: 1990,
        registeredAt: now,
        activeUntil: '2027-06-30',
        decidedAt: now,
        createdAt: now,
        updatedAt: now,
      });
    await ctx.database.db.insert(patrons).values(rows);
  }
}
