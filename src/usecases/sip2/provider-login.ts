import { findSip2AccountByLogin } from '../../db/repositories/sip2.js';
import { decoyHash, verifyPassword } from '../../security/passwords.js';
import type { Deps } from '../deps.js';

/** The provider's account a SIP2 connection acts for once its 93 login succeeded. */
export interface Sip2Session {
  accountId: string;
  login: string;
  resourceId: string;
  institution: string;
}

/** Node gives IPv4 peers as ::ffff:a.b.c.d on dual-stack sockets. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip.toLowerCase();
}

/**
 * A provider's 93 login: the account exists, the password matches its argon2 hash, and the
 * address is on its allowlist when it has one. An unknown login costs the same time as a
 * wrong password (a decoy hash is checked), so logins cannot be told apart by timing.
 */
export async function providerLogIn(
  deps: Pick<Deps, 'db'>,
  input: { login: string; password: string; ip: string },
): Promise<{ ok: true; session: Sip2Session } | { ok: false; reason: 'unknown' | 'password' | 'address' }> {
  const login = input.login.trim();
  const account = login && login.length <= 100 ? await findSip2AccountByLogin(deps.db, login) : null;
  const passwordOk = await verifyPassword(
    account?.passwordHash ?? (await decoyHash()),
    input.password.slice(0, 200),
  );
  if (!account) return { ok: false, reason: 'unknown' };
  if (!passwordOk) return { ok: false, reason: 'password' };
  if (account.allowedIps.length > 0 && !account.allowedIps.map(normaliseIp).includes(normaliseIp(input.ip)))
    return { ok: false, reason: 'address' };
  return {
    ok: true,
    session: {
      accountId: account.id,
      login: account.login,
      resourceId: account.resourceId,
      institution: account.institution,
    },
  };
}
