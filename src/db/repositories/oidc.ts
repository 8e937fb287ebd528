import { and, desc, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Db, Executor } from '../client.js';
import { libraries, oidcClients, oidcKeys, oidcPayloads, patrons, resources } from '../schema.js';

export type OidcClientRow = typeof oidcClients.$inferSelect;
export type OidcPayloadRow = typeof oidcPayloads.$inferSelect;

/* Clients */

export async function insertOidcClient(
  db: Executor,
  row: typeof oidcClients.$inferInsert,
): Promise<OidcClientRow> {
  const [out] = await db.insert(oidcClients).values(row).returning();
  return out!;
}

/** A client still in use (not revoked) of an active resource, or null. */
export async function findActiveOidcClient(db: Db, clientId: string): Promise<OidcClientRow | null> {
  const [row] = await db
    .select({ client: oidcClients })
    .from(oidcClients)
    .innerJoin(resources, eq(resources.id, oidcClients.resourceId))
    .where(
      and(eq(oidcClients.clientId, clientId), isNull(oidcClients.revokedAt), eq(resources.active, true)),
    );
  return row?.client ?? null;
}

export async function listOidcClients(db: Db, resourceId: string): Promise<OidcClientRow[]> {
  return db
    .select()
    .from(oidcClients)
    .where(eq(oidcClients.resourceId, resourceId))
    .orderBy(oidcClients.createdAt, oidcClients.clientId);
}

/** Revokes a client of this resource; false when there is none still active. */
export async function revokeOidcClient(db: Executor, resourceId: string, clientId: string, at: Date) {
  const rows = await db
    .update(oidcClients)
    .set({ revokedAt: at })
    .where(
      and(
        eq(oidcClients.resourceId, resourceId),
        eq(oidcClients.clientId, clientId),
        isNull(oidcClients.revokedAt),
      ),
    )
    .returning({ clientId: oidcClients.clientId });
  return rows.length === 1;
}

/* oidc-provider's stored models */

export async function upsertOidcPayload(
  db: Db,
  row: Omit<typeof oidcPayloads.$inferInsert, 'consumedAt'>,
): Promise<void> {
  await db
    .insert(oidcPayloads)
    .values(row)
    .onConflictDoUpdate({
      target: [oidcPayloads.model, oidcPayloads.id],
      set: {
        payload: row.payload,
        grantId: row.grantId ?? null,
        userCode: row.userCode ?? null,
        uid: row.uid ?? null,
        expiresAt: row.expiresAt ?? null,
      },
    });
}

const notExpired = (now: Date) => or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, now));

export async function findOidcPayload(
  db: Db,
  model: string,
  by: { id: string } | { uid: string } | { userCode: string },
  now: Date,
): Promise<OidcPayloadRow | null> {
  const key =
    'id' in by
      ? eq(oidcPayloads.id, by.id)
      : 'uid' in by
        ? eq(oidcPayloads.uid, by.uid)
        : eq(oidcPayloads.userCode, by.userCode);
  const [row] = await db
    .select()
    .from(oidcPayloads)
    .where(and(eq(oidcPayloads.model, model), key, notExpired(now)))
    .limit(1);
  return row ?? null;
}

export async function consumeOidcPayload(db: Db, model: string, id: string, at: Date): Promise<void> {
  await db
    .update(oidcPayloads)
    .set({ consumedAt: at })
    .where(and(eq(oidcPayloads.model, model), eq(oidcPayloads.id, id)));
}

export async function destroyOidcPayload(db: Db, model: string, id: string): Promise<void> {
  await db.delete(oidcPayloads).where(and(eq(oidcPayloads.model, model), eq(oidcPayloads.id, id)));
}

/** Every token or code of a grant goes at once (a replayed code revokes what it gave). */
export async function revokeOidcGrant(db: Db, grantId: string): Promise<void> {
  await db.delete(oidcPayloads).where(eq(oidcPayloads.grantId, grantId));
}

/** Codes, tokens, sessions and interactions past their expiry; returns how many went. */
export async function purgeExpiredOidcPayloads(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(oidcPayloads)
    .where(lte(oidcPayloads.expiresAt, now))
    .returning({ id: oidcPayloads.id });
  return rows.length;
}

/* Signing keys */

export async function listOidcKeys(db: Db) {
  return db.select().from(oidcKeys).orderBy(desc(oidcKeys.seq));
}

export async function insertOidcKey(db: Executor, row: typeof oidcKeys.$inferInsert): Promise<void> {
  await db.insert(oidcKeys).values(row);
}

/** Deletes the keys named (retired keys past their verification period). */
export async function deleteOidcKeys(db: Executor, kids: string[]): Promise<void> {
  if (kids.length) await db.delete(oidcKeys).where(inArray(oidcKeys.kid, kids));
}

/** The newest key's id: the server compares it to know a rotation happened. */
export async function newestOidcKid(db: Db): Promise<string | null> {
  const [row] = await db.select({ kid: oidcKeys.kid }).from(oidcKeys).orderBy(desc(oidcKeys.seq)).limit(1);
  return row?.kid ?? null;
}

/* Claims */

export interface OidcAccountRow {
  id: string;
  identifier: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  birthDate: string | null;
  birthYear: number;
  activeUntil: string | null;
  libraryName: string;
}

export async function findOidcAccount(db: Db, patronId: string): Promise<OidcAccountRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(patronId)) return null;
  const [row] = await db
    .select({
      id: patrons.id,
      identifier: patrons.identifier,
      firstName: patrons.firstName,
      lastName: patrons.lastName,
      email: patrons.email,
      birthDate: patrons.birthDate,
      birthYear: patrons.birthYear,
      activeUntil: patrons.activeUntil,
      libraryName: libraries.name,
    })
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(eq(patrons.id, patronId));
  return row ?? null;
}
