import { sql } from 'drizzle-orm';
import type { PatronState } from '../../domain/patron-lifecycle.js';
import { type Executor, queryRows } from '../client.js';
import { loginThrottles, patrons, staff } from '../schema.js';
import type { ThrottleRow } from './login-throttles.js';
import { pickPatronLogin } from './patrons.js';
import { pickStaffLogin } from './staff.js';

/** What a login needs of a staff account. */
export interface StaffLoginCandidate {
  id: string;
  identifier: string;
  passwordHash: string | null;
  disabledAt: Date | null;
}

/** What a login needs of a patron. */
export interface PatronLoginCandidate {
  id: string;
  identifier: string | null;
  state: PatronState;
  anonymisedAt: Date | null;
  passwordHash: string | null;
}

export interface LoginLookup {
  throttles: Map<string, ThrottleRow>;
  staff: StaffLoginCandidate | null;
  patron: PatronLoginCandidate | null;
}

type JsonDate = string | null;
interface Fetched {
  throttles: { key: string; failures: number; windowStartedAt: string; lockedUntil: JsonDate }[];
  staff: (Omit<StaffLoginCandidate, 'disabledAt'> & { disabledAt: JsonDate })[];
  patrons: (Omit<PatronLoginCandidate, 'anonymisedAt'> & { anonymisedAt: JsonDate })[];
}

const toDate = (value: JsonDate) => (value === null ? null : new Date(value));

/**
 * Everything a login reads, in one round trip: the brute-force counters of `throttleKeys`, and
 * the staff account and the patron that `login` (an identifier or an e-mail, lower case) names.
 * Staff and patrons share the login page and their identifiers are unique across both; a login
 * costs argon2 plus its queries, and every query shared between requests is CPU taken from it.
 */
export async function lookUpLogin(db: Executor, login: string, throttleKeys: string[]): Promise<LoginLookup> {
  const [row] = await queryRows<Fetched>(
    db,
    sql`select
      (select coalesce(json_agg(json_build_object(
          'key', ${loginThrottles.key}, 'failures', ${loginThrottles.failures},
          'windowStartedAt', ${loginThrottles.windowStartedAt}, 'lockedUntil', ${loginThrottles.lockedUntil})), '[]'::json)
        from ${loginThrottles}
        where ${loginThrottles.key} in (${sql.join(
          throttleKeys.map((k) => sql`${k}`),
          sql`, `,
        )})) as "throttles",
      (select coalesce(json_agg(s), '[]'::json) from (
        select ${staff.id} as "id", ${staff.identifier} as "identifier",
          ${staff.passwordHash} as "passwordHash", ${staff.disabledAt} as "disabledAt"
        from ${staff}
        where lower(${staff.identifier}) = ${login} or lower(${staff.email}) = ${login}
        limit 2) s) as "staff",
      (select coalesce(json_agg(p), '[]'::json) from (
        select ${patrons.id} as "id", ${patrons.identifier} as "identifier", ${patrons.state} as "state",
          ${patrons.anonymisedAt} as "anonymisedAt", ${patrons.passwordHash} as "passwordHash"
        from ${patrons}
        where ${login} <> '' and (lower(${patrons.identifier}) = ${login} or lower(${patrons.email}) = ${login})
        limit 5) p) as "patrons"`,
  );
  const fetched = row ?? { throttles: [], staff: [], patrons: [] };
  const staffMatch = login ? pickStaffLogin(fetched.staff, login) : null;
  const patronMatch = login
    ? pickPatronLogin(
        fetched.patrons.map((p) => ({ ...p, anonymisedAt: toDate(p.anonymisedAt) })),
        login,
      )
    : null;
  return {
    throttles: new Map(
      fetched.throttles.map((t) => [
        t.key,
        {
          key: t.key,
          failures: t.failures,
          windowStartedAt: new Date(t.windowStartedAt),
          lockedUntil: toDate(t.lockedUntil),
        },
      ]),
    ),
    staff: staffMatch ? { ...staffMatch, disabledAt: toDate(staffMatch.disabledAt) } : null,
    patron: patronMatch,
  };
}
