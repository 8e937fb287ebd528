import type { Executor } from '../../db/client.js';
import { insertToken, revokeTokens } from '../../db/repositories/tokens.js';
import { newSecretToken, sha256 } from '../../security/tokens.js';

export type Principal = { kind: 'staff' | 'patron'; id: string };

/**
 * Creates a single-use link to /mot-de-passe/:token, revoking earlier ones. Only the hash
 * is stored; the clear token exists in the returned URL (and the e-mail) only.
 */
export async function issuePasswordLink(
  tx: Executor,
  principal: Principal,
  purpose: 'set_password' | 'reset_password',
  now: Date,
  validForMs: number,
  baseUrl: string,
): Promise<{ url: string; expiresAt: Date }> {
  await revokeTokens(tx, principal, ['set_password', 'reset_password'], now);
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + validForMs);
  await insertToken(tx, {
    hash: sha256(token),
    purpose,
    principalKind: principal.kind,
    principalId: principal.id,
    createdAt: now,
    expiresAt,
  });
  return { url: `${baseUrl}/mot-de-passe/${token}`, expiresAt };
}
