import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, queryRows } from '../../src/db/client.js';
import type { Library } from '../../src/db/repositories/libraries.js';
import { lookUpLogin } from '../../src/db/repositories/login-lookup.js';
import { insertSelfRegistration } from '../../src/db/repositories/self-registration.js';
import { addLibrary, addStaff, createTestApp, type TestContext } from '../helpers/app.js';
import { createTestDatabase, onPostgres } from '../helpers/database.js';
import { addMember } from '../helpers/lifecycle-fixtures.js';

/**
 * The hot paths' statements run as named statements, whose plan PostgreSQL may make once per
 * connection and keep (src/db/prepared.ts). A plan kept that way was made for the table sizes of
 * its day: on a young database it must still read each table through the index of its own
 * condition, or it scans more rows at every run as the table grows (a self-registration planned
 * on an empty table once checked the address through the lifecycle index, reading every patron).
 */

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * The plan PostgreSQL would keep for a statement prepared on this connection, made now from the
 * tables as they are (the values do not matter to a generic plan).
 */
async function keptPlan(database: Database, name: string): Promise<PlanNode[]> {
  const [prepared] = await queryRows<{ n: number }>(
    database.db,
    sql`select cardinality(parameter_types) as n from pg_prepared_statements where name = ${name}`,
  );
  expect(prepared, `${name} is prepared on the connection`).toBeDefined();
  await database.db.execute(sql`set plan_cache_mode = force_generic_plan`);
  try {
    const [explained] = await queryRows<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      database.db,
      sql.raw(`explain (format json) execute ${name}(${Array(prepared!.n).fill('null').join(', ')})`),
    );
    return nodes(explained!['QUERY PLAN'][0].Plan);
  } finally {
    await database.db.execute(sql`reset plan_cache_mode`);
  }
}

/**
 * How a plan reads a table (not its writes): each scan, and the indexes it goes through (a
 * bitmap scan's are on its Bitmap Index Scan children, under any BitmapOr or BitmapAnd).
 */
function readsOf(plan: PlanNode[], table: string): { type: string; indexes: string[] }[] {
  return plan
    .filter((n) => n['Relation Name'] === table && n['Node Type'] !== 'ModifyTable')
    .map((n) => ({
      type: n['Node Type'],
      indexes:
        n['Node Type'] === 'Bitmap Heap Scan'
          ? nodes(n)
              .filter((c) => c['Node Type'] === 'Bitmap Index Scan')
              .map((c) => c['Index Name'] ?? '')
          : n['Index Name']
            ? [n['Index Name']]
            : [],
    }));
}

/** Every read of `table` goes through one of `indexes`, and only through them. */
function expectReadsThrough(plan: PlanNode[], table: string, indexes: string[]): void {
  const reads = readsOf(plan, table);
  expect(reads.length, table).toBeGreaterThan(0);
  for (const read of reads) {
    expect(read.type, table).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/);
    expect(read.indexes.length, table).toBeGreaterThan(0);
    for (const index of read.indexes) expect(indexes, table).toContain(index);
  }
}

