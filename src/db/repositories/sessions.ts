import { and, eq, lt, ne, or } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { sessions } from '../schema.js';

export type SessionRow = typeof sessions.$inferSelect;
export type PrincipalKind = SessionRow['principalKind'];

export async function insertSession(db: Executor, row: SessionRow): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function findSession(db: Executor, idHash: string): Promise<SessionRow | null> {
  const [row] = await db.select().from(sessions).where(eq(sessions.idHash, idHash));
  return row ?? null;
}

export async function touchSession(db: Executor, idHash: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.idHash, idHash));
}

export async function deleteSession(db: Executor, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** After a password change or when an account is disabled: every open session ends. */
export async function deleteSessionsOf(
  db: Executor,
  kind: PrincipalKind,
  principalId: string,
): Promise<void> {
  await db
    .delete(sessions)
    .where(and(eq(sessions.principalKind, kind), eq(sessions.principalId, principalId)));
}

/** After a password change from a session: the others end, the one that made the change stays. */
export async function deleteOtherSessionsOf(
  db: Executor,
  kind: PrincipalKind,
  principalId: string,
  keepIdHash: string,
): Promise<void> {
  await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.principalKind, kind),
        eq(sessions.principalId, principalId),
        ne(sessions.idHash, keepIdHash),
      ),
    );
}

export async function deleteExpiredSessions(
  db: Executor,
  idleBefore: Date,
  createdBefore: Date,
): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(or(lt(sessions.lastSeenAt, idleBefore), lt(sessions.createdAt, createdBefore)))
    .returning({ id: sessions.idHash });
  return rows.length;
}
