import { and, eq, gt, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { tokens } from '../schema.js';

export type TokenRow = typeof tokens.$inferSelect;
export type TokenPurpose = TokenRow['purpose'];

export async function insertToken(db: Executor, row: Omit<TokenRow, 'id' | 'usedAt'>): Promise<void> {
  await db.insert(tokens).values(row);
}

export async function findTokenByHash(db: Executor, hash: string): Promise<TokenRow | null> {
  const [row] = await db.select().from(tokens).where(eq(tokens.hash, hash));
  return row ?? null;
}

/** Marks the token used only if it still is usable: of two concurrent uses, one wins. */
export async function consumeToken(db: Executor, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(tokens)
    .set({ usedAt: now })
    .where(and(eq(tokens.id, id), isNull(tokens.usedAt)))
    .returning({ id: tokens.id });
  return rows.length === 1;
}

/** A new link makes the older ones of the same purpose useless. */
export async function revokeTokens(
  db: Executor,
  principal: { kind: TokenRow['principalKind']; id: string },
  purposes: TokenPurpose[],
  now: Date,
): Promise<void> {
  for (const purpose of purposes)
    await db
      .update(tokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(tokens.principalKind, principal.kind),
          eq(tokens.principalId, principal.id),
          eq(tokens.purpose, purpose),
          isNull(tokens.usedAt),
        ),
      );
}

export async function deleteStaleTokens(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(tokens)
    .where(or(lt(tokens.expiresAt, before), and(isNotNull(tokens.usedAt), lt(tokens.usedAt, before))))
    .returning({ id: tokens.id });
  return rows.length;
}

/** The tokens among these hashes that still open something: not used, not revoked, not expired. */
export async function liveTokenHashes(db: Executor, hashes: string[], now: Date): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db
    .select({ hash: tokens.hash })
    .from(tokens)
    .where(and(inArray(tokens.hash, hashes), isNull(tokens.usedAt), gt(tokens.expiresAt, now)));
  return new Set(rows.map((r) => r.hash));
}
