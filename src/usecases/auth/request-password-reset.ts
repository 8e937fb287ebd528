import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findStaffByLogin } from '../../db/repositories/staff.js';
import { MINUTE } from '../../domain/clock.js';
import { resetPasswordMail } from '../../mail/messages.js';
import type { Deps } from '../deps.js';
import { issuePasswordLink } from './password-links.js';

/**
 * "Mot de passe oublié". Says nothing about whether the account exists: the caller shows
 * the same page either way and pads the response time (see the route).
 */
export async function requestPasswordReset(deps: Deps, login: string): Promise<void> {
  const trimmed = login.trim();
  if (!trimmed) return;
  await deps.db.transaction(async (tx) => {
    const staff = await findStaffByLogin(tx, trimmed);
    if (!staff || staff.disabledAt) return;
    const now = deps.clock.now();
    const network = await getNetwork(tx);
    const link = await issuePasswordLink(
      tx,
      { kind: 'staff', id: staff.id },
      'reset_password',
      now,
      network.settings.resetLinkMinutes * MINUTE,
      deps.baseUrl,
    );
    await enqueueMail(
      tx,
      resetPasswordMail({
        networkName: network.name,
        to: staff.email,
        name: staff.name,
        identifier: staff.identifier,
        ...link,
      }),
      now,
    );
  });
}
