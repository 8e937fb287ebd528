import { eq } from 'drizzle-orm';
import { isProfile, type NetworkSettings, type ProfileName, resolveSettings } from '../../domain/settings.js';
import type { Executor } from '../client.js';
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
}
