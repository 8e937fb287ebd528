import { and, eq, inArray, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { LibraryScope } from '../../domain/actor.js';
import type { PatronState } from '../../domain/patron-lifecycle.js';
import { type Executor, lockUntilCommit } from '../client.js';
import { libraries, patrons, staff } from '../schema.js';
import { isUuid } from './libraries.js';
import { libraryScopeCondition } from './scope.js';

export type PatronRow = typeof patrons.$inferSelect;
export type NewPatron = typeof patrons.$inferInsert;
export interface PatronWithLibrary extends PatronRow {
  libraryName: string;
  libraryEmail: string;
}

export async function insertPatron(db: Executor, values: NewPatron): Promise<PatronRow> {
  const [row] = await db.insert(patrons).values(values).returning();
  return row!;
}

const withLibrary = {
  patron: patrons,
  libraryName: libraries.name,
  libraryEmail: libraries.email,
};

/** A patron as staff see it: null when unknown or outside the actor's libraries (→ 404). */
export async function findPatronForStaff(
  db: Executor,
  scope: LibraryScope,
  id: string,
): Promise<PatronWithLibrary | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(withLibrary)
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(and(eq(patrons.id, id), libraryScopeCondition(scope, patrons.libraryId)));
  return row ? { ...row.patron, libraryName: row.libraryName, libraryEmail: row.libraryEmail } : null;
}

export async function findPatronById(db: Executor, id: string): Promise<PatronWithLibrary | null> {
  return findPatronForStaff(db, { all: true }, id);
}

/** Login by identifiant or e-mail, whatever the case. */
export async function findPatronByLogin(db: Executor, login: string): Promise<PatronRow | null> {
  const l = login.trim().toLowerCase();
  if (!l) return null;
  const rows = await db
    .select()
    .from(patrons)
    .where(or(eq(sql`lower(${patrons.identifier})`, l), eq(sql`lower(${patrons.email})`, l)))
    .limit(5);
  return pickPatronLogin(rows, l);
}

/**
 * Of the patrons whose identifier or e-mail is `login`, the one it names: an identifier match
 * wins; an e-mail only logs in when it names one live account.
 */
export function pickPatronLogin<
  T extends { identifier: string | null; state: string; anonymisedAt: Date | null },
>(rows: T[], login: string): T | null {
  const byIdentifier = rows.find((r) => r.identifier?.toLowerCase() === login);
  if (byIdentifier) return byIdentifier;
  const live = rows.filter((r) => r.state !== 'lapsed' && r.anonymisedAt === null);
  return live.length === 1 ? live[0]! : null;
}

/**
 * The patrons an address belongs to, as a new online registration sees it: live accounts and
 * requests. Lapsed and anonymised records do not count, nor a refused request (the person may
 * apply again, SPEC §2).
 */
export function ownsAddress(email: string | Placeholder): SQL {
  // A placeholder stands for an address already trimmed and in lower case.
  const address = typeof email === 'string' ? email.trim().toLowerCase() : email;
  return sql`lower(${patrons.email}) = ${address} and ${patrons.state} not in ('lapsed', 'refused') and ${patrons.anonymisedAt} is null`;
}

/** The patrons of ownsAddress. */
export async function findAddressOwners(db: Executor, email: string): Promise<PatronRow[]> {
  return db.select().from(patrons).where(ownsAddress(email));
}

/** Identifiers are unique without regard to case, across patrons and staff (one login page). */
export async function loginIdentifierTaken(db: Executor, identifier: string): Promise<boolean> {
  const l = identifier.trim().toLowerCase();
  const [p] = await db
    .select({ id: patrons.id })
    .from(patrons)
    .where(eq(sql`lower(${patrons.identifier})`, l))
    .limit(1);
  if (p) return true;
  const [s] = await db
    .select({ id: staff.id })
    .from(staff)
    .where(eq(sql`lower(${staff.identifier})`, l))
    .limit(1);
  return Boolean(s);
}

/**
 * The guarded state change: updates only if the patron is still in one of `from`. Returns the
 * updated row, or null when someone else changed it first (the caller says so, nothing is
 * overwritten).
 */
export async function transitionPatron(
  db: Executor,
  id: string,
  from: readonly PatronState[],
  values: Partial<NewPatron>,
): Promise<PatronRow | null> {
  const [row] = await db
    .update(patrons)
    .set(values)
    .where(and(eq(patrons.id, id), inArray(patrons.state, [...from])))
    .returning();
  return row ?? null;
}

export async function updatePatron(db: Executor, id: string, values: Partial<NewPatron>): Promise<void> {
  await db.update(patrons).set(values).where(eq(patrons.id, id));
}

/**
 * Every path that gives a patron an address (registration by either channel, correction by
 * staff, change by the patron) takes this lock first, so two of them cannot both claim it.
 */
export function lockPatronEmail(tx: Executor, email: string): Promise<void> {
  return lockUntilCommit(tx, `patron-email:${email.trim().toLowerCase()}`);
}
