import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { emailUsedByAnotherPatron } from '../../db/repositories/patron-data.js';
import { findPatronById, lockPatronEmail, updatePatron } from '../../db/repositories/patrons.js';
import { consumeToken, findTokenByHash, insertToken, revokeTokens } from '../../db/repositories/tokens.js';
import type { PatronActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { ValidationError } from '../../domain/errors.js';
import { patronMayLogIn } from '../../domain/patron-lifecycle.js';
import { emailProblem } from '../../domain/registration-form.js';
import { confirmNewEmailMail, emailChangeNoticeMail } from '../../mail/account-mails.js';
import { newSecretToken, sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';
import { patronLabel } from '../patrons/register-patron.js';
import { currentPasswordProblem } from './current-password.js';
import { displayName, ownAccount } from './own-account.js';

export const EMAIL_CHANGE_PATH = '/mon-compte/courriel';

const TAKEN =
  'Cette adresse est déjà celle d’un autre compte : choisissez-en une autre, ou adressez-vous à votre bibliothèque.';

/**
 * "Changer d’adresse électronique": the new address waits in pending_email until the link
 * sent to it is followed; the old address is told at once (if the change is not the patron's,
 * they hear of it before it happens). The password is asked again: a session left open on a
 * shared computer must not be enough to take the account over through its e-mail.
 * The link is valid for the network's confirmation delay (the same setting as for a new
 * registration's address). A new request replaces the previous one and its link.
 */
export async function requestEmailChange(
  deps: Deps,
  actor: PatronActor,
  input: { email: string; currentPassword: string },
): Promise<{ email: string }> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const patron = await ownAccount(deps.db, actor);
  const email = input.email.trim();
  const errors: Record<string, string> = {};
  const problem = emailProblem(email);
  if (problem) errors.email = problem;
  else if (email.toLowerCase() === patron.email?.toLowerCase())
    errors.email = 'C’est déjà l’adresse de votre compte : saisissez la nouvelle adresse.';
  else if (await emailUsedByAnotherPatron(deps.db, email, patron.id)) errors.email = TAKEN;
  const current = await currentPasswordProblem(deps.db, patron, input.currentPassword, now, network.settings);
  if (current) errors.currentPassword = current;
  if (Object.keys(errors).length) throw new ValidationError(errors);

  await deps.db.transaction(async (tx) => {
    const fresh = await ownAccount(tx, actor);
    await updatePatron(tx, fresh.id, { pendingEmail: email, updatedAt: now });
    await revokeTokens(tx, { kind: 'patron', id: fresh.id }, ['change_email'], now);
    const token = newSecretToken();
    const expiresAt = new Date(now.getTime() + network.settings.confirmationDays * DAY);
    await insertToken(tx, {
      hash: sha256(token),
      purpose: 'change_email',
      principalKind: 'patron',
      principalId: fresh.id,
      createdAt: now,
      expiresAt,
    });
    const who = { name: displayName(fresh), identifier: fresh.identifier ?? '' };
    await enqueueMail(
      tx,
      {
        ...confirmNewEmailMail({
          networkName: network.name,
          to: email,
          patron: who,
          url: `${deps.baseUrl}${EMAIL_CHANGE_PATH}/${token}`,
          expiresAt,
        }),
        patronId: fresh.id,
      },
      now,
    );
    if (fresh.email)
      await enqueueMail(
        tx,
        {
          ...emailChangeNoticeMail({
            networkName: network.name,
            to: fresh.email,
            patron: who,
            newEmail: email,
            requestedAt: now,
            libraryName: fresh.libraryName,
            libraryEmail: fresh.libraryEmail,
          }),
          patronId: fresh.id,
        },
        now,
      );
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: fresh.id, label: patronLabel(fresh) },
      action: 'email_change_requested',
      subject: { kind: 'patron', id: fresh.id },
      data: { newEmail: email, until: expiresAt.toISOString() },
    });
  });
  return { email };
}

/** "Annuler le changement": the pending address and its link are dropped. */
export async function cancelEmailChange(deps: Deps, actor: PatronActor): Promise<{ cancelled: boolean }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const patron = await ownAccount(tx, actor);
    if (!patron.pendingEmail) return { cancelled: false };
    await updatePatron(tx, patron.id, { pendingEmail: null, updatedAt: now });
    await revokeTokens(tx, { kind: 'patron', id: patron.id }, ['change_email'], now);
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
      action: 'email_change_cancelled',
      subject: { kind: 'patron', id: patron.id },
    });
    return { cancelled: true };
  });
}

export type EmailChangeOutcome =
  | { status: 'changed'; email: string }
  | { status: 'used' | 'expired' | 'unknown' | 'taken' };

class Outcome extends Error {
  constructor(readonly outcome: EmailChangeOutcome) {
    super(outcome.status);
  }
}

/**
 * The link of "Confirmez votre nouvelle adresse". It works without being logged in: it is
 * opened from the new mailbox, often on another device, and holding it is the proof asked
 * for (the request itself needed the session and the password). The address must still be
 * free among live patrons; two patrons confirming the same address at once are serialised
 * by a lock on the address, so only the first gets it. Password links still pending die: they
 * were sent to the old address.
 */
export async function confirmEmailChange(deps: Deps, token: string): Promise<EmailChangeOutcome> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'unknown' };
  const now = deps.clock.now();
  const row = await findTokenByHash(deps.db, sha256(token));
  if (row?.purpose !== 'change_email' || row.principalKind !== 'patron') return { status: 'unknown' };
  if (row.usedAt) return { status: 'used' };
  if (row.expiresAt <= now) return { status: 'expired' };
  try {
    return await deps.db.transaction(async (tx) => {
      const patron = await findPatronById(tx, row.principalId);
      if (!patron || patron.anonymisedAt || !patronMayLogIn(patron.state))
        throw new Outcome({ status: 'unknown' });
      const email = patron.pendingEmail;
      if (!email) throw new Outcome({ status: 'used' });
      await lockPatronEmail(tx, email);
      if (await emailUsedByAnotherPatron(tx, email, patron.id)) throw new Outcome({ status: 'taken' });
      if (!(await consumeToken(tx, row.id, now))) throw new Outcome({ status: 'used' });
      const previous = patron.email;
      await updatePatron(tx, patron.id, { email, pendingEmail: null, updatedAt: now });
      await revokeTokens(tx, { kind: 'patron', id: patron.id }, ['set_password', 'reset_password'], now);
      await recordEvent(tx, {
        at: now,
        actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
        action: 'email_changed',
        subject: { kind: 'patron', id: patron.id },
        data: { oldEmail: previous, newEmail: email },
      });
      return { status: 'changed' as const, email };
    });
  } catch (error) {
    if (error instanceof Outcome) return error.outcome;
    throw error;
  }
}
