import { clearThrottle, countAttempt, lockThrottle } from '../../db/repositories/login-throttles.js';
import { loadSip2PatronContext } from '../../db/repositories/sip2.js';
import {
  accountThrottleKey,
  lockDurationMs,
  THROTTLE_WINDOW_MS,
  unknownLoginThrottleKey,
} from '../../domain/login-throttle.js';
import { parisDay } from '../../domain/paris.js';
import type { PatronState } from '../../domain/patron-lifecycle.js';
import { accessRefusal, standingOf, type Viewer, viewerAge } from '../../domain/resource-access.js';
import { AUDIENCE_MIN_AGE, AUDIENCES, type Audience } from '../../domain/resources.js';
import { isProfile, resolveSettings } from '../../domain/settings.js';
import { decoyHash, verifyPassword } from '../../security/passwords.js';
import type { Deps } from '../deps.js';
import type { Sip2Session } from './provider-login.js';

/** What Sésame answers a provider about one patron (63 patron information, 23 patron status). */
export interface Sip2PatronAnswer {
  /** BL: the identifier names a patron. */
  validPatron: boolean;
  /** CQ: null when no password was sent (the field is then left out). */
  validPassword: boolean | null;
  /** The patron may use the account's resource now (otherwise the privilege flags are set). */
  allowed: boolean;
  /** AE, only once the patron's password was checked right. */
  name: string;
  /** PA: the patron's state, dates applied (an active account past its end date is `expired`). */
  state: PatronState | null;
  /** PC: the highest audience the patron's age allows (0, 12, 16 or 18). */
  ageCategory: string | null;
  /** BW: the last day of the subscription, AAAA-MM-JJ. */
  activeUntil: string | null;
  /** AF: why, in French. */
  message: string;
}

const UNKNOWN: Sip2PatronAnswer = {
  validPatron: false,
  validPassword: null,
  allowed: false,
  name: '',
  state: null,
  ageCategory: null,
  activeUntil: null,
  message: 'Usager inconnu',
};

function highestAudience(age: number | null): string | null {
  if (age === null) return null;
  let best: Audience = 'all';
  for (const a of AUDIENCES) if (age >= AUDIENCE_MIN_AGE[a]) best = a;
  return best === 'all' ? '0' : best;
}

/**
 * Looks up a patron for a provider, by Sésame identifiant or card number, in one round trip,
 * and checks their password when one is sent, under the web login's lockout: the same
 * per-account counter, the same growing locks, so SIP2 is no side door for guessing. A locked
 * account answers CQ N without the password being checked.
 */
export async function patronInformation(
  deps: Deps,
  session: Sip2Session,
  input: { patronId: string; password: string | undefined },
): Promise<Sip2PatronAnswer> {
  const now = deps.clock.now();
  const patronId = input.patronId.trim();
  if (patronId === '' || patronId.length > 200) return UNKNOWN;
  const c = await loadSip2PatronContext(deps.db, patronId, session.resourceId);
  const settings = resolveSettings(
    isProfile(c.network.profile) ? c.network.profile : 'numos',
    c.network.settings,
  );
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const patron = c.patron;

  if (!patron) {
    if (input.password === undefined) return UNKNOWN;
    // Guessing identifiers costs as much as guessing passwords, and counts like the web's.
    await verifyPassword(await decoyHash(), input.password.slice(0, 200));
    const key = unknownLoginThrottleKey(patronId.toLowerCase());
    const failures = await countAttempt(deps.db, key, now, windowStart);
    const lockMs = lockDurationMs(failures, settings);
    if (lockMs > 0) await lockThrottle(deps.db, key, new Date(now.getTime() + lockMs));
    return UNKNOWN;
  }

  let validPassword: boolean | null = null;
  let message = '';
  if (input.password !== undefined) {
    const key = accountThrottleKey('patron', patron.id);
    if (patron.lockedUntil && patron.lockedUntil > now) {
      validPassword = false;
      message = 'Trop de tentatives : compte bloqué temporairement';
    } else {
      const ok =
        (await verifyPassword(patron.passwordHash ?? (await decoyHash()), input.password.slice(0, 200))) &&
        Boolean(patron.passwordHash);
      validPassword = ok;
      if (ok) {
        if (patron.lockedUntil !== null) await clearThrottle(deps.db, key);
      } else {
        const failures = await countAttempt(deps.db, key, now, windowStart);
        const lockMs = lockDurationMs(failures, settings);
        if (lockMs > 0) await lockThrottle(deps.db, key, new Date(now.getTime() + lockMs));
        message = 'Mot de passe incorrect';
      }
    }
  }

  const viewer: Viewer = {
    kind: 'patron',
    state: patron.state,
    birthDate: patron.birthDate,
    birthYear: patron.birthYear,
    activeUntil: patron.activeUntil,
    pendingSince: patron.pendingSince,
    registeredAt: patron.registeredAt,
  };
  const refusal = c.resource?.active
    ? accessRefusal({
        viewer,
        resource: c.resource,
        subscribed: c.subscribed,
        withdrawn: c.withdrawn,
        now,
        settings,
      })
    : null;
  const allowed = Boolean(c.resource?.active) && refusal === null;
  const standing = standingOf(viewer, now, settings);
  const state: PatronState = standing === 'expired' && patron.state !== 'expired' ? 'expired' : patron.state;
  if (!message)
    message = !c.resource?.active ? 'Ressource non proposée' : (refusal?.message ?? 'Accès autorisé');
  return {
    validPatron: true,
    validPassword,
    allowed: allowed && validPassword !== false,
    name: validPassword ? [patron.firstName, patron.lastName].filter(Boolean).join(' ') : '',
    state,
    ageCategory: highestAudience(viewerAge(viewer, parisDay(now))),
    activeUntil: patron.activeUntil,
    message,
  };
}
