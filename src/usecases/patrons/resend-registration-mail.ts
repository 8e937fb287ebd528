import { countAttempt } from '../../db/repositories/login-throttles.js';
import { getNetwork } from '../../db/repositories/network.js';
import { findAddressOwners, lockPatronEmail } from '../../db/repositories/patrons.js';
import { DomainError } from '../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../domain/login-throttle.js';
import type { Deps } from '../deps.js';
import { mayMailVisitor } from '../visitor-mail-cap.js';
import { answerExistingAccount } from './register-patron.js';

/** Sends per address within the throttle window: a forgotten e-mail, not a way to flood a mailbox. */
export const RESENDS_PER_WINDOW = 3;

export const tooManyResends = () =>
  new DomainError(
    'resend_rate_limited',
    'Le courriel a déjà été renvoyé plusieurs fois. Patientez un quart d’heure avant de le demander à nouveau, et regardez dans les courriers indésirables.',
    429,
  );

/**
 * "Renvoyer le courriel" of the page shown after a registration: the address gets again the
 * e-mail that fits it now (a fresh confirmation link for a request still to confirm, or the
 * reminder that an account exists). Nothing is sent to an address without a live request or
 * account, and the caller answers the same in every case.
 */
export async function resendRegistrationMail(
  deps: Deps,
  input: { email: string; ip: string },
): Promise<void> {
  const { db, clock } = deps;
  const now = clock.now();
  const email = input.email.trim();
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const byAddress = await countAttempt(db, `resend-registration:${email.toLowerCase()}`, now, windowStart);
  const byIp = await countAttempt(db, `resend-registration-ip:${input.ip}`, now, windowStart);
  const network = await getNetwork(db);
  if (byAddress > RESENDS_PER_WINDOW || byIp > network.settings.loginIpPerQuarterHour) throw tooManyResends();
  await db.transaction(async (tx) => {
    await lockPatronEmail(tx, email);
    const live = await findAddressOwners(tx, email);
    if (live.length === 0) return;
    // The hourly cap per address holds here too: past it, the page says the same and nothing leaves.
    const mayMail = await mayMailVisitor(tx, email, now, network.settings);
    await answerExistingAccount(deps, tx, network, live, email, now, mayMail);
  });
}