if (onPostgres)
  // Tables as migrations leave them, never analysed: the planner assumes ten pages for each. Once
  // an empty table has been analysed it knows it holds nothing, and a plan made then scans it
  // whole, whatever the statement: only the connections' lifetime (client.ts) bounds that one.
  describe('kept plans made on a new, empty database (PostgreSQL)', () => {
    let test: Awaited<ReturnType<typeof createTestDatabase>>;
    let one: Database;

    beforeAll(async () => {
      test = await createTestDatabase();
      // One connection: the statement prepared by the call below is the one explained after it.
      one = openDatabase({ databaseUrl: test.url!, poolSize: 1 });
    });
    afterAll(async () => {
      await one.close();
      await test.cleanup();
    });

    it('a self-registration planned on an empty database reads patrons by identifiant and address only', async () => {
      const now = new Date();
      // An unknown library: nothing is written, but the statement is prepared on the connection.
      const outcome = await insertSelfRegistration(
        one.db,
        {
          patron: {
            libraryId: randomUUID(),
            lastName: 'Plan',
            firstName: 'Zoé',
            birthDate: '1990-07-14',
            birthYear: 1990,
            email: 'zoe.plan@exemple.fr',
            identifier: 'zoe-plan',
            passwordHash: 'not-a-hash',
            newsletter: false,
          },
          tokenHash: 'f'.repeat(64),
          deadline: new Date(now.getTime() + 86_400_000),
          mail: {
            to: 'zoe.plan@exemple.fr',
            subject: 'Sujet',
            text: 'Texte',
            html: '<p>Texte</p>',
            template: 'test',
          },
          eventLabel: 'Zoé Plan',
          eventData: {},
          now,
        },
        { throttleKey: 'register-ip:203.0.113.9', windowStart: new Date(now.getTime() - 900_000), limit: 10 },
      );
      expect(outcome).toMatchObject({ kind: 'refused', libraryInactive: true });

      const plan = await keptPlan(one, 'sesame_self_registration');
      expectReadsThrough(plan, 'patrons', ['patrons_identifier_key', 'patrons_email_idx']);
      // Both checks: the identifiant's owner and the address's.
      expect(
        readsOf(plan, 'patrons')
          .flatMap((r) => r.indexes)
          .sort(),
      ).toEqual(['patrons_email_idx', 'patrons_identifier_key']);
    });

    it('a login planned on an empty database reads staff and patrons by identifiant and address only', async () => {
      const now = new Date();
      const lookup = await lookUpLogin(one.db, {
        login: 'personne',
        ipKey: 'login-ip:203.0.113.9',
        loginKey: 'login:personne',
        trusted: '',
        idHash: 'e'.repeat(64),
        now,
        windowStart: new Date(now.getTime() - 900_000),
        ip: '203.0.113.9',
        userAgent: null,
        ipLimit: 10,
      });
      expect(lookup.patron).toBeNull();
      const plan = await keptPlan(one, 'sesame_login_lookup');
      expectReadsThrough(plan, 'patrons', ['patrons_identifier_key', 'patrons_email_idx']);
      expectReadsThrough(plan, 'staff', ['staff_identifier_key', 'staff_email_idx']);
      for (const read of readsOf(plan, 'login_throttles'))
        expect(read.type, 'login_throttles').not.toBe('Seq Scan');
    });
  });

