import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { PatronState } from '../../domain/patron-lifecycle.js';
import type { Executor } from '../client.js';
import { libraries, patrons } from '../schema.js';
import type { NewPatron, PatronRow } from './patrons.js';

/**
 * Queries of the staff tools on a patron's record: possible duplicates before a staff
 * registration, and the guarded updates of corrections, library changes and renewals.
 */

export interface DuplicateMatch {
  id: string;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  state: PatronState;
  activeUntil: string | null;
  libraryId: string;
  libraryName: string;
  /** Same e-mail address (whatever the case). */
  sameEmail: boolean;
  /** Same name, first name (case and accents ignored) and birth date. */
  sameIdentity: boolean;
}

/**
 * Live records (not lapsed, not anonymised) of the whole network that look like the person
 * about to be registered: same e-mail, or same name, first name and birth date. The network is
 * searched whatever the actor's scope: a person registered in another library is still the
 * same person; what staff may open is decided by the caller.
 */
export async function findPossibleDuplicates(
  db: Executor,
  person: { email: string; lastName: string; firstName: string; birthDate: string },
  limit = 20,
): Promise<DuplicateMatch[]> {
  const email = person.email.trim().toLowerCase();
  const sameEmail = sql<boolean>`lower(${patrons.email}) = ${email}`;
  const sameIdentity = sql<boolean>`(sesame_fold(${patrons.lastName}) = sesame_fold(${person.lastName})
    and sesame_fold(${patrons.firstName}) = sesame_fold(${person.firstName})
    and ${patrons.birthDate} = ${person.birthDate})`;
  const rows = await db
    .select({
      id: patrons.id,
      firstName: patrons.firstName,
      lastName: patrons.lastName,
      birthDate: patrons.birthDate,
      state: patrons.state,
      activeUntil: patrons.activeUntil,
      libraryId: patrons.libraryId,
      libraryName: libraries.name,
      sameEmail,
      sameIdentity,
    })
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(and(or(sameEmail, sameIdentity), ne(patrons.state, 'lapsed'), isNull(patrons.anonymisedAt)))
    .orderBy(patrons.registeredAt, patrons.id)
    .limit(limit);
  return rows.map((r) => ({ ...r, sameEmail: Boolean(r.sameEmail), sameIdentity: Boolean(r.sameIdentity) }));
}

/** Other live patrons using this address (for the one-account-per-address rule). */
export async function otherLivePatronsWithEmail(
  db: Executor,
  email: string,
  exceptId: string,
): Promise<Array<{ id: string; libraryId: string; libraryName: string }>> {
  return db
    .select({ id: patrons.id, libraryId: patrons.libraryId, libraryName: libraries.name })
    .from(patrons)
    .innerJoin(libraries, eq(libraries.id, patrons.libraryId))
    .where(
      and(
        eq(sql`lower(${patrons.email})`, email.trim().toLowerCase()),
        ne(patrons.id, exceptId),
        ne(patrons.state, 'lapsed'),
        isNull(patrons.anonymisedAt),
      ),
    )
    .limit(5);
}

/**
 * A correction by staff, applied only if nobody changed the record since the form was shown
 * (its updatedAt) and it still has personal data. Null: someone else was first.
 */
export async function updatePatronIfUnchanged(
  db: Executor,
  id: string,
  seenUpdatedAt: Date,
  values: Partial<NewPatron>,
): Promise<PatronRow | null> {
  const [row] = await db
    .update(patrons)
    .set(values)
    .where(
      and(
        eq(patrons.id, id),
        // Dates read back in JavaScript keep milliseconds only.
        sql`date_trunc('milliseconds', ${patrons.updatedAt}) = ${seenUpdatedAt.toISOString()}::timestamptz`,
        isNull(patrons.anonymisedAt),
      ),
    )
    .returning();
  return row ?? null;
}

/** Moves a patron to another library, only from the library it was read in. */
export async function movePatronToLibrary(
  db: Executor,
  id: string,
  fromLibraryId: string,
  values: Partial<NewPatron> & { libraryId: string },
): Promise<PatronRow | null> {
  const [row] = await db
    .update(patrons)
    .set(values)
    .where(and(eq(patrons.id, id), eq(patrons.libraryId, fromLibraryId), isNull(patrons.anonymisedAt)))
    .returning();
  return row ?? null;
}

/**
 * The renewal's guarded update: only if the patron is still in the state and at the end date
 * it was read with, so two renewals of the same subscription (two colleagues, a form sent
 * twice) never add two periods.
 */
export async function renewPatronIfUnchanged(
  db: Executor,
  id: string,
  seen: { states: readonly PatronState[]; activeUntil: string | null },
  values: Partial<NewPatron>,
): Promise<PatronRow | null> {
  const [row] = await db
    .update(patrons)
    .set(values)
    .where(
      and(
        eq(patrons.id, id),
        inArray(patrons.state, [...seen.states]),
        seen.activeUntil === null ? isNull(patrons.activeUntil) : eq(patrons.activeUntil, seen.activeUntil),
        isNull(patrons.anonymisedAt),
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Following an e-mailed password link proves the address: marks it verified if it was not
 * (patrons registered by staff have an unverified address until then).
 */
export async function markEmailVerified(db: Executor, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(patrons)
    .set({ emailConfirmedAt: now })
    .where(and(eq(patrons.id, id), isNull(patrons.emailConfirmedAt)))
    .returning({ id: patrons.id });
  return rows.length === 1;
}
