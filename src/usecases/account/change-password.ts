import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { updatePatron } from '../../db/repositories/patrons.js';
import { deleteOtherSessionsOf, deleteSessionsOf } from '../../db/repositories/sessions.js';
import { revokeTokens } from '../../db/repositories/tokens.js';
import type { PatronActor } from '../../domain/actor.js';
import { ValidationError } from '../../domain/errors.js';
import { passwordProblems, passwordRule } from '../../domain/password-policy.js';
import { passwordChangedMail } from '../../mail/account-mails.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import type { Deps } from '../deps.js';
import { patronLabel } from '../patrons/register-patron.js';
import { currentPasswordProblem } from './current-password.js';
import { displayName, ownAccount } from './own-account.js';

export interface PasswordChange {
  currentPassword: string;
  password: string;
  confirmation: string;
}

/**
 * "Changer mon mot de passe": the current password first (counted like a login), then the
 * network's rule, then the confirmation. Every other session of the patron ends (a thief
 * logged in elsewhere is out); the session that made the change stays open (`keepSession`,
 * the hash of its id). Unused password links die too: one sent to a mailbox that is no longer
 * trusted must not undo the change.
 */
export async function changePassword(
  deps: Deps,
  actor: PatronActor,
  input: PasswordChange,
  keepSession: string | null,
): Promise<void> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const patron = await ownAccount(deps.db, actor);
  const errors: Record<string, string> = {};
  const problem = passwordProblems(input.password, passwordRule(network.settings), patron)[0];
  if (!input.password) errors.password = 'Saisissez le nouveau mot de passe.';
  else if (problem) errors.password = problem;
  else if (!input.confirmation) errors.confirmation = 'Saisissez à nouveau le nouveau mot de passe.';
  else if (input.password !== input.confirmation)
    errors.confirmation = 'Les deux mots de passe ne sont pas identiques.';
  const current = await currentPasswordProblem(deps.db, patron, input.currentPassword, now, network.settings);
  if (current) errors.currentPassword = current;
  else if (
    !errors.password &&
    patron.passwordHash &&
    (await verifyPassword(patron.passwordHash, input.password))
  )
    errors.password = 'Choisissez un mot de passe différent de l’actuel.';
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const hash = await hashPassword(input.password);
  await deps.db.transaction(async (tx) => {
    const fresh = await ownAccount(tx, actor);
    await updatePatron(tx, fresh.id, { passwordHash: hash, updatedAt: now });
    if (keepSession) await deleteOtherSessionsOf(tx, 'patron', fresh.id, keepSession);
    else await deleteSessionsOf(tx, 'patron', fresh.id);
    await revokeTokens(tx, { kind: 'patron', id: fresh.id }, ['set_password', 'reset_password'], now);
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: fresh.id, label: patronLabel(fresh) },
      action: 'password_changed',
      subject: { kind: 'patron', id: fresh.id },
    });
    if (fresh.email)
      await enqueueMail(
        tx,
        {
          ...passwordChangedMail({
            networkName: network.name,
            to: fresh.email,
            patron: { name: displayName(fresh), identifier: fresh.identifier ?? '' },
            changedAt: now,
            forgotPasswordUrl: `${deps.baseUrl}/mot-de-passe-oublie`,
            libraryName: fresh.libraryName,
            libraryEmail: fresh.libraryEmail,
          }),
          patronId: fresh.id,
        },
        now,
      );
  });
}
