import { eq } from 'drizzle-orm';
import { isProfile, type NetworkSettings, type ProfileName, resolveSettings } from '../../domain/settings.js';
import type { Executor } from '../client.js';
import { PerDatabaseCache } from '../per-database-cache.js';
import { network } from '../schema.js';

export interface Network {
  name: string;
  profile: ProfileName;
  email: string;
  settings: NetworkSettings;
  cookieSecret: string;
}

export async function findNetwork(db: Executor): Promise<Network | null> {
  const [row] = await db.select().from(network).where(eq(network.id, 1));
  if (!row) return null;
  const profile = isProfile(row.profile) ? row.profile : 'numos';
  return {
    name: row.name,
    profile,
    email: row.email,
    settings: resolveSettings(profile, row.settings),
    cookieSecret: row.cookieSecret,
  };
}

export async function getNetwork(db: Executor): Promise<Network> {
  const found = await findNetwork(db);
  if (!found) throw new Error('Network not initialised: run migrations and start once');
  return found;
}

/**
 * How long a page may use the network row it read for an earlier request. Every page needs it
 * (name, settings): reading it once a second instead of once a request saves a query per page
 * and per login. A change made through this process (updateNetwork) is seen at once; another
 * instance sees it within this delay.
 */
export const NETWORK_CACHE_MS = 1000;

/** Bumped by every write to the network row in this process: cached copies are then stale. */
let networkGeneration = 0;
const networkCache = new PerDatabaseCache<Network>(NETWORK_CACHE_MS);

/**
 * Drops this process's cached copies. updateNetwork does it; a transaction that changed the row
 * does it again after its commit, since a request may have read the old row in between.
 */
export function forgetCachedNetwork(): void {
  networkGeneration++;
}

/** getNetwork through a per-database cache of NETWORK_CACHE_MS (for the web layer's requests). */
export function getNetworkCached(db: Executor): Promise<Network> {
  return networkCache.get(db, () => getNetwork(db), networkGeneration);
}

/** Inserts the network row unless one exists; returns whether it was created. */
export async function insertNetworkIfMissing(
  db: Executor,
  values: {
    name: string;
    profile: ProfileName;
    email: string;
    settings: NetworkSettings;
    cookieSecret: string;
  },
): Promise<boolean> {
  const rows = await db
    .insert(network)
    .values({ id: 1, ...values })
    .onConflictDoNothing()
    .returning({ id: network.id });
  networkGeneration++;
  return rows.length > 0;
}

/** Holds the network row until the end of the transaction: settings changes apply one at a time. */
export async function lockNetwork(db: Executor): Promise<void> {
  await db.select({ id: network.id }).from(network).where(eq(network.id, 1)).for('update');
}

export async function updateNetwork(
  db: Executor,
  values: Partial<{ name: string; email: string; settings: NetworkSettings }>,
): Promise<void> {
  await db.update(network).set(values).where(eq(network.id, 1));
  networkGeneration++;
}
