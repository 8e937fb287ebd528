import { and, eq, lt, sql } from 'drizzle-orm';
import type { CasAttribute } from '../../connectors/cas/protocol.js';
import { type Executor, queryRows } from '../client.js';
import { casServices, casTickets, resources } from '../schema.js';
import { isUuid } from './libraries.js';

export type CasServiceRow = typeof casServices.$inferSelect;

export async function findCasService(db: Executor, resourceId: string): Promise<CasServiceRow | null> {
  if (!isUuid(resourceId)) return null;
  const [row] = await db.select().from(casServices).where(eq(casServices.resourceId, resourceId));
  return row ?? null;
}

/** The enabled services of active resources: the registry /cas/login and /cas/logout check. */
export async function enabledCasServices(db: Executor): Promise<CasServiceRow[]> {
  return db
    .select({
      resourceId: casServices.resourceId,
      enabled: casServices.enabled,
      servicePrefix: casServices.servicePrefix,
      attributes: casServices.attributes,
      ticketSeconds: casServices.ticketSeconds,
      pseudonymSecret: casServices.pseudonymSecret,
      updatedAt: casServices.updatedAt,
    })
    .from(casServices)
    .innerJoin(resources, eq(resources.id, casServices.resourceId))
    .where(and(eq(casServices.enabled, true), eq(resources.active, true)));
}

export async function saveCasService(
  db: Executor,
  row: Omit<CasServiceRow, 'pseudonymSecret'> & { pseudonymSecret: string },
): Promise<void> {
  await db
    .insert(casServices)
    .values(row)
    .onConflictDoUpdate({
      target: casServices.resourceId,
      set: {
        enabled: row.enabled,
        servicePrefix: row.servicePrefix,
        attributes: row.attributes,
        ticketSeconds: row.ticketSeconds,
        updatedAt: row.updatedAt,
      },
    });
}

export async function insertCasTicket(db: Executor, row: typeof casTickets.$inferInsert): Promise<void> {
  await db.insert(casTickets).values(row);
}

/**
 * Tickets never presented: gone once expired (each issue and the purge-sso sweep remove the old
 * ones). Returns how many went.
 */
export async function deleteExpiredCasTickets(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(casTickets)
    .where(lt(casTickets.expiresAt, now))
    .returning({ hash: casTickets.hash });
  return rows.length;
}

/** A ticket taken out of the table, with what its validation may release. */
export interface ConsumedTicket {
  service: string;
  fromNewLogin: boolean;
  createdAt: Date;
  expiresAt: Date;
  attributes: CasAttribute[];
  pseudonymSecret: string;
  patronId: string;
  identifier: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  birthDate: string | null;
  birthYear: number;
  activeUntil: string | null;
  libraryCode: string;
  libraryName: string;
}

/**
 * Deletes the ticket and returns it with its service's settings and the patron, in one
 * statement: two validations of one ticket at once find it once (single use), whatever the
 * number of instances. Null when unknown (or already used).
 */
export async function consumeCasTicket(db: Executor, hash: string): Promise<ConsumedTicket | null> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with t as (delete from cas_tickets where hash = ${hash} returning *)
      select t.service, t.from_new_login, t.created_at, t.expires_at,
        s.attributes, s.pseudonym_secret, p.id as patron_id, p.identifier, p.first_name, p.last_name,
        p.email, p.birth_date::text as birth_date, p.birth_year, p.active_until::text as active_until,
        l.code as library_code, l.name as library_name
      from t
      join cas_services s on s.resource_id = t.resource_id
      join patrons p on p.id = t.patron_id
      join libraries l on l.id = p.library_id`,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    service: r.service as string,
    fromNewLogin: r.from_new_login as boolean,
    createdAt: new Date(r.created_at as string | Date),
    expiresAt: new Date(r.expires_at as string | Date),
    attributes: (typeof r.attributes === 'string'
      ? JSON.parse(r.attributes)
      : r.attributes) as CasAttribute[],
    pseudonymSecret: r.pseudonym_secret as string,
    patronId: r.patron_id as string,
    identifier: (r.identifier as string | null) ?? null,
    firstName: (r.first_name as string | null) ?? null,
    lastName: (r.last_name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    birthDate: (r.birth_date as string | null) ?? null,
    birthYear: Number(r.birth_year),
    activeUntil: (r.active_until as string | null) ?? null,
    libraryCode: r.library_code as string,
    libraryName: r.library_name as string,
  };
}
