import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { acquireDataDirLock, type DataDirLock } from './db/data-dir-lock.js';
import type { Clock } from './domain/clock.js';
import { ensureNetwork } from './usecases/network/bootstrap.js';
import { type DemoLinks, seedDemo } from './usecases/network/seed-demo.js';
import { rebaseDemoResources } from './usecases/resources/seed-demo-resources.js';

/**
 * Opens and migrates the database, makes sure the network exists and, when asked, seeds the
 * demo network; for the server (`serving`), points the demo resources at its address. Shared
 * by the server and the command line. On the embedded database, first takes the lock of its
 * directory (DataDirBusyError when another live process holds it); the caller releases it
 * after closing the database (or it goes with the process).
 */
export async function prepareDatabase(
  config: Config,
  clock: Clock,
  options: { demo?: boolean; serving?: boolean } = {},
): Promise<{ database: Database; demo: DemoLinks | null; lock: DataDirLock | null }> {
  const lock = config.databaseUrl
    ? null
    : acquireDataDirLock(config.dataDir, { serving: options.serving ?? false });
  let database: Database;
  try {
    database = openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  try {
    await database.migrate();
    await ensureNetwork({ db: database.db }, config.profile);
    let demo: DemoLinks | null = null;
    if (options.demo ?? config.demo) {
      const seeded = await database.withTryLock('demo-seed', () =>
        seedDemo({ db: database.db, clock, baseUrl: config.baseUrl }),
      );
      demo = seeded.acquired ? seeded.value : null;
    }
    // Only the server knows its address for sure: a command run without BASE_URL moves nothing.
    if (options.serving) await rebaseDemoResources({ db: database.db, clock, baseUrl: config.baseUrl });
    return { database, demo, lock };
  } catch (error) {
    await database.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
