import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findStaffById } from '../../db/repositories/staff.js';
import type { StaffActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import { setPasswordMail, staffNewPasswordLinkMail } from '../../mail/messages.js';
import { issuePasswordLink } from '../auth/password-links.js';
import type { Deps } from '../deps.js';

/**
 * A network administrator sends a staff member a new "Définissez votre mot de passe" link
 * (lost first e-mail, expired link, forgotten password). Earlier links stop working; the
 * current password, if any, stays valid until a new one is chosen.
 */
export async function sendStaffPasswordLink(
  deps: Deps,
  actor: StaffActor,
  staffId: string,
): Promise<{ to: string; expiresAt: Date }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const target = await findStaffById(tx, staffId);
    if (!target) throw notFound('Ce compte');
    if (target.disabledAt)
      throw new DomainError(
        'staff_disabled',
        'Ce compte est désactivé : réactivez-le avant de lui envoyer un lien.',
        409,
      );
    const network = await getNetwork(tx);
    const link = await issuePasswordLink(
      tx,
      { kind: 'staff', id: target.id },
      'set_password',
      now,
      network.settings.setPasswordLinkDays * DAY,
      deps.baseUrl,
    );
    const mail = {
      networkName: network.name,
      to: target.email,
      name: target.name,
      identifier: target.identifier,
    };
    await enqueueMail(
      tx,
      target.passwordHash
        ? staffNewPasswordLinkMail({ ...mail, ...link })
        : setPasswordMail({ ...mail, ...link }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'staff_password_link_sent',
      subject: { kind: 'staff', id: target.id },
      data: { identifier: target.identifier, expiresAt: link.expiresAt.toISOString() },
    });
    return { to: target.email, expiresAt: link.expiresAt };
  });
}
