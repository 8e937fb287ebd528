import type { NetworkSettings } from './settings.js';

/**
 * Growing delays after failed logins: the first `loginFreeAttempts` failures cost nothing,
 * then each further failure locks the account for twice as long as the previous one,
 * up to `loginLockMaxMinutes`.
 */
export function lockDurationMs(failures: number, settings: NetworkSettings): number {
  const over = failures - settings.loginFreeAttempts;
  if (over < 0) return 0;
  const ms = settings.loginLockSeconds * 1000 * 2 ** Math.min(over, 30);
  return Math.min(ms, settings.loginLockMaxMinutes * 60_000);
}

/** Counters reset after a quiet quarter of an hour. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
