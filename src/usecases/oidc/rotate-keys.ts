import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import { deleteOidcKeys, insertOidcKey, listOidcKeys } from '../../db/repositories/oidc.js';
import type { Deps } from '../deps.js';

/** Keys kept after a rotation: the new signing key and the previous ones, which still verify. */
export const OIDC_KEYS_KEPT = 3;

function newSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/**
 * A new RS256 signing key becomes the one that signs; the previous ones stay published (tokens
 * they signed still verify) until OIDC_KEYS_KEPT newer keys exist. A running server picks the
 * new key up within a minute (its key check); returns what the command line prints.
 */
export async function rotateOidcKeys(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  const key = newSigningKey();
  await deps.db.transaction(async (tx) => {
    await insertOidcKey(tx, {
      kid: key.kid!,
      jwk: key as Record<string, unknown>,
      createdAt: deps.clock.now(),
    });
  });
  const all = await listOidcKeys(deps.db);
  const retired = all.slice(OIDC_KEYS_KEPT).map((k) => k.kid);
  await deleteOidcKeys(deps.db, retired);
  return `Nouvelle clé de signature OpenID Connect : ${key.kid}. Clés publiées : ${Math.min(all.length, OIDC_KEYS_KEPT)}${retired.length ? ` (${retired.length} ancienne(s) retirée(s))` : ''}.`;
}

/** The signing keys, newest first; the first start of a network creates one. */
export async function oidcSigningKeys(deps: Pick<Deps, 'db' | 'clock'>): Promise<JWK[]> {
  let rows = await listOidcKeys(deps.db);
  if (rows.length === 0) {
    await rotateOidcKeys(deps);
    rows = await listOidcKeys(deps.db);
  }
  return rows.map((r) => r.jwk as JWK);
}
