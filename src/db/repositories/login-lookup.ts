import { sql } from 'drizzle-orm';
import type { PatronState } from '../../domain/patron-lifecycle.js';
import { type Executor, queryRows } from '../client.js';
import { loginThrottles, patrons, sessions, staff } from '../schema.js';
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
  /** Whom the session of `opening` was written for (a random id for nobody), if it was written. */
  openedFor: { kind: 'staff' | 'patron'; id: string } | null;
}

/**
 * The session a login will hand out if the password is right, written by the lookup itself so
 * that a successful login costs one statement. Its token is known only to the process that
 * chose it, and reaches the browser only after the password is verified; the login deletes the
 * row on any other outcome. It names the account only if that account may log in now (a
 * password, not disabled, a state that opens the portal), and nobody (a random id) otherwise or
 * when no account matches: the statement then writes alike whether or not an account exists, so
 * its time tells nothing. Nothing is written while the account is locked or the address over
 * its limit (the rules the login applies after the lookup).
 */
export interface SessionOpening {
  idHash: string;
  now: Date;
  ip: string;
  userAgent: string | null;
  ipKey: string;
  accountKey: string;
  windowStart: Date;
  /** Failed logins from one address in a window beyond which it is refused. */
  ipLimit: number;
  /** The patron states that open the portal. */
  patronStates: readonly string[];
}

type JsonDate = string | null;
interface Fetched {
  throttles: { key: string; failures: number; windowStartedAt: string; lockedUntil: JsonDate }[];
  staff: (Omit<StaffLoginCandidate, 'disabledAt'> & { disabledAt: JsonDate })[];
  patrons: (Omit<PatronLoginCandidate, 'anonymisedAt'> & { anonymisedAt: JsonDate })[];
  openedFor: LoginLookup['openedFor'];
}

const toDate = (value: JsonDate) => (value === null ? null : new Date(value));

/**
 * Everything a login reads, in one round trip: the brute-force counters of `throttleKeys`, and
 * the staff account and the patron that `login` (an identifier or an e-mail, lower case) names.
 * Staff and patrons share the login page and their identifiers are unique across both; a login
 * costs argon2 plus its queries, and every query shared between requests is CPU taken from it.
 */
export async function lookUpLogin(
  db: Executor,
  login: string,
  throttleKeys: string[],
  opening?: SessionOpening,
): Promise<LoginLookup> {
  const [row] = await queryRows<Fetched>(
    db,
    sql`${opening && login ? openSession(login, opening) : sql`with opened as (select null::text as kind, null::uuid as id where false)`}
    select
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
        limit 5) p) as "patrons",
      (select json_build_object('kind', kind, 'id', id) from opened) as "openedFor"`,
  );
  const fetched = row ?? { throttles: [], staff: [], patrons: [], openedFor: null };
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
    openedFor: fetched.openedFor,
  };
}

/**
 * The `opened` CTE: the session of `o` for the account `login` most likely names (staff before
 * patrons, an identifier before an e-mail), or for nobody. The login still picks the account by
 * its own rules (pickStaffLogin, pickPatronLogin) and does not use a session written for another.
 */
function openSession(login: string, o: SessionOpening) {
  const t = loginThrottles;
  return sql`with opened as (
    insert into ${sessions} (${sql.identifier(sessions.idHash.name)}, ${sql.identifier(sessions.principalKind.name)},
      ${sql.identifier(sessions.principalId.name)}, ${sql.identifier(sessions.createdAt.name)},
      ${sql.identifier(sessions.lastSeenAt.name)}, ${sql.identifier(sessions.ip.name)}, ${sql.identifier(sessions.userAgent.name)})
    select ${o.idHash}, c.kind, c.id, ${o.now}::timestamptz, ${o.now}::timestamptz, ${o.ip}, ${o.userAgent}
    from (
      select 'staff' as kind, ${staff.id} as id, 0 as rank, lower(${staff.identifier}) = ${login} as "byIdentifier"
      from ${staff}
      where (lower(${staff.identifier}) = ${login} or lower(${staff.email}) = ${login})
        and ${staff.passwordHash} is not null and ${staff.disabledAt} is null
      union all
      select 'patron', ${patrons.id}, 1, lower(${patrons.identifier}) = ${login}
      from ${patrons}
      where (lower(${patrons.identifier}) = ${login} or lower(${patrons.email}) = ${login})
        and ${patrons.passwordHash} is not null and ${patrons.anonymisedAt} is null
        and ${patrons.state} in (${sql.join(
          o.patronStates.map((state) => sql`${state}`),
          sql`, `,
        )})
      union all
      select 'staff', gen_random_uuid(), 2, false
    ) c
    where not exists (select 1 from ${t} where ${t.key} = ${o.ipKey}
        and ${t.windowStartedAt} >= ${o.windowStart}::timestamptz and ${t.failures} >= ${o.ipLimit})
      and not exists (select 1 from ${t} where ${t.key} = ${o.accountKey} and ${t.lockedUntil} > ${o.now}::timestamptz)
    order by c.rank, c."byIdentifier" desc
    limit 1
    returning ${sql.identifier(sessions.principalKind.name)} as kind, ${sql.identifier(sessions.principalId.name)} as id
  )`;
}
