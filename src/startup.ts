import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import type { Clock } from './domain/clock.js';
import { ensureNetwork } from './usecases/network/bootstrap.js';
import { type DemoLinks, seedDemo } from './usecases/network/seed-demo.js';
import { rebaseDemoResources } from './usecases/resources/seed-demo-resources.js';

/**
 * Opens and migrates the database, makes sure the network exists and, when asked, seeds the
 * demo network; for the server (`serving`), points the demo resources at its address. Shared
 * by the server and the command line.
 */
export async function prepareDatabase(
  config: Config,
  clock: Clock,
  options: { demo?: boolean; serving?: boolean } = {},
): Promise<{ database: Database; demo: DemoLinks | null }> {
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  });
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
    return { database, demo };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
