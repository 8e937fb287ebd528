import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from './client.js';

const dialect = new PgDialect();

/**
 * The part of drizzle's session (a database's or a transaction's) that runs a compiled query: not
 * in drizzle's public types, so check it when upgrading drizzle-orm (pinned at 0.45.4; the
 * login and registration tests run through it on both drivers).
 */
interface Session {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
  ): { execute(values: Record<string, unknown>): Promise<unknown> };
}

/**
 * A raw SQL statement of the hot paths, written with `sql.placeholder(name)` where values go,
 * whose text is built once per process (drizzle's own `.prepare()` only exists for its query
 * builder).
 *
 * With `plan: 'once'` it also runs as a named statement, which each PostgreSQL connection
 * parses once and, after five runs, may plan once for all values. For the one statement of a
 * login, planning cost twice its execution (0.22 ms against 0.11 ms), and PostgreSQL's part of
 * a login fell from 0.67 ms to 0.21 ms of CPU; a self-registration's, from 1.47 to 0.89 ms.
 * A plan kept that way was made for the table sizes of its day: write such a statement so that
 * each table is read through the index of its own condition even when planned on a new, empty
 * database (a registration once checked the address through another index that matched the
 * rest of its rule, and read every patron at each run: its address check is now fenced).
 * test/db/kept-plans.test.ts explains the plans made on an empty database. A table analysed
 * while empty is planned as empty, scanned whole, whatever the statement: connections are
 * replaced every CONNECTION_LIFETIME_S (client.ts), which bounds how old any kept plan gets.
 * Keep `plan: 'each time'` for a statement whose best plan depends on its values.
 */
export function preparedStatement<Values extends Record<string, unknown>, Row>(
  name: string,
  options: { plan: 'once' | 'each time' },
  /** Gets the first database it runs on, for drizzle's query builder (which only builds here). */
  build: (db: Executor) => SQL,
): (db: Executor, values: Values) => Promise<Row[]> {
  let query: { sql: string; params: unknown[] } | undefined;
  const statementName = options.plan === 'once' ? name : undefined;
  return async (db, values) => {
    query ??= dialect.sqlToQuery(build(db));
    const session = (db as unknown as { session: Session }).session;
    const prepared = session.prepareQuery(query, undefined, statementName, false);
    const result = (await prepared.execute(values)) as { rows: Row[] };
    return result.rows;
  };
}
