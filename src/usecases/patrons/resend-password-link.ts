import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findPatronForStaff, type PatronWithLibrary } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { describePasswordRule, passwordRule } from '../../domain/password-policy.js';
import { patronSetPasswordMail } from '../../mail/staff-registration-mails.js';
import { issuePasswordLink } from '../auth/password-links.js';
import type { Deps } from '../deps.js';

/** A patron registered by staff who has not chosen a password yet (so has none at all). */
export function awaitsFirstPassword(
  p: Pick<PatronWithLibrary, 'channel' | 'passwordHash' | 'anonymisedAt' | 'email' | 'identifier' | 'state'>,
): boolean {
  return (
    p.channel === 'staff' &&
    p.passwordHash === null &&
    p.anonymisedAt === null &&
    Boolean(p.email && p.identifier) &&
    ['pending', 'active', 'renewal_pending', 'expired'].includes(p.state)
  );
}

/**
 * "Renvoyer le lien": a new "Définissez votre mot de passe" e-mail for a patron registered by
 * staff who never set their password (lost e-mail, expired link, corrected address). The new
 * link revokes the earlier ones.
 */
export async function resendPasswordLink(
  deps: Deps,
  actor: StaffActor,
  patronId: string,
): Promise<{ to: string; expiresAt: Date }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, patronId);
    if (!patron) throw notFound('Cet usager');
    if (!awaitsFirstPassword(patron))
      throw new DomainError(
        'password_already_set',
        patron.anonymisedAt
          ? 'Les données de cet usager ont été effacées : aucun lien ne peut lui être envoyé.'
          : 'Cet usager a déjà défini son mot de passe : s’il l’a oublié, il utilise « Mot de passe oublié » sur la page de connexion.',
        409,
      );
    const network = await getNetwork(tx);
    const link = await issuePasswordLink(
      tx,
      { kind: 'patron', id: patron.id },
      'set_password',
      now,
      network.settings.setPasswordLinkDays * DAY,
      deps.baseUrl,
    );
    const to = patron.email!;
    await enqueueMail(
      tx,
      patronSetPasswordMail({
        networkName: network.name,
        to,
        patronId: patron.id,
        patron: {
          firstName: patron.firstName ?? '',
          lastName: patron.lastName ?? '',
          identifier: patron.identifier!,
        },
        libraryName: patron.libraryName,
        url: link.url,
        expiresAt: link.expiresAt,
        rule: describePasswordRule(passwordRule(network.settings)),
        resent: true,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'password_link_resent',
      subject: { kind: 'patron', id: patron.id },
      onBehalfOfLibraryId: actor.role === 'network_admin' ? patron.libraryId : null,
      data: { expiresAt: link.expiresAt.toISOString() },
    });
    return { to, expiresAt: link.expiresAt };
  });
}
