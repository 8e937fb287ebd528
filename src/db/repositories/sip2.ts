import { asc, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../client.js';
import {
  libraryIls,
  network,
  patronResourceRights,
  patrons,
  resourceLibraries,
  resources,
  sip2Accounts,
} from '../schema.js';
import { isUuid } from './libraries.js';

export type Sip2AccountRow = typeof sip2Accounts.$inferSelect;
export type LibraryIlsRow = typeof libraryIls.$inferSelect;

export interface Sip2AccountListItem {
  id: string;
  login: string;
  allowedIps: string[];
  institution: string;
  resourceId: string;
  resourceName: string;
  createdAt: Date;
  createdBy: string;
}

export async function listSip2Accounts(db: Executor): Promise<Sip2AccountListItem[]> {
  return db
    .select({
      id: sip2Accounts.id,
      login: sip2Accounts.login,
      allowedIps: sip2Accounts.allowedIps,
      institution: sip2Accounts.institution,
      resourceId: sip2Accounts.resourceId,
      resourceName: resources.name,
      createdAt: sip2Accounts.createdAt,
      createdBy: sip2Accounts.createdBy,
    })
    .from(sip2Accounts)
    .innerJoin(resources, eq(resources.id, sip2Accounts.resourceId))
    .orderBy(asc(sql`lower(${sip2Accounts.login})`));
}

export async function findSip2AccountByLogin(db: Executor, login: string): Promise<Sip2AccountRow | null> {
  const [row] = await db
    .select()
    .from(sip2Accounts)
    .where(sql`lower(${sip2Accounts.login}) = lower(${login})`);
  return row ?? null;
}

/** Inserts the account; null when the login is taken (any case). */
export async function insertSip2Account(
  db: Executor,
  values: typeof sip2Accounts.$inferInsert,
): Promise<Sip2AccountRow | null> {
  const [row] = await db.insert(sip2Accounts).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function deleteSip2Account(db: Executor, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .delete(sip2Accounts)
    .where(eq(sip2Accounts.id, id))
    .returning({ id: sip2Accounts.id });
  return rows.length > 0;
}

export async function setSip2AccountPassword(
  db: Executor,
  id: string,
  passwordHash: string,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .update(sip2Accounts)
    .set({ passwordHash })
    .where(eq(sip2Accounts.id, id))
    .returning({ id: sip2Accounts.id });
  return rows.length > 0;
}

/** What a 63/23 answer needs: the patron, the account's resource rules for them, the network. */
export interface Sip2PatronContext {
  patron: {
    id: string;
    libraryId: string;
    state: (typeof patrons.$inferSelect)['state'];
    firstName: string | null;
    lastName: string | null;
    identifier: string | null;
    cardNumber: string | null;
    birthDate: string | null;
    birthYear: number;
    activeUntil: string | null;
    pendingSince: Date | null;
    registeredAt: Date;
    passwordHash: string | null;
    anonymisedAt: Date | null;
    lockedUntil: Date | null;
  } | null;
  resource: {
    kind: (typeof resources.$inferSelect)['kind'];
    audience: (typeof resources.$inferSelect)['audience'];
    active: boolean;
  } | null;
  subscribed: boolean;
  withdrawn: boolean;
  network: { profile: string; settings: Record<string, unknown> };
}

/**
 * One round trip: the patron named by identifiant (any case) or card number, their account
 * throttle, the resource's subscription and withdrawal for them, the network's settings. A
 * card number shared by two records names nobody.
 */
export async function loadSip2PatronContext(
  db: Executor,
  patronId: string,
  resourceId: string,
): Promise<Sip2PatronContext> {
  const [row] = await queryRows<{
    profile: string;
    settings: Record<string, unknown>;
    r_kind: string | null;
    r_audience: string | null;
    r_active: boolean | null;
    p_id: string | null;
    p_library_id: string | null;
    p_state: string | null;
    p_first_name: string | null;
    p_last_name: string | null;
    p_identifier: string | null;
    p_card_number: string | null;
    p_birth_date: string | null;
    p_birth_year: number | null;
    p_active_until: string | null;
    p_pending_since: string | Date | null;
    p_registered_at: string | Date | null;
    p_password_hash: string | null;
    p_anonymised_at: string | Date | null;
    p_locked_until: string | Date | null;
    subscribed: boolean | null;
    withdrawn: boolean | null;
  }>(
    db,
    sql`
    with found as (
      select * from ${patrons} p
      where p.anonymised_at is null and (lower(p.identifier) = lower(${patronId})
        or (p.card_number = ${patronId} and (select count(*) from ${patrons} q
              where q.card_number = ${patronId} and q.anonymised_at is null) = 1))
      order by (lower(p.identifier) = lower(${patronId})) desc
      limit 1
    ), res as (
      select * from ${resources} where id = ${isUuid(resourceId) ? resourceId : null}::uuid
    )
    select n.profile, n.settings,
      res.kind as r_kind, res.audience as r_audience, res.active as r_active,
      f.id as p_id, f.library_id as p_library_id, f.state as p_state, f.first_name as p_first_name,
      f.last_name as p_last_name, f.identifier as p_identifier, f.card_number as p_card_number,
      f.birth_date::text as p_birth_date, f.birth_year as p_birth_year, f.active_until::text as p_active_until,
      f.pending_since as p_pending_since, f.registered_at as p_registered_at,
      f.password_hash as p_password_hash, f.anonymised_at as p_anonymised_at,
      (select t.locked_until from login_throttles t where t.key = 'account:patron:' || f.id::text) as p_locked_until,
      (res.all_libraries or exists (select 1 from ${resourceLibraries} rl
        where rl.resource_id = res.id and rl.library_id = f.library_id)) as subscribed,
      coalesce((select w.withdrawn from ${patronResourceRights} w
        where w.patron_id = f.id and w.resource_id = res.id), false) as withdrawn
    from ${network} n
    left join found f on true
    left join res on true
    where n.id = 1`,
  );
  if (!row) throw new Error('network missing');
  const date = (v: string | Date | null) => (v === null ? null : v instanceof Date ? v : new Date(v));
  return {
    network: { profile: row.profile, settings: row.settings },
    resource: row.r_kind
      ? { kind: row.r_kind as never, audience: row.r_audience as never, active: Boolean(row.r_active) }
      : null,
    subscribed: Boolean(row.subscribed),
    withdrawn: Boolean(row.withdrawn),
    patron: row.p_id
      ? {
          id: row.p_id,
          libraryId: row.p_library_id!,
          state: row.p_state as never,
          firstName: row.p_first_name,
          lastName: row.p_last_name,
          identifier: row.p_identifier,
          cardNumber: row.p_card_number,
          birthDate: row.p_birth_date,
          birthYear: row.p_birth_year!,
          activeUntil: row.p_active_until,
          pendingSince: date(row.p_pending_since),
          registeredAt: date(row.p_registered_at)!,
          passwordHash: row.p_password_hash,
          anonymisedAt: date(row.p_anonymised_at),
          lockedUntil: date(row.p_locked_until),
        }
      : null,
  };
}

export async function findLibraryIls(db: Executor, libraryId: string): Promise<LibraryIlsRow | null> {
  if (!isUuid(libraryId)) return null;
  const [row] = await db.select().from(libraryIls).where(eq(libraryIls.libraryId, libraryId));
  return row ?? null;
}

/** Among these libraries, those whose ILS Sésame may ask. */
export async function librariesWithIls(db: Executor, libraryIds: string[]): Promise<string[]> {
  const ids = libraryIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: libraryIls.libraryId })
    .from(libraryIls)
    .where(inArray(libraryIls.libraryId, ids));
  return rows.map((r) => r.id);
}

export async function saveLibraryIls(db: Executor, values: LibraryIlsRow): Promise<void> {
  const { libraryId, ...rest } = values;
  await db.insert(libraryIls).values(values).onConflictDoUpdate({ target: libraryIls.libraryId, set: rest });
}

export async function deleteLibraryIls(db: Executor, libraryId: string): Promise<void> {
  if (!isUuid(libraryId)) return;
  await db.delete(libraryIls).where(eq(libraryIls.libraryId, libraryId));
}
