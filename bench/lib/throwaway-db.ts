import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/client.js';

/**
 * The throwaway database every database benchmark runs on: PGlite in a temporary directory, or,
 * with DATABASE_URL, a database of that name created on DATABASE_URL's server and dropped at the
 * end (kept with BENCH_KEEP=1).
 */

/** One statement on the server's maintenance connection (create or drop a database). */
export async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface Throwaway {
  /** The first of `databases`. */
  database: Database;
  /** One per instance asked (PGlite: always one). */
  databases: Database[];
  label: string;
  cleanup: () => Promise<void>;
}

export async function openThrowaway(
  name: string,
  options: { poolSize?: number; instances?: number; statementTimeoutMs?: number } = {},
): Promise<Throwaway> {
  const poolSize = options.poolSize ?? 4;
  const instances = options.instances ?? 1;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    await adminQuery(serverUrl, `create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const databases = Array.from({ length: instances }, () =>
      openDatabase({ databaseUrl: url.toString(), poolSize, statementTimeoutMs: options.statementTimeoutMs }),
    );
    return {
      database: databases[0]!,
      databases,
      label: `PostgreSQL (${url.host}, database ${name}${instances > 1 ? `, ${instances} pools of ${poolSize} connections` : ''})`,
      async cleanup() {
        for (const d of databases) await d.close();
        if (process.env.BENCH_KEEP === '1') console.log(`database ${name} kept (BENCH_KEEP=1)`);
        else await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), `${name.replace(/_/g, '-')}-`));
  const database = openDatabase({ dataDir });
  return {
    database,
    databases: [database],
    label: `PGlite (${dataDir})`,
    async cleanup() {
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a step and prints how long it took. */
export async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await f();
  console.log(`  ${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return out;
}
