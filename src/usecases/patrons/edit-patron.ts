import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { otherLivePatronsWithEmail, updatePatronIfUnchanged } from '../../db/repositories/patron-records.js';
import { findPatronForStaff, lockPatronEmail, type NewPatron } from '../../db/repositories/patrons.js';
import { revokeTokens } from '../../db/repositories/tokens.js';
import type { StaffActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { DomainError, notFound, ValidationError } from '../../domain/errors.js';
import { parisDay } from '../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../domain/password-policy.js';
import {
  type Identity,
  type IdentityField,
  identityChanges,
  identityOf,
  validateIdentity,
} from '../../domain/patron-identity.js';
import { patronSetPasswordMail } from '../../mail/staff-registration-mails.js';
import { issuePasswordLink } from '../auth/password-links.js';
import type { Deps } from '../deps.js';
import { awaitsFirstPassword } from './resend-password-link.js';

export interface EditPatronInput {
  patronId: string;
  form: Partial<Record<IdentityField, unknown>>;
  /** The record's updatedAt when the form was shown (ISO): a correction never overwrites a newer one. */
  version: string;
}

export interface EditPatronOutcome {
  changed: IdentityField[];
  /** A new "Définissez votre mot de passe" link went to the corrected address. */
  linkSentTo: string | null;
}

export const erasedRecord = () =>
  new DomainError(
    'patron_erased',
    'Les données personnelles de cet usager ont été effacées : sa fiche ne peut plus être modifiée.',
    409,
  );

export const changedMeanwhile = () =>
  new DomainError(
    'patron_changed_meanwhile',
    'Cette fiche a été modifiée entre-temps par quelqu’un d’autre : vérifiez les informations affichées, puis recommencez votre correction.',
    409,
  );

/**
 * Staff correct a patron's identity (SPEC §4 "edit a patron"): checked like the registration
 * form, the e-mail kept unique among live accounts, applied only if nobody changed the record
 * since the form was shown, and recorded in the history with the before and after of each
 * changed field. A corrected address is no longer "verified", and the links sent to the old
 * one stop working; a patron still waiting to choose their first password gets a new link at
 * the corrected address.
 */
export async function editPatron(
  deps: Deps,
  actor: StaffActor,
  input: EditPatronInput,
): Promise<EditPatronOutcome> {
  const now = deps.clock.now();
  const result = validateIdentity(input.form, parisDay(now));
  return deps.db.transaction(async (tx) => {
    const patron = await findPatronForStaff(tx, actor.scope, input.patronId);
    if (!patron) throw notFound('Cet usager');
    if (patron.anonymisedAt || patron.state === 'lapsed') throw erasedRecord();
    if (!result.ok) throw new ValidationError(result.errors);
    const after: Identity = { ...result.data };
    const before = identityOf(patron);
    const changes = identityChanges(before, after);
    const fields = Object.keys(changes) as IdentityField[];
    if (fields.length === 0) return { changed: [], linkSentTo: null };

    const emailChanged = Boolean(changes.email);
    const newAddress = emailChanged && before.email.toLowerCase() !== after.email.toLowerCase();
    if (newAddress) {
      if (patron.state === 'awaiting_confirmation')
        throw new ValidationError({
          email:
            'Cette demande n’est pas encore confirmée par l’usager : son adresse ne peut pas être changée. Sans confirmation, la demande sera supprimée et l’usager pourra s’inscrire à nouveau.',
        });
      await lockPatronEmail(tx, after.email);
      const others = await otherLivePatronsWithEmail(tx, after.email, patron.id);
      if (others[0])
        throw new ValidationError({
          email: `Cette adresse électronique est déjà celle d’un autre compte (${others[0].libraryName}) : une seule inscription par adresse.`,
        });
    }

    const seen = new Date(input.version);
    if (Number.isNaN(seen.getTime())) throw changedMeanwhile();
    const values: Partial<NewPatron> = {
      lastName: after.lastName,
      firstName: after.firstName,
      birthDate: after.birthDate,
      birthYear: result.data.birthYear,
      email: after.email,
      cardNumber: after.cardNumber,
      newsletter: after.newsletter,
      updatedAt: now,
      ...(newAddress ? { emailConfirmedAt: null, pendingEmail: null } : {}),
    };
    const row = await updatePatronIfUnchanged(tx, patron.id, seen, values);
    if (!row) throw changedMeanwhile();

    let linkSentTo: string | null = null;
    if (newAddress) {
      // Links e-mailed to the old address must not open the account any more.
      await revokeTokens(
        tx,
        { kind: 'patron', id: patron.id },
        ['set_password', 'reset_password', 'change_email'],
        now,
      );
      if (awaitsFirstPassword(row)) {
        const network = await getNetwork(tx);
        const link = await issuePasswordLink(
          tx,
          { kind: 'patron', id: patron.id },
          'set_password',
          now,
          network.settings.setPasswordLinkDays * DAY,
          deps.baseUrl,
        );
        await enqueueMail(
          tx,
          patronSetPasswordMail({
            networkName: network.name,
            to: after.email,
            patronId: patron.id,
            patron: { firstName: after.firstName, lastName: after.lastName, identifier: row.identifier! },
            libraryName: patron.libraryName,
            url: link.url,
            expiresAt: link.expiresAt,
            rule: describePasswordRule(passwordRule(network.settings)),
            resent: true,
          }),
          now,
        );
        linkSentTo = after.email;
      }
    }

    const beforeData: Record<string, unknown> = {};
    const afterData: Record<string, unknown> = {};
    for (const f of fields) {
      beforeData[f] = changes[f]!.before;
      afterData[f] = changes[f]!.after;
    }
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'identity_corrected',
      subject: { kind: 'patron', id: patron.id },
      onBehalfOfLibraryId: actor.role === 'network_admin' ? patron.libraryId : null,
      data: {
        fields,
        before: beforeData,
        after: afterData,
        ...(linkSentTo ? { passwordLinkResent: true } : {}),
      },
    });
    return { changed: fields, linkSentTo };
  });
}