if (onPostgres)
  describe('pooled connections (PostgreSQL)', () => {
    let test: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeAll(async () => {
      test = await createTestDatabase();
    });
    afterAll(async () => {
      await test.cleanup();
    });

    it('a pooled connection is replaced once its lifetime is over, and not before', async () => {
      const backend = async (db: Database) =>
        (await queryRows<{ pid: number }>(db.db, sql`select pg_backend_pid() as pid`))[0]!.pid;
      const short = openDatabase({ databaseUrl: test.url!, poolSize: 1, connectionLifetimeS: 1 });
      const usual = openDatabase({ databaseUrl: test.url!, poolSize: 1 });
      try {
        const first = { short: await backend(short), usual: await backend(usual) };
        const seen = { short: new Set([first.short]), usual: new Set([first.usual]) };
        // In use all along (never idle long enough for the pool's idle timeout).
        for (const end = Date.now() + 2_500; Date.now() < end; ) {
          seen.short.add(await backend(short));
          seen.usual.add(await backend(usual));
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen.short.size).toBeGreaterThan(1);
        expect(seen.short.size).toBeLessThanOrEqual(4);
        expect(seen.usual.size).toBe(1);
      } finally {
        await short.close();
        await usual.close();
      }
    });

    it('a connection whose lifetime ends while a sweep holds it keeps the sweep’s lock until released', async () => {
      const short = openDatabase({ databaseUrl: test.url!, poolSize: 2, connectionLifetimeS: 1 });
      const watcher = openDatabase({ databaseUrl: test.url!, poolSize: 1 });
      const advisoryLocks = async () =>
        (
          await queryRows<{ n: number }>(
            watcher.db,
            sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and granted`,
          )
        )[0]!.n;
      try {
        const run = await short.withTryLock('kept-plans-lifetime', async (signal) => {
          await new Promise((r) => setTimeout(r, 1_500));
          return { aborted: signal.aborted, locks: await advisoryLocks() };
        });
        expect(run).toEqual({ acquired: true, value: { aborted: false, locks: 1 } });
        expect(await advisoryLocks()).toBe(0);
        // The pool goes on with a new connection.
        expect(await queryRows(short.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
      } finally {
        await short.close();
        await watcher.close();
      }
    });
  });

/**
 * What the kept statements find, on both databases: the login statement reads accounts by
 * identifiant, then by address (a second lookup that leaves out what the first found), so an
 * account without an identifiant must still be found by its address.
 */
describe('the accounts a login names', () => {
  let ctx: TestContext;
  let library: Library;
  let sessionCount = 0;
  const ask = (login: string) => {
    const now = ctx.clock.now();
    sessionCount++;
    return lookUpLogin(ctx.database.db, {
      login,
      ipKey: 'login-ip:203.0.113.7',
      loginKey: `login:${login}`,
      trusted: '',
      idHash: String(sessionCount).padStart(64, '0'),
      now,
      windowStart: new Date(now.getTime() - 900_000),
      ip: '203.0.113.7',
      userAgent: null,
      ipLimit: 10,
    });
  };

  beforeAll(async () => {
    ctx = await createTestApp();
    library = await addLibrary(ctx);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('finds a patron by identifiant or by address, in any case, and opens the session for them', async () => {
    const zoe = await addMember(ctx, library.id, { identifier: 'Zoe-Plan', email: 'Zoe.Plan@exemple.fr' });
    for (const login of ['zoe-plan', 'zoe.plan@exemple.fr']) {
      const found = await ask(login);
      expect(found.patron?.id, login).toBe(zoe.id);
      expect(found.openedFor, login).toEqual({ kind: 'patron', id: zoe.id });
    }
    const nobody = await ask('personne@exemple.fr');
    expect(nobody.patron).toBeNull();
    expect(nobody.openedFor?.id).not.toBe(zoe.id);
  });

  it('finds a patron without an identifiant by address', async () => {
    const noIdentifier = await addMember(ctx, library.id, {
      identifier: null,
      email: 'sans.identifiant@exemple.fr',
    });
    const found = await ask('sans.identifiant@exemple.fr');
    expect(found.patron?.id).toBe(noIdentifier.id);
    expect(found.openedFor).toEqual({ kind: 'patron', id: noIdentifier.id });
  });

  it('opens the session for the account named by identifiant before one matched by address, even one without an identifiant', async () => {
    // An identifiant that is another patron's address (imported from an old system, say).
    const byAddress = await addMember(ctx, library.id, { identifier: null, email: 'double@exemple.fr' });
    const byIdentifier = await addMember(ctx, library.id, {
      identifier: 'Double@exemple.fr',
      email: 'autre.double@exemple.fr',
    });
    const found = await ask('double@exemple.fr');
    expect(found.patron).not.toBeNull();
    expect(found.openedFor).toEqual({ kind: 'patron', id: byIdentifier.id });
    expect(found.openedFor?.id).not.toBe(byAddress.id);
  });

  it('finds a staff account by identifiant or by address, and opens the session for it before a patron with that address', async () => {
    const agent = await addStaff(ctx, { identifier: 'agent-plan', email: 'agent.plan@exemple.fr' });
    // The same person, also a patron of the library with the same address.
    await addMember(ctx, library.id, { identifier: 'agent-usager', email: 'Agent.Plan@exemple.fr' });
    for (const login of ['agent-plan', 'agent.plan@exemple.fr']) {
      const found = await ask(login);
      expect(found.staff?.id, login).toBe(agent.id);
      expect(found.openedFor, login).toEqual({ kind: 'staff', id: agent.id });
    }
  });
});
