import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { insertLibrary, type Library } from '../../src/db/repositories/libraries.js';
import { insertStaff, setStaffPassword } from '../../src/db/repositories/staff.js';
import type { StaffRole } from '../../src/domain/actor.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { ProfileName } from '../../src/domain/settings.js';
import { hashPassword } from '../../src/security/passwords.js';
import type { Deps } from '../../src/usecases/deps.js';
import { ensureNetwork } from '../../src/usecases/network/bootstrap.js';
import { buildApp } from '../../src/web/app.js';
import { createTestDatabase } from './database.js';

export const TEST_BASE_URL = 'http://sesame.test';

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  clock: ManualClock;
  config: Config;
  deps: Deps;
  openAnother: () => Database;
  close: () => Promise<void>;
}

/** A migrated database with its network, and the app on top (nothing listens: use inject). */
export async function createTestApp(
  options: { profile?: ProfileName; env?: Record<string, string> } = {},
): Promise<TestContext> {
  const { database, openAnother, cleanup } = await createTestDatabase();
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const config = loadConfig({
    BASE_URL: TEST_BASE_URL,
    LOG_LEVEL: 'silent',
    SESAME_PROFILE: options.profile ?? 'numos',
    SESAME_DEMO: 'false',
    SESAME_SCHEDULER: 'false',
    ...options.env,
  });
  await ensureNetwork({ db: database.db }, config.profile);
  const app = await buildApp({ config, database, clock });
  await app.ready();
  return {
    app,
    database,
    clock,
    config,
    deps: { db: database.db, clock, baseUrl: TEST_BASE_URL },
    openAnother,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

let libraryCounter = 0;
export async function addLibrary(ctx: Pick<TestContext, 'database'>, name?: string): Promise<Library> {
  libraryCounter++;
  return insertLibrary(ctx.database.db, {
    code: `T${String(libraryCounter).padStart(4, '0')}`,
    name: name ?? `Bibliothèque d’essai ${libraryCounter}`,
    town: 'Villefictive',
    email: `biblio${libraryCounter}@exemple.fr`,
  });
}

/** A staff account with a known password (hashed once per distinct password). */
const hashes = new Map<string, Promise<string>>();
export async function addStaff(
  ctx: Pick<TestContext, 'database' | 'clock'>,
  input: {
    identifier: string;
    role?: StaffRole;
    libraryIds?: string[];
    password?: string;
    email?: string;
    name?: string;
  },
) {
  const password = input.password ?? 'Mot-de-passe-solide-1';
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const row = await insertStaff(ctx.database.db, {
    identifier: input.identifier,
    name: input.name ?? `Agent ${input.identifier}`,
    email: input.email ?? `${input.identifier}@exemple.fr`,
    role: input.role ?? 'library_staff',
    libraryIds: input.libraryIds ?? [],
    createdAt: ctx.clock.now(),
  });
  await setStaffPassword(ctx.database.db, row.id, await hashes.get(password)!, ctx.clock.now());
  return { ...row, password };
}
