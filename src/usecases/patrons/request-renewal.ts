import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import {
  findPatronById,
  type PatronRow,
  type PatronWithLibrary,
  transitionPatron,
} from '../../db/repositories/patrons.js';
import { consumeToken, findTokenByHash, type TokenRow } from '../../db/repositories/tokens.js';
import type { PatronActor } from '../../domain/actor.js';
import { DomainError, forbidden, notFound } from '../../domain/errors.js';
import {
  hasEnded,
  parisToday,
  type RenewalEligibility,
  renewalEligibility,
  renewalRefusalMessage,
} from '../../domain/renewal-rules.js';
import { renewalRequestMail } from '../../mail/lifecycle-mails.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';
import { patronLabel } from './register-patron.js';

export type RenewalLinkState =
  | { status: 'valid'; token: TokenRow }
  | { status: 'used' | 'expired' | 'unknown' };

/** What a renewal link (from the reminder e-mail) is worth, before anyone logs in. */
export async function checkRenewalLink(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<RenewalLinkState> {
  return inspectLink(deps.db, token, deps.clock.now());
}

async function inspectLink(db: Executor, token: string, now: Date): Promise<RenewalLinkState> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'unknown' };
  const row = await findTokenByHash(db, sha256(token));
  if (row?.purpose !== 'renewal' || row.principalKind !== 'patron') return { status: 'unknown' };
  if (row.usedAt) return { status: 'used' };
  if (row.expiresAt <= now) return { status: 'expired' };
  return { status: 'valid', token: row };
}

export function renewalLinkError(status: 'used' | 'expired' | 'unknown'): DomainError {
  switch (status) {
    case 'used':
      return new DomainError(
        'renewal_link_used',
        'Ce lien de renouvellement a déjà servi : votre demande a été transmise à votre bibliothèque.',
        410,
      );
    case 'expired':
      return new DomainError('renewal_link_expired', 'Ce lien de renouvellement a expiré.', 410);
    default:
      return new DomainError(
        'renewal_link_unknown',
        'Ce lien de renouvellement n’est pas valide. Vérifiez qu’il est complet.',
        404,
      );
  }
}

export interface RenewalSituation {
  patron: PatronWithLibrary;
  eligibility: RenewalEligibility;
}

/** The logged-in patron and whether they may ask for renewal today. */
export async function loadRenewalSituation(deps: Deps, actor: PatronActor): Promise<RenewalSituation> {
  const patron = await findPatronById(deps.db, actor.id);
  if (!patron || patron.anonymisedAt) throw notFound('Ce compte');
  const { settings } = await getNetwork(deps.db);
  return { patron, eligibility: renewalEligibility(patron, parisToday(deps.clock.now()), settings) };
}

/**
 * Only the link's owner may use it, once logged in: a link forwarded to someone else, or
 * opened while another person is logged in on the computer, is refused (403).
 */
export async function checkLinkOwner(deps: Deps, actor: PatronActor, token: string): Promise<TokenRow> {
  const state = await checkRenewalLink(deps, token);
  if (state.status !== 'valid') throw renewalLinkError(state.status);
  if (state.token.principalId !== actor.id) throw forbidden();
  return state.token;
}

export interface RenewalRequested {
  patron: PatronRow;
  libraryName: string;
}

/**
 * The patron asks for renewal (SPEC §2 transitions 6, 7), from the reminder's link or from the
 * button on "Mon compte": → `renewal_pending`, waiting for the library again (pendingSince
 * now), which is told by e-mail with a link to the record. One transaction: guarded state
 * change, link consumed, history event, e-mail. An active patron keeps access to the end of
 * the subscription meanwhile.
 */
export async function requestRenewal(
  deps: Deps,
  actor: PatronActor,
  input: { token?: string } = {},
): Promise<RenewalRequested> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    let token: TokenRow | null = null;
    if (input.token !== undefined) {
      const state = await inspectLink(tx, input.token, now);
      if (state.status !== 'valid') throw renewalLinkError(state.status);
      if (state.token.principalId !== actor.id) throw forbidden();
      token = state.token;
    }
    const patron = await findPatronById(tx, actor.id);
    if (!patron || patron.anonymisedAt) throw notFound('Ce compte');
    const network = await getNetwork(tx);
    const today = parisToday(now);
    const eligibility = renewalEligibility(patron, today, network.settings);
    if (!eligibility.ok)
      throw new DomainError(`renewal_${eligibility.reason}`, renewalRefusalMessage(eligibility), 409);

    const row = await transitionPatron(tx, patron.id, [patron.state], {
      state: 'renewal_pending',
      pendingSince: now,
      // A new request: its escalation and any erasure warning start afresh.
      retentionWarnedAt: null,
      updatedAt: now,
    });
    // Asked twice at once (two tabs): the second finds the request already made.
    if (!row)
      throw new DomainError(
        'renewal_already_requested',
        renewalRefusalMessage({ ok: false, reason: 'already_requested' }),
        409,
      );
    if (token && !(await consumeToken(tx, token.id, now))) throw renewalLinkError('used');

    const mailId = await enqueueMail(
      tx,
      renewalRequestMail({
        networkName: network.name,
        to: patron.libraryEmail,
        patronId: patron.id,
        patron: {
          firstName: patron.firstName ?? '',
          lastName: patron.lastName ?? '',
          identifier: patron.identifier ?? '',
        },
        libraryName: patron.libraryName,
        activeUntil: patron.activeUntil,
        ended: hasEnded(patron.activeUntil, today),
        url: `${deps.baseUrl}/admin/usagers/${patron.id}`,
        escalationDays: network.settings.escalationDays,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
      action: 'renewal_requested',
      subject: { kind: 'patron', id: patron.id },
      data: {
        previousState: patron.state,
        activeUntil: patron.activeUntil,
        via: token ? 'link' : 'account',
        libraryId: patron.libraryId,
        mailId,
      },
    });
    return { patron: row, libraryName: patron.libraryName };
  });
}
