import type { Executor } from '../../db/client.js';
import {
  lookUpLogin,
  type PatronLoginCandidate,
  upgradePasswordHash,
} from '../../db/repositories/login-lookup.js';
import { clearThrottle, countAttempt, lockThrottle } from '../../db/repositories/login-throttles.js';
import { getNetwork } from '../../db/repositories/network.js';
import { deleteSession, insertSession } from '../../db/repositories/sessions.js';
import { DomainError } from '../../domain/errors.js';
import {
  accountThrottleKey,
  lockDurationMs,
  THROTTLE_WINDOW_MS,
  unknownLoginThrottleKey,
} from '../../domain/login-throttle.js';
import { formatDateTime } from '../../domain/paris.js';
import { patronMayLogIn } from '../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../security/passwords.js';
import { newSecretToken, sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export interface LogInInput {
  login: string;
  password: string;
  ip: string;
  userAgent?: string;
  /** The network's settings when the caller has them already (saves a query per login). */
  settings?: NetworkSettings;
  /**
   * Accounts this browser logged in to before (the route reads them from a signed cookie, see
   * TRUSTED_DEVICE_LIMIT): the address's limit does not apply to them.
   */
  trustedAccounts?: readonly string[];
}

/** Accounts a browser is remembered for: a family computer, a library's public one. */
export const TRUSTED_DEVICE_LIMIT = 10;

const INVALID = 'Identifiant ou mot de passe incorrect.';

function lockedError(until: Date): DomainError {
  return new DomainError(
    'login_locked',
    `Trop de tentatives de connexion. Vous pourrez réessayer après le ${formatDateTime(until)}.`,
    429,
  );
}

/**
 * Checks the credentials under the brute-force rules (per IP and per account, counted in the
 * database so every instance sees them) and opens a new session. Returns the cookie value.
 */
export async function logIn(
  deps: Deps,
  input: LogInInput,
): Promise<{
  sessionToken: string;
  principal: { kind: 'staff' | 'patron'; id: string };
  /** The key to remember in the browser's device cookie (trustedAccounts of its next logins). */
  deviceKey: string;
}> {
  const { db, clock } = deps;
  const now = clock.now();
  const settings = input.settings ?? (await getNetwork(db)).settings;
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const login = input.login.trim().toLowerCase();
  const loginKey = unknownLoginThrottleKey(login);
  const ipKey = `ip:${input.ip}`;
  const trusted = (input.trustedAccounts ?? []).slice(0, TRUSTED_DEVICE_LIMIT);

  // One round trip reads the counters and the account, whether staff or patron, and writes the
  // session this login will hand out if the password is right (see LoginQuestion).
  // A brand-new id at every login: a session id planted before login is worthless after it.
  const sessionToken = newSecretToken();
  const userAgent = input.userAgent?.slice(0, 300) ?? null;
  const { throttles, staff, patron, openedFor } = await lookUpLogin(db, {
    login,
    ipKey,
    loginKey,
    trusted: trusted.join(','),
    idHash: sha256(sessionToken),
    now,
    windowStart,
    ip: input.ip,
    userAgent,
    ipLimit: settings.loginIpPerQuarterHour,
  });
  let keepOpened = false;
  try {
    // Staff and patrons share the login page; identifiers are unique across both.
    const account = staff ?? patron;
    const kind = staff ? ('staff' as const) : ('patron' as const);
    // One counter per account, however it is named; a login naming nobody has its own.
    const accountKey = account ? accountThrottleKey(kind, account.id) : loginKey;
    // Only failures count against an address: a library's staff behind one shared address
    // may all log in on a Monday morning. Past its limit, the address is refused, except for
    // an account this very browser logged in to before (OWASP's device cookies): whoever
    // fails from a library's public address does not lock out the patrons who use it.
    const ipRow = throttles.get(ipKey);
    if (
      ipRow &&
      ipRow.windowStartedAt >= windowStart &&
      ipRow.failures >= settings.loginIpPerQuarterHour &&
      !(account && trusted.includes(accountKey))
    )
      throw new DomainError(
        'login_rate_limited',
        'Trop de tentatives de connexion depuis votre réseau. Réessayez dans un quart d’heure.',
        429,
      );
    const lockedUntil = account ? account.lockedUntil : (throttles.get(loginKey)?.lockedUntil ?? null);
    if (lockedUntil && lockedUntil > now) throw lockedError(lockedUntil);

    const hash = account?.passwordHash ?? (await decoyHash());
    const ok = (await verifyPassword(hash, input.password)) && Boolean(account?.passwordHash);

    if (!ok || !account) {
      const [failures] = await Promise.all([
        countAttempt(db, accountKey, now, windowStart),
        countAttempt(db, ipKey, now, windowStart),
      ]);
      const lockMs = lockDurationMs(failures, settings);
      if (lockMs > 0) {
        const until = new Date(now.getTime() + lockMs);
        await lockThrottle(db, accountKey, until);
        throw lockedError(until);
      }
      throw new DomainError('invalid_credentials', INVALID, 400, 'login');
    }
    if (staff?.disabledAt)
      throw new DomainError(
        'account_disabled',
        'Ce compte est désactivé. Contactez l’administration du réseau.',
        403,
      );
    if (!staff && patron) assertPatronMayLogIn(patron);

    const principal = { kind, id: account.id };
    const opened = openedFor?.kind === principal.kind && openedFor.id === principal.id;
    // Written for another account than the rules pick (an ambiguous e-mail), or not written (a
    // counter changed in between): this login gets a session of its own.
    const token = opened ? sessionToken : newSecretToken();
    await Promise.all([
      opened ? undefined : openSession(db, token, principal, now, input.ip, userAgent),
      account.throttled ? clearThrottle(db, accountKey) : undefined,
      upgradeHashIfOld(db, principal, hash, input.password),
    ]);
    keepOpened = opened;
    return { sessionToken: token, principal, deviceKey: accountKey };
  } finally {
    // A failed login leaves no session behind. Should the delete fail, the row is still of no
    // use to anyone (its token never left this process) and expires with the idle timeout.
    if (openedFor && !keepOpened) await deleteSession(db, sha256(sessionToken)).catch(() => {});
  }
}

function assertPatronMayLogIn(patron: PatronLoginCandidate): void {
  if (patronMayLogIn(patron.state) && !patron.anonymisedAt) return;
  if (patron.state === 'awaiting_confirmation')
    throw new DomainError(
      'email_not_confirmed',
      'Votre inscription n’est pas encore confirmée : suivez le lien reçu par courriel pour la confirmer.',
      403,
    );
  if (patron.state === 'refused')
    throw new DomainError(
      'request_refused',
      'Votre demande d’accès a été refusée par votre bibliothèque. Rapprochez-vous d’elle, puis faites une nouvelle demande d’inscription.',
      403,
    );
  throw new DomainError('invalid_credentials', INVALID, 400, 'login');
}

/**
 * A hash made under older, cheaper argon2 parameters is replaced now that the password is known
 * to be right: accounts move to today's cost as their owners log in, without a reset.
 */
async function upgradeHashIfOld(
  db: Executor,
  principal: { kind: 'staff' | 'patron'; id: string },
  previous: string,
  password: string,
): Promise<void> {
  if (!needsRehash(previous)) return;
  const next = await hashPassword(password);
  await upgradePasswordHash(db, principal, previous, next);
}

async function openSession(
  db: Executor,
  token: string,
  principal: { kind: 'staff' | 'patron'; id: string },
  now: Date,
  ip: string,
  userAgent: string | null,
): Promise<void> {
  await insertSession(db, {
    idHash: sha256(token),
    principalKind: principal.kind,
    principalId: principal.id,
    createdAt: now,
    lastSeenAt: now,
    ip,
    userAgent,
  });
}
