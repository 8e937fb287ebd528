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

/**
 * The failure counter of an account, whatever the login typed for it (identifier or e-mail,
 * any case): one counter per account, so two ways of naming it do not double its attempts.
 */
export function accountThrottleKey(kind: 'staff' | 'patron', id: string): string {
  return `account:${kind}:${id}`;
}

/** The counter of a login that names no account: it locks like an account's, so a lock tells nothing. */
export function unknownLoginThrottleKey(login: string): string {
  return `login:${login}`;
}
