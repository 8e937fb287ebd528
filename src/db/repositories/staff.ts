import { and, asc, eq, exists, getTableColumns, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { LibraryScope, StaffRole } from '../../domain/actor.js';
import type { Executor } from '../client.js';
import { libraries, staff, staffLibraries } from '../schema.js';
import { isUuid } from './libraries.js';

export type StaffRow = typeof staff.$inferSelect;
export interface StaffWithLibraries extends StaffRow {
  libraryIds: string[];
}

/**
 * A staff row with its libraries, in the same query: every signed-in page and every login
 * reads one, so it costs one round trip, not two.
 */
const withLibraryIds = {
  ...getTableColumns(staff),
  libraryIds: sql<string[]>`array(select ${staffLibraries.libraryId} from ${staffLibraries}
    where ${staffLibraries.staffId} = ${staff.id} order by ${staffLibraries.libraryId})`.mapWith(
    (v: unknown) => parseUuidArray(v),
  ),
};

/** node-postgres gives uuid[] as an array, PGlite too; a text form '{a,b}' is parsed as well. */
function parseUuidArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string')
    return v
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean);
  return [];
}

/** Login accepts the identifier or the e-mail address, whatever the case. */
export async function findStaffByLogin(db: Executor, login: string): Promise<StaffWithLibraries | null> {
  const l = login.trim().toLowerCase();
  const rows = await db
    .select(withLibraryIds)
    .from(staff)
    .where(or(eq(sql`lower(${staff.identifier})`, l), eq(sql`lower(${staff.email})`, l)))
    .limit(2);
  return pickStaffLogin(rows, l);
}

/**
 * Of the (at most two) staff accounts whose identifier or e-mail is `login`, the one it names:
 * an e-mail shared by two staff accounts is ambiguous, only the identifier logs in then.
 */
export function pickStaffLogin<T extends { identifier: string }>(rows: T[], login: string): T | null {
  const row = rows.length === 1 ? rows[0] : rows.find((r) => r.identifier.toLowerCase() === login);
  return row ?? null;
}

export async function findStaffById(db: Executor, id: string): Promise<StaffWithLibraries | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select(withLibraryIds).from(staff).where(eq(staff.id, id));
  return row ?? null;
}

/**
 * Staff visible to an actor: network administrators see everyone; library staff see the
 * accounts attached to one of their libraries.
 */
function staffScopeCondition(scope: LibraryScope) {
  if (scope.all) return sql`true`;
  if (scope.libraryIds.length === 0) return sql`false`;
  return exists(
    sql`(select 1 from ${staffLibraries} where ${staffLibraries.staffId} = ${staff.id} and ${staffLibraries.libraryId} in ${scope.libraryIds})`,
  );
}

export async function findStaffInScope(
  db: Executor,
  scope: LibraryScope,
  id: string,
): Promise<StaffWithLibraries | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(withLibraryIds)
    .from(staff)
    .where(and(eq(staff.id, id), staffScopeCondition(scope)));
  return row ?? null;
}

export async function listStaff(
  db: Executor,
  scope: LibraryScope,
): Promise<Array<StaffRow & { libraryNames: string[] }>> {
  const rows = await db
    .select({
      staff,
      // Qualified by hand: in a one-table select Drizzle prints bare column names, and a bare
      // "id" inside the subquery would be the library's, not the staff member's.
      libraryNames: sql<
        string[]
      >`coalesce((select array_agg(l.name order by l.name) from ${staffLibraries} sl join ${libraries} l on l.id = sl.library_id where sl.staff_id = ${staff}.id), '{}')`,
    })
    .from(staff)
    .where(staffScopeCondition(scope))
    .orderBy(asc(staff.role), asc(staff.name));
  return rows.map((r) => ({ ...r.staff, libraryNames: r.libraryNames }));
}

export async function identifierTaken(db: Executor, identifier: string): Promise<boolean> {
  const [row] = await db
    .select({ id: staff.id })
    .from(staff)
    .where(eq(sql`lower(${staff.identifier})`, identifier.trim().toLowerCase()));
  return Boolean(row);
}

export async function insertStaff(
  db: Executor,
  input: {
    identifier: string;
    name: string;
    email: string;
    role: StaffRole;
    libraryIds: string[];
    createdAt: Date;
  },
): Promise<StaffRow> {
  const [row] = await db
    .insert(staff)
    .values({
      identifier: input.identifier,
      name: input.name,
      email: input.email,
      role: input.role,
      createdAt: input.createdAt,
    })
    .returning();
  if (input.libraryIds.length > 0)
    await db
      .insert(staffLibraries)
      .values(input.libraryIds.map((libraryId) => ({ staffId: row!.id, libraryId })));
  return row!;
}

/** Replaces what an administrator may edit of an account: name, e-mail, role, libraries. */
export async function updateStaffProfile(
  db: Executor,
  id: string,
  values: { name: string; email: string; role: StaffRole; libraryIds: string[] },
): Promise<void> {
  await db
    .update(staff)
    .set({ name: values.name, email: values.email, role: values.role })
    .where(eq(staff.id, id));
  await db.delete(staffLibraries).where(eq(staffLibraries.staffId, id));
  if (values.libraryIds.length > 0)
    await db
      .insert(staffLibraries)
      .values(values.libraryIds.map((libraryId) => ({ staffId: id, libraryId })));
}

export async function setStaffPassword(
  db: Executor,
  id: string,
  passwordHash: string,
  now: Date,
): Promise<void> {
  await db.update(staff).set({ passwordHash, passwordChangedAt: now }).where(eq(staff.id, id));
}

export async function setStaffDisabled(db: Executor, id: string, disabledAt: Date | null): Promise<void> {
  await db.update(staff).set({ disabledAt }).where(eq(staff.id, id));
}

/**
 * Disables or re-enables an account only if it is not already so: false when nothing changed
 * (another administrator acted first).
 */
export async function setStaffDisabledIf(
  db: Executor,
  id: string,
  disabledAt: Date | null,
): Promise<boolean> {
  const rows = await db
    .update(staff)
    .set({ disabledAt })
    .where(and(eq(staff.id, id), disabledAt ? isNull(staff.disabledAt) : isNotNull(staff.disabledAt)))
    .returning({ id: staff.id });
  return rows.length === 1;
}

/**
 * Locks the active administrators' rows until the end of the transaction and returns their
 * ids: two administrators disabling each other at once cannot leave the network without one.
 */
export async function lockActiveAdminIds(db: Executor): Promise<string[]> {
  const rows = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.role, 'network_admin'), isNull(staff.disabledAt)))
    .orderBy(asc(staff.id))
    .for('update');
  return rows.map((r) => r.id);
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(staff)
    .where(and(eq(staff.role, 'network_admin'), isNull(staff.disabledAt)));
  return row?.n ?? 0;
}
