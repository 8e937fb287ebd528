import { and, asc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { LibraryScope } from '../../domain/actor.js';
import type { Executor } from '../client.js';
import { PerDatabaseCache } from '../per-database-cache.js';
import { libraries } from '../schema.js';
import { libraryScopeCondition } from './scope.js';

export type Library = typeof libraries.$inferSelect;
export interface LibraryInput {
  code: string;
  name: string;
  town: string;
  email: string;
}

export interface LibraryFilter {
  activeOnly?: boolean;
  inactiveOnly?: boolean;
  query?: string;
}

/**
 * Case, accents, hyphens and apostrophes aside: "saint aubin" finds Saint-Aubin-les-Forges, as in
 * the library combobox. A few hundred rows: no index needed.
 */
function words(text: SQL) {
  return sql`trim(regexp_replace(sesame_fold(${text}), '[\\s''’-]+', ' ', 'g'))`;
}

function libraryFilter(scope: LibraryScope, options: LibraryFilter) {
  const q = options.query?.trim();
  return and(
    libraryScopeCondition(scope, libraries.id),
    options.activeOnly ? eq(libraries.active, true) : undefined,
    options.inactiveOnly ? eq(libraries.active, false) : undefined,
    q
      ? or(
          sql`${words(sql`${libraries.name}`)} like '%' || ${words(sql`${q}`)} || '%'`,
          sql`${words(sql`${libraries.town}`)} like '%' || ${words(sql`${q}`)} || '%'`,
          ilike(libraries.code, `${q}%`),
        )
      : undefined,
  );
}

export function listLibraries(
  db: Executor,
  scope: LibraryScope,
  options: LibraryFilter = {},
): Promise<Library[]> {
  return db.select().from(libraries).where(libraryFilter(scope, options)).orderBy(asc(libraries.name));
}

/**
 * One page of the filtered list, by name (then id, so pages never overlap), with the number of
 * libraries matching: a network of hundreds of libraries is read a page at a time.
 */
export async function pageOfLibraries(
  db: Executor,
  scope: LibraryScope,
  options: LibraryFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: Library[]; total: number }> {
  const where = libraryFilter(scope, options);
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(libraries)
      .where(where)
      .orderBy(asc(libraries.name), asc(libraries.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(libraries).where(where),
  ]);
  return { rows, total: counted?.n ?? 0 };
}

/** Null when the library does not exist or lies outside the scope: the caller says 404 either way. */
export async function findLibrary(db: Executor, scope: LibraryScope, id: string): Promise<Library | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(libraries)
    .where(and(eq(libraries.id, id), libraryScopeCondition(scope, libraries.id)));
  return row ?? null;
}

export async function findLibraryByCode(db: Executor, code: string): Promise<Library | null> {
  const [row] = await db.select().from(libraries).where(eq(libraries.code, code));
  return row ?? null;
}

export async function insertLibrary(db: Executor, input: LibraryInput): Promise<Library> {
  const [row] = await db.insert(libraries).values(input).returning();
  return row!;
}

export async function updateLibrary(
  db: Executor,
  id: string,
  values: Partial<LibraryInput & { active: boolean }>,
  now: Date,
): Promise<Library | null> {
  const [row] = await db
    .update(libraries)
    .set({ ...values, updatedAt: now })
    .where(eq(libraries.id, id))
    .returning();
  return row ?? null;
}

/** Activates or deactivates a library only if it is not already so: null when nothing changed. */
export async function setLibraryActive(
  db: Executor,
  id: string,
  active: boolean,
  now: Date,
): Promise<Library | null> {
  const [row] = await db
    .update(libraries)
    .set({ active, updatedAt: now })
    .where(and(eq(libraries.id, id), eq(libraries.active, !active)))
    .returning();
  return row ?? null;
}

/** Inserts new codes, updates existing ones; returns how many of each. */
export async function upsertLibraries(
  db: Executor,
  rows: LibraryInput[],
  now: Date,
): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    const [res] = await db
      .insert(libraries)
      .values(row)
      .onConflictDoUpdate({
        target: libraries.code,
        set: { name: row.name, town: row.town, email: row.email, updatedAt: now },
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    if (res?.inserted) created++;
    else updated++;
  }
  return { created, updated };
}

export function isUuid(v: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
}

/** How long a self-registration may trust the list of active libraries it read for an earlier one. */
export const ACTIVE_LIBRARIES_CACHE_MS = 1000;
const activeLibraries = new PerDatabaseCache<Map<string, { id: string; name: string }>>(
  ACTIVE_LIBRARIES_CACHE_MS,
);

function loadActiveLibraries(db: Executor) {
  return async () => {
    const rows = await db
      .select({ id: libraries.id, name: libraries.name })
      .from(libraries)
      .where(eq(libraries.active, true));
    return new Map(rows.map((l) => [l.id, l]));
  };
}

/**
 * The active library `id` names, from a list read at most ACTIVE_LIBRARIES_CACHE_MS ago; an id
 * missing from that list is looked up again at once, so a library created or reactivated a moment
 * ago is found. A library deactivated within the delay may still be returned: a writer that must
 * not accept it checks `active` again in its own statement (insertSelfRegistration does).
 */
export async function findActiveLibraryCached(
  db: Executor,
  id: string,
): Promise<{ id: string; name: string } | null> {
  if (!isUuid(id)) return null;
  const load = loadActiveLibraries(db);
  const library = (await activeLibraries.get(db, load)).get(id);
  return library ?? (await activeLibraries.reload(db, load)).get(id) ?? null;
}
