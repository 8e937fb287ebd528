import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { markEmailVerified } from '../../db/repositories/patron-records.js';
import { findPatronById, updatePatron } from '../../db/repositories/patrons.js';
import { deleteSessionsOf } from '../../db/repositories/sessions.js';
import { findStaffById, setStaffPassword } from '../../db/repositories/staff.js';
import { consumeToken, findTokenByHash, type TokenRow } from '../../db/repositories/tokens.js';
import { DomainError, ValidationError } from '../../domain/errors.js';
import { passwordProblems, passwordRule } from '../../domain/password-policy.js';
import { hashPassword } from '../../security/passwords.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export type LinkState =
  | { status: 'valid'; token: TokenRow; identifier: string; email: string; name: string }
  | { status: 'used' | 'expired' | 'unknown' };

/** What the /mot-de-passe/:token page should show before anything is typed. */
export async function checkPasswordLink(deps: Deps, token: string): Promise<LinkState> {
  return inspect(deps.db, token, deps.clock.now());
}

async function inspect(db: Executor, token: string, now: Date): Promise<LinkState> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'unknown' };
  const row = await findTokenByHash(db, sha256(token));
  // Only password links open this page: a confirmation or renewal link never sets a password.
  if (!row || (row.purpose !== 'set_password' && row.purpose !== 'reset_password'))
    return { status: 'unknown' };
  if (row.usedAt) return { status: 'used' };
  if (row.expiresAt <= now) return { status: 'expired' };
  if (row.principalKind === 'patron') {
    const patron = await findPatronById(db, row.principalId);
    if (!patron?.identifier || !patron.email || patron.anonymisedAt || patron.state === 'lapsed')
      return { status: 'unknown' };
    const name = `${patron.firstName ?? ''} ${patron.lastName ?? ''}`.trim();
    return { status: 'valid', token: row, identifier: patron.identifier, email: patron.email, name };
  }
  const staff = await findStaffById(db, row.principalId);
  if (!staff || staff.disabledAt) return { status: 'unknown' };
  return { status: 'valid', token: row, identifier: staff.identifier, email: staff.email, name: staff.name };
}

/**
 * Sets the password chosen through an e-mailed link. The token is consumed by a conditional
 * update in the same transaction as the new hash: a link works once, even clicked twice at once.
 * Every open session of the account ends.
 */
export async function setPasswordWithToken(
  deps: Deps,
  input: { token: string; password: string; confirmation: string },
): Promise<{ identifier: string }> {
  const now = deps.clock.now();
  const state = await inspect(deps.db, input.token, now);
  if (state.status !== 'valid') throw linkError(state.status);
  const { settings } = await getNetwork(deps.db);
  const errors: Record<string, string> = {};
  const problems = passwordProblems(input.password, passwordRule(settings), state);
  if (problems[0]) errors.password = problems[0];
  else if (input.password !== input.confirmation)
    errors.confirmation = 'Les deux mots de passe ne sont pas identiques.';
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const hash = await hashPassword(input.password);
  await deps.db.transaction(async (tx) => {
    if (!(await consumeToken(tx, state.token.id, now))) throw linkError('used');
    const kind = state.token.principalKind;
    const id = state.token.principalId;
    // The link reached the patron's mailbox: an address staff typed for them is now verified.
    let emailVerified = false;
    if (kind === 'patron') {
      await updatePatron(tx, id, { passwordHash: hash, updatedAt: now });
      emailVerified = await markEmailVerified(tx, id, now);
    } else await setStaffPassword(tx, id, hash, now);
    await deleteSessionsOf(tx, kind, id);
    const label = `${state.name} (${state.identifier})`;
    await recordEvent(tx, {
      at: now,
      actor: kind === 'patron' ? { kind: 'patron', id, label } : { kind: 'system', label },
      action: state.token.purpose === 'set_password' ? 'password_set' : 'password_reset',
      subject: { kind, id },
      ...(emailVerified ? { data: { emailVerified: true } } : {}),
    });
  });
  return { identifier: state.identifier };
}

export function linkError(status: 'used' | 'expired' | 'unknown'): DomainError {
  switch (status) {
    case 'used':
      return new DomainError(
        'link_used',
        'Ce lien a déjà servi. Si vous avez oublié votre mot de passe, demandez un nouveau lien.',
        410,
      );
    case 'expired':
      return new DomainError('link_expired', 'Ce lien a expiré. Demandez un nouveau lien ci-dessous.', 410);
    default:
      return new DomainError('link_unknown', 'Ce lien n’est pas valide. Vérifiez qu’il est complet.', 404);
  }
}
