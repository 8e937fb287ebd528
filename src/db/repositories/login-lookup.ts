import { and, eq, sql } from 'drizzle-orm';
import { accountThrottleKey } from '../../domain/login-throttle.js';
import { type PatronState, PORTAL_STATES } from '../../domain/patron-lifecycle.js';
import type { Executor } from '../client.js';
import { preparedStatement } from '../prepared.js';
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
  /** The account's own lock (its counter is per account, whatever login names it). */
  lockedUntil: Date | null;
  /** Whether the account has a failure counter to clear at its next success. */
  throttled: boolean;
}

/** What a login needs of a patron. */
export interface PatronLoginCandidate {
  id: string;
  identifier: string | null;
  state: PatronState;
  anonymisedAt: Date | null;
  passwordHash: string | null;
  lockedUntil: Date | null;
  throttled: boolean;
}

export interface LoginLookup {
  /** The address's counter and the counter of a login that names no account. */
  throttles: Map<string, ThrottleRow>;
  staff: StaffLoginCandidate | null;
  patron: PatronLoginCandidate | null;
  /** Whom the lookup wrote the session for (a random id for nobody), if it wrote one. */
  openedFor: { kind: 'staff' | 'patron'; id: string } | null;
}

/**
 * What a login asks: `login` (an identifier or an e-mail, lower case), its brute-force counters
 * (the address's, and each matching account's, by id), and the session it will hand out if the
 * password is right. The lookup writes that session itself, so that a successful login costs one statement. Its token is known only to the
 * process that chose it, and reaches the browser only after the password is verified; the login
 * deletes the row on any other outcome. It names the account only if that account may log in
 * now (a password, not disabled, a state that opens the portal), and nobody (a random id)
 * otherwise or when no account matches: the statement then writes alike whether or not an
 * account exists, so its time tells nothing. Nothing is written while the account is locked or
 * the address over its limit (the rules the login applies after the lookup), nor for an empty
 * login.
 */
export interface LoginQuestion {
  login: string;
  ipKey: string;
  /** The counter of `login` when it names no account (accounts have theirs, by id). */
  loginKey: string;
  /**
   * Account counter keys, comma-separated, for which this browser proved an earlier successful
   * login (device cookie): the address's limit does not apply to them.
   */
  trusted: string;
  /** sha256 of the token of the session to open. */
  idHash: string;
  now: Date;
  windowStart: Date;
  ip: string;
  userAgent: string | null;
  /** Failed logins from one address in a window beyond which it is refused. */
  ipLimit: number;
}

type JsonDate = string | null;
interface Fetched {
  throttles: { key: string; failures: number; windowStartedAt: string; lockedUntil: JsonDate }[];
  staff: (Omit<StaffLoginCandidate, 'disabledAt' | 'lockedUntil'> & {
    disabledAt: JsonDate;
    lockedUntil: JsonDate;
  })[];
  patrons: (Omit<PatronLoginCandidate, 'anonymisedAt' | 'lockedUntil'> & {
    anonymisedAt: JsonDate;
    lockedUntil: JsonDate;
  })[];
  openedFor: LoginLookup['openedFor'];
}

const toDate = (value: JsonDate) => (value === null ? null : new Date(value));
const p = (name: keyof LoginQuestion) => sql.placeholder(name);
const column = (c: { name: string }) => sql.identifier(c.name);

/**
 * The one statement of a login. The `opened` CTE writes the session for the account `login` most
 * likely names (staff before patrons, an identifier before an e-mail), or for nobody; the login
 * still picks the account by its own rules (pickStaffLogin, pickPatronLogin) and does not use a
 * session written for another.
 */
