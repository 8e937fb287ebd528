import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { contentPages, contentPageVersions } from '../schema.js';

export type StoredContentPage = typeof contentPages.$inferSelect;
export type ContentVersion = typeof contentPageVersions.$inferSelect;

export async function findContentPage(db: Executor, key: string): Promise<StoredContentPage | null> {
  const [row] = await db.select().from(contentPages).where(eq(contentPages.key, key));
  return row ?? null;
}

export async function listContentPages(db: Executor): Promise<StoredContentPage[]> {
  return db.select().from(contentPages);
}

/** The saved texts of a page, newest first. */
export async function listContentVersions(db: Executor, key: string, limit = 50): Promise<ContentVersion[]> {
  return db
    .select()
    .from(contentPageVersions)
    .where(eq(contentPageVersions.key, key))
    .orderBy(desc(contentPageVersions.createdAt), desc(contentPageVersions.id))
    .limit(limit);
}

export async function findContentVersion(
  db: Executor,
  key: string,
  id: number,
): Promise<ContentVersion | null> {
  const [row] = await db
    .select()
    .from(contentPageVersions)
    .where(and(eq(contentPageVersions.key, key), eq(contentPageVersions.id, id)));
  return row ?? null;
}

/** Stores a new text of a page: the current text and a new version, in the caller's transaction. */
export async function writeContentPage(
  db: Executor,
  key: string,
  body: string,
  now: Date,
  by: string,
): Promise<void> {
  await db
    .insert(contentPages)
    .values({ key, body, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({ target: contentPages.key, set: { body, updatedAt: now, updatedBy: by } });
  await db.insert(contentPageVersions).values({ key, body, createdAt: now, createdBy: by });
}

/** The newest saved text of a page (its version), or null while it shows its default text. */
export async function newestContentVersion(db: Executor, key: string): Promise<ContentVersion | null> {
  const [row] = await listContentVersions(db, key, 1);
  return row ?? null;
}
