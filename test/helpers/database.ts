import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/client.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, a new database
 * on the PostgreSQL server of TEST_DATABASE_URL when it is set (dropped afterwards).
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<{
  database: Database;
  url: string | undefined;
  /** Opens another connection pool on the same database (a second "instance"). */
  openAnother: () => Database;
  cleanup: () => Promise<void>;
}> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = openDatabase({});
    await database.migrate();
    return {
      database,
      url: undefined,
      openAnother: () => {
        throw new Error('a second instance needs PostgreSQL (TEST_DATABASE_URL)');
      },
      // A test may have closed it already (database outage tests).
      cleanup: () => database.close().catch(() => {}),
    };
  }
  const name = `sesame_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = openDatabase({ databaseUrl: url.toString(), poolSize: options.poolSize ?? 10 });
  await database.migrate();
  const others: Database[] = [];
  return {
    database,
    url: url.toString(),
    openAnother: () => {
      const other = openDatabase({ databaseUrl: url.toString(), poolSize: options.poolSize ?? 10 });
      others.push(other);
      return other;
    },
    async cleanup() {
      for (const o of others) await o.close().catch(() => {});
      await database.close().catch(() => {});
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
