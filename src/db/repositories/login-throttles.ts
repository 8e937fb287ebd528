import { eq, type Placeholder, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { loginThrottles } from '../schema.js';

export type ThrottleRow = typeof loginThrottles.$inferSelect;

export async function findThrottle(db: Executor, key: string): Promise<ThrottleRow | null> {
  const [row] = await db.select().from(loginThrottles).where(eq(loginThrottles.key, key));
  return row ?? null;
}

/**
 * Adds one attempt to the key's counter in one statement (safe across instances); a counter
 * whose window has passed starts again at one.
 */
export async function countAttempt(db: Executor, key: string, now: Date, windowStart: Date): Promise<number> {
  const [row] = await countAttemptQuery(db, key, now, windowStart);
  return row!.failures;
}

/**
 * countAttempt's statement, for callers that read other things in the same round trip; its
 * values may be placeholders of a prepared statement.
 */
export function countAttemptQuery(
  db: Executor,
  key: string | Placeholder,
  now: Date | Placeholder,
  windowStart: Date | Placeholder,
) {
  const windowOver = sql`${loginThrottles.windowStartedAt} < ${windowStart} and (${loginThrottles.lockedUntil} is null or ${loginThrottles.lockedUntil} < ${now})`;
  return db
    .insert(loginThrottles)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginThrottles.key,
      set: {
        failures: sql`case when ${windowOver} then 1 else ${loginThrottles.failures} + 1 end`,
        windowStartedAt: sql`case when ${windowOver} then ${now} else ${loginThrottles.windowStartedAt} end`,
      },
    })
    .returning({ failures: loginThrottles.failures });
}

export async function lockThrottle(db: Executor, key: string, until: Date): Promise<void> {
  await db.update(loginThrottles).set({ lockedUntil: until }).where(eq(loginThrottles.key, key));
}

export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key));
}

export async function deleteOldThrottles(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(loginThrottles)
    .where(
      sql`${loginThrottles.windowStartedAt} < ${before} and (${loginThrottles.lockedUntil} is null or ${loginThrottles.lockedUntil} < ${before})`,
    )
    .returning({ key: loginThrottles.key });
  return rows.length;
}
