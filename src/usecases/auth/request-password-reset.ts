import { type Executor, lockUntilCommit } from '../../db/client.js';
import { countAttempt } from '../../db/repositories/login-throttles.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findPatronByLogin } from '../../db/repositories/patrons.js';
import { findStaffByLogin } from '../../db/repositories/staff.js';
import { MINUTE } from '../../domain/clock.js';
import { DomainError } from '../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../domain/login-throttle.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { resetPasswordMail } from '../../mail/messages.js';
import type { Deps } from '../deps.js';
import { mayMailVisitor } from '../visitor-mail-cap.js';
import { issuePasswordLink } from './password-links.js';

/**
 * The form of "Mot de passe oublié": refused past the network's number of requests per address
 * and quarter of an hour (counted whether an account matched or not), else requestPasswordReset.
 */
export async function requestPasswordResetFrom(
  deps: Deps,
  input: { login: string; ip: string; settings: Pick<NetworkSettings, 'loginIpPerQuarterHour'> },
): Promise<void> {
  const now = deps.clock.now();
  const attempts = await countAttempt(
    deps.db,
    `reset-ip:${input.ip}`,
    now,
    new Date(now.getTime() - THROTTLE_WINDOW_MS),
  );
  if (attempts > input.settings.loginIpPerQuarterHour)
    throw new DomainError(
      'reset_rate_limited',
      'Trop de demandes depuis votre réseau. Réessayez dans un quart d’heure.',
      429,
    );
  await requestPasswordReset(deps, input.login);
}

/**
 * "Mot de passe oublié". Says nothing about whether the account exists: the caller shows
 * the same page either way and pads the response time (see the route).
 */
export async function requestPasswordReset(deps: Deps, login: string): Promise<void> {
  const trimmed = login.trim();
  if (!trimmed) return;
  await deps.db.transaction(async (tx) => {
    const account = await findAccount(tx, trimmed);
    if (!account) return;
    const now = deps.clock.now();
    const network = await getNetwork(tx);
    // Past the hourly cap for this address the page answers the same and nothing is sent;
    // the lock makes two requests at once count one after the other.
    await lockUntilCommit(tx, `visitor-mail:${account.email.trim().toLowerCase()}`);
    if (!(await mayMailVisitor(tx, account.email, now, network.settings))) return;
    const link = await issuePasswordLink(
      tx,
      { kind: account.kind, id: account.id },
      'reset_password',
      now,
      network.settings.resetLinkMinutes * MINUTE,
      deps.baseUrl,
    );
    await enqueueMail(
      tx,
      {
        ...resetPasswordMail({
          networkName: network.name,
          to: account.email,
          name: account.name,
          identifier: account.identifier,
          ...link,
        }),
        patronId: account.kind === 'patron' ? account.id : null,
      },
      now,
    );
  });
}

/**
 * Staff first, then patrons (identifiers are unique across both). Patrons whose e-mail is not
 * confirmed yet, lapsed or anonymised get nothing: their address is not proven or not kept.
 */
async function findAccount(
  tx: Executor,
  login: string,
): Promise<{ kind: 'staff' | 'patron'; id: string; email: string; name: string; identifier: string } | null> {
  const staff = await findStaffByLogin(tx, login);
  if (staff) return staff.disabledAt ? null : { kind: 'staff', ...staff };
  const patron = await findPatronByLogin(tx, login);
  if (!patron?.identifier || !patron.email || patron.anonymisedAt) return null;
  if (patron.state === 'awaiting_confirmation' || patron.state === 'lapsed') return null;
  const name = `${patron.firstName ?? ''} ${patron.lastName ?? ''}`.trim();
  return { kind: 'patron', id: patron.id, email: patron.email, name, identifier: patron.identifier };
}
