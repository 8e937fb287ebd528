import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { ConcurrencyLimit } from './concurrency-limit.js';

/**
 * Argon2id (algorithm 2) with the memory and passes of RFC 9106's recommended option for
 * machines without gigabytes to spare (§4: 64 MiB, 3 passes), in one lane: lanes only cut the
 * wait when idle cores exist, and on a small server they take cores from other requests while
 * costing more CPU in all (measured: 82 ms of CPU with 4 lanes against 69 ms with one). About
 * 60–70 ms per check here, the price of a login, which an attacker holding a stolen database
 * pays for every guess. OWASP's 19 MiB × 2 passes, used before, is its stated minimum; hashes
 * made with it still verify and are upgraded at the next successful login (needsRehash).
 */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 65_536, timeCost: 3, parallelism: 1 } as const;

/** One argon2 computation per core at a time: more would only share the cores (see ConcurrencyLimit). */
const argon2Slots = new ConcurrencyLimit(Math.max(1, availableParallelism()));

export function hashPassword(password: string): Promise<string> {
  return argon2Slots.run(() => hash(password, ARGON2_OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argon2Slots.run(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

/**
 * Whether a stored hash was made with other parameters than today's (an older, cheaper
 * setting, or another algorithm): the login that proves the password replaces it.
 */
export function needsRehash(passwordHash: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return m !== ARGON2_OPTIONS.memoryCost || t !== ARGON2_OPTIONS.timeCost || p !== ARGON2_OPTIONS.parallelism;
}

/**
 * A real hash of a random password, verified when the account does not exist (or has no
 * password yet) so that a failed login takes the same time whatever the cause.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}