const lookUpLoginStatement = preparedStatement<LoginQuestion & Record<string, unknown>, Fetched>(
  'sesame_login_lookup',
  { plan: 'once' },
  () => {
    const t = loginThrottles;
    const keyOf = (kind: 'staff' | 'patron', id: unknown) =>
      sql`${sql.raw(`'${accountThrottleKey(kind, '')}'`)} || ${id}`;
    const lockOf = (kind: 'staff' | 'patron', id: unknown) =>
      sql`(select ${t.lockedUntil} from ${t} where ${t.key} = ${keyOf(kind, id)})`;
    // offset 0: probed by its key for each account, never hashed from the whole table.
    const throttledOf = (kind: 'staff' | 'patron', id: unknown) =>
      sql`exists (select 1 from ${t} where ${t.key} = ${keyOf(kind, id)} offset 0)`;
    // The accounts the login names, under the table's own name: by identifiant, then by address,
    // each read through its own index. Fenced (offset 0): planned on an empty table, a kept plan
    // for "identifiant or address" scanned the whole table, at every login as it grew.
    const namedByLogin = (table: typeof staff | typeof patrons) => sql`((
      select * from ${table} where lower(${table.identifier}) = ${p('login')} offset 0)
      union all (
      select * from ${table} where lower(${table.email}) = ${p('login')}
        and lower(${table.identifier}) is distinct from ${p('login')} offset 0)) as ${table}`;
    return sql`with opened as (
    insert into ${sessions} (${column(sessions.idHash)}, ${column(sessions.principalKind)},
      ${column(sessions.principalId)}, ${column(sessions.createdAt)}, ${column(sessions.lastSeenAt)},
      ${column(sessions.ip)}, ${column(sessions.userAgent)})
    select ${p('idHash')}, c.kind, c.id, ${p('now')}::timestamptz, ${p('now')}::timestamptz, ${p('ip')}, ${p('userAgent')}
    from (
      select 'staff' as kind, ${staff.id} as id, 0 as rank, lower(${staff.identifier}) = ${p('login')} as "byIdentifier"
      from ${namedByLogin(staff)}
      where ${staff.passwordHash} is not null and ${staff.disabledAt} is null
      union all
      select 'patron', ${patrons.id}, 1, lower(${patrons.identifier}) = ${p('login')}
      from ${namedByLogin(patrons)}
      where ${patrons.passwordHash} is not null and ${patrons.anonymisedAt} is null
        and ${patrons.state} in (${sql.raw(PORTAL_STATES.map((state) => `'${state}'`).join(', '))})
      union all
      select 'staff', gen_random_uuid(), 2, false
    ) c
    where ${p('login')} <> ''
      -- the keys of accountThrottleKey
      and (not exists (select 1 from ${t} where ${t.key} = ${p('ipKey')}
          and ${t.windowStartedAt} >= ${p('windowStart')}::timestamptz and ${t.failures} >= ${p('ipLimit')}::int)
        or 'account:' || c.kind || ':' || c.id = any(string_to_array(${p('trusted')}::text, ',')))
      and not exists (select 1 from ${t} where ${t.key} in ('account:' || c.kind || ':' || c.id, ${p('loginKey')})
        and ${t.lockedUntil} > ${p('now')}::timestamptz)
    order by c.rank, c."byIdentifier" desc nulls last
    limit 1
    returning ${column(sessions.principalKind)} as kind, ${column(sessions.principalId)} as id
  )
  select
    (select coalesce(json_agg(json_build_object(
        'key', ${t.key}, 'failures', ${t.failures},
        'windowStartedAt', ${t.windowStartedAt}, 'lockedUntil', ${t.lockedUntil})), '[]'::json)
      from ${t}
      where ${t.key} in (${p('ipKey')}, ${p('loginKey')})) as "throttles",
    (select coalesce(json_agg(s), '[]'::json) from (
      select ${staff.id} as "id", ${staff.identifier} as "identifier",
        ${staff.passwordHash} as "passwordHash", ${staff.disabledAt} as "disabledAt",
        ${lockOf('staff', staff.id)} as "lockedUntil", ${throttledOf('staff', staff.id)} as "throttled"
      from ${namedByLogin(staff)}
      limit 2) s) as "staff",
    (select coalesce(json_agg(p), '[]'::json) from (
      select ${patrons.id} as "id", ${patrons.identifier} as "identifier", ${patrons.state} as "state",
        ${patrons.anonymisedAt} as "anonymisedAt", ${patrons.passwordHash} as "passwordHash",
        ${lockOf('patron', patrons.id)} as "lockedUntil", ${throttledOf('patron', patrons.id)} as "throttled"
      from ${namedByLogin(patrons)}
      where ${p('login')} <> ''
      limit 5) p) as "patrons",
    (select json_build_object('kind', kind, 'id', id) from opened) as "openedFor"`;
  },
);

/**
 * Everything a login reads, in one round trip, and the session it opens (see LoginQuestion):
 * the brute-force counters, and the staff account and the patron that the login names. Staff
 * and patrons share the login page and their identifiers are unique across both; a login costs
 * argon2 plus its queries, and every query shared between requests is CPU taken from it.
 */
export async function lookUpLogin(db: Executor, question: LoginQuestion): Promise<LoginLookup> {
  const [row] = await lookUpLoginStatement(db, { ...question });
  const fetched = row ?? { throttles: [], staff: [], patrons: [], openedFor: null };
  const { login } = question;
  const staffMatch = login ? pickStaffLogin(fetched.staff, login) : null;
  const patronMatch = login
    ? pickPatronLogin(
        fetched.patrons.map((p) => ({
          ...p,
          anonymisedAt: toDate(p.anonymisedAt),
          lockedUntil: toDate(p.lockedUntil),
        })),
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
    staff: staffMatch
      ? {
          ...staffMatch,
          disabledAt: toDate(staffMatch.disabledAt),
          lockedUntil: toDate(staffMatch.lockedUntil),
        }
      : null,
    patron: patronMatch,
    openedFor: fetched.openedFor,
  };
}

/**
 * Swaps a hash for the same password's hash under today's parameters, for a staff account or a
 * patron; a password changed meanwhile (the stored hash is no longer `previous`) is left alone.
 */
export async function upgradePasswordHash(
  db: Executor,
  principal: { kind: 'staff' | 'patron'; id: string },
  previous: string,
  next: string,
): Promise<void> {
  const table = principal.kind === 'staff' ? staff : patrons;
  await db
    .update(table)
    .set({ passwordHash: next })
    .where(and(eq(table.id, principal.id), eq(table.passwordHash, previous)));
}
