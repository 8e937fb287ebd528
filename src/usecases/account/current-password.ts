import type { Executor } from '../../db/client.js';
import {
  clearThrottle,
  countAttempt,
  findThrottle,
  lockThrottle,
} from '../../db/repositories/login-throttles.js';
import type { PatronRow } from '../../db/repositories/patrons.js';
import { accountThrottleKey, lockDurationMs, THROTTLE_WINDOW_MS } from '../../domain/login-throttle.js';
import { formatDateTime } from '../../domain/paris.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { verifyPassword } from '../../security/passwords.js';

/**
 * The password asked again before a sensitive change (password, e-mail, deletion). Failures
 * count on the same per-account counter as the login page: a stolen session cannot try
 * passwords here faster than at the door. Returns the message to show next to the field, or
 * null when the password is right. Runs outside the change's transaction: a failure must stay
 * counted even though the change is refused.
 */
export async function currentPasswordProblem(
  db: Executor,
  patron: Pick<PatronRow, 'id' | 'passwordHash'>,
  password: string,
  now: Date,
  settings: NetworkSettings,
): Promise<string | null> {
  if (!password) return 'Saisissez votre mot de passe actuel.';
  const key = accountThrottleKey('patron', patron.id);
  const throttle = await findThrottle(db, key);
  if (throttle?.lockedUntil && throttle.lockedUntil > now)
    return `Trop d’essais de mot de passe. Vous pourrez réessayer après le ${formatDateTime(throttle.lockedUntil)}.`;
  if (patron.passwordHash && (await verifyPassword(patron.passwordHash, password))) {
    if (throttle) await clearThrottle(db, key);
    return null;
  }
  const failures = await countAttempt(db, key, now, new Date(now.getTime() - THROTTLE_WINDOW_MS));
  const lockMs = lockDurationMs(failures, settings);
  if (lockMs > 0) {
    const until = new Date(now.getTime() + lockMs);
    await lockThrottle(db, key, until);
    return `Mot de passe incorrect. Trop d’essais : vous pourrez réessayer après le ${formatDateTime(until)}.`;
  }
  return 'Mot de passe incorrect.';
}
