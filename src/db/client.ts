import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.js';
import { isDatabaseUnavailable } from './unavailable.js';

export type Schema = typeof schema;
/** The one database type the code sees, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: repositories accept either. */
export type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly db: Db;
  readonly driver: 'pglite' | 'pg';
  /**
   * Runs fn only if no other process (or other caller in this process) holds the named lock.
   * PostgreSQL: a session advisory lock held on a dedicated connection for the whole run. The
   * signal aborts when that connection is lost (the lock with it): the run should give up.
   */
  withTryLock<T>(
    name: string,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
  /** Applies pending migrations; concurrent starts wait for each other. */
  migrate(): Promise<void>;
  /** True when every migration in the folder is recorded as applied. */
  migrationsApplied(): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A stable 64-bit lock key from a name (advisory locks take bigints). */
export function lockKey(name: string): ReturnType<typeof sql> {
  return sql`('x' || substr(md5(${`sesame:${name}`}), 1, 16))::bit(64)::bigint`;
}

const MIGRATION_LOCK = 'migrations';

/** Default of DATABASE_STATEMENT_TIMEOUT_MS. */
export const STATEMENT_TIMEOUT_MS = 15_000;
/** Longest wait for a connection (a new one, or a free one of the pool) before a 503. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A pooled connection is replaced after this long. The statements of the hot paths keep a plan
 * per connection (prepared.ts), made for the table sizes of the day it was made: after a bulk
 * import into a young database, on a server without autovacuum to analyse the tables, such a
 * plan could scan rows an index would skip. A new connection plans again with the tables as they
 * are, for the cost of one connection and a few plannings every ten minutes.
 */
export const CONNECTION_LIFETIME_S = 600;

export function openDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL only: a statement running longer is cancelled (0: never). */
  statementTimeoutMs?: number;
  /** PostgreSQL only: a pooled connection is replaced after this long. */
  connectionLifetimeS?: number;
}): Database {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, {
        poolSize: options.poolSize ?? 10,
        statementTimeoutMs: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
        connectionLifetimeS: options.connectionLifetimeS ?? CONNECTION_LIFETIME_S,
      })
    : openPglite(options.dataDir);
}

function openPglite(dataDir: string | undefined): Database {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite({
    dataDir: dataDir ? join(dataDir, 'pglite') : undefined,
    extensions: { pg_trgm, unaccent },
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const held = new Set<string>();
  return {
    db,
    driver: 'pglite',
    // One embedded database belongs to one process: an in-process guard is the whole story.
    async withTryLock(name, fn) {
      if (held.has(name)) return { acquired: false };
      held.add(name);
      try {
        return { acquired: true, value: await fn(new AbortController().signal) };
      } finally {
        held.delete(name);
      }
    },
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    migrationsApplied: () => migrationsApplied(db),
    async close() {
      await client.close();
    },
  };
}

function openPostgres(
  url: string,
  options: { poolSize: number; statementTimeoutMs: number; connectionLifetimeS: number },
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    application_name: 'sesame',
    // A statement stuck behind a long lock must not hold its caller (or a batch of openings) forever.
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Ended when idle (or when released, if busy then): its kept plans go with it.
    maxLifetimeSeconds: options.connectionLifetimeS,
  });
  // A server restart or failover ends every connection. node-postgres emits 'error' on each
  // client; the pool listens only to idle ones, and an 'error' nobody listens to ends node.
  // Every client gets a listener the moment it exists: a checked-out one (a sweep's lock, a
  // transaction, a batch, an export) then fails its current or next query instead, is marked
  // not queryable, and the pool discards it when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', () => {});
  const db = drizzleNodePg(pool, { schema }) as unknown as Db;
  const held = new Set<string>();
  return {
    db,
    driver: 'pg',
    async withTryLock(name, fn) {
      if (held.has(name)) return { acquired: false };
      const conn = await pool.connect();
      // The lock lives as long as this connection: losing it means another instance may start
      // the same run, so this one is told to stop.
      const lost = new AbortController();
      let connError: Error | undefined;
      const onError = (error: Error) => {
        connError = error;
        lost.abort(error);
      };
      conn.on('error', onError);
      try {
        const key = lockKey(name);
        const query = drizzleNodePg(conn);
        const res = await query.execute<{ ok: boolean }>(sql`select pg_try_advisory_lock(${key}) as ok`);
        if (!res.rows[0]?.ok) return { acquired: false };
        held.add(name);
        try {
          return { acquired: true, value: await fn(lost.signal) };
        } finally {
          held.delete(name);
          if (!connError) await query.execute(sql`select pg_advisory_unlock(${key})`).catch(() => {});
        }
      } catch (error) {
        connError ??= isDatabaseUnavailable(error) ? (error as Error) : undefined;
        throw error;
      } finally {
        conn.off('error', onError);
        // With an error the pool destroys the connection instead of lending it again.
        conn.release(connError);
      }
    },
    async migrate() {
      const conn = await pool.connect();
      try {
        const query = drizzleNodePg(conn);
        // Migrations (an index on a large table) and the wait for another instance's may take
        // longer than a request's statement timeout.
        await query.execute(sql`set statement_timeout = 0`);
        const key = lockKey(MIGRATION_LOCK);
        // Blocking lock: a second instance starting at the same time waits, then finds nothing to do.
        await query.execute(sql`select pg_advisory_lock(${key})`);
        try {
          await migrateNodePg(query, { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await query.execute(sql`select pg_advisory_unlock(${key})`);
        }
      } finally {
        // Not lent again with its timeout off.
        conn.release(true);
      }
    },
    migrationsApplied: () => migrationsApplied(db),
    async close() {
      await pool.end();
    },
  };
}

async function migrationsApplied(db: Db): Promise<boolean> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  try {
    const rows = await queryRows<{ hash: string }>(db, sql`select hash from drizzle.__drizzle_migrations`);
    const applied = new Set(rows.map((r) => r.hash));
    return expected.every((m) => applied.has(m.hash));
  } catch {
    return false;
  }
}

/** Runs raw SQL and returns its rows, whichever driver is underneath (both expose `rows`). */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** Holds a named advisory lock until the transaction ends: concurrent writers of one thing queue. */
export async function lockUntilCommit(tx: Executor, name: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(name)})`);
}
