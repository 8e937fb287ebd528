import { randomBytes } from 'node:crypto';
import { findNetwork, insertNetworkIfMissing } from '../../db/repositories/network.js';
import { defaultSettings, PROFILES, type ProfileName } from '../../domain/settings.js';
import type { Deps } from '../deps.js';

/**
 * Makes sure the database holds the network row (created from the profile's defaults on the
 * first start). Safe when several instances start at once: the insert does nothing twice.
 */
export async function ensureNetwork(
  deps: Pick<Deps, 'db'>,
  profile: ProfileName,
  name = PROFILES[profile].networkName,
): Promise<{ created: boolean }> {
  if (await findNetwork(deps.db)) return { created: false };
  const created = await insertNetworkIfMissing(deps.db, {
    name,
    profile,
    email: 'reseau@exemple.fr',
    settings: defaultSettings(profile),
    cookieSecret: randomBytes(32).toString('base64url'),
  });
  return { created };
}
