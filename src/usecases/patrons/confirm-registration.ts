import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { countAttempt } from '../../db/repositories/login-throttles.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findPatronById, type PatronWithLibrary, transitionPatron } from '../../db/repositories/patrons.js';
import { consumeToken, findTokenByHash, type TokenRow } from '../../db/repositories/tokens.js';
import { DomainError } from '../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../domain/login-throttle.js';
import { parisDay } from '../../domain/paris.js';
import { ageOn, confirmationDeadline, temporaryAccountEnd } from '../../domain/patron-lifecycle.js';
import type { NetworkSettings } from '../../domain/settings.js';
import { requestToValidateCopyMail, requestToValidateMail } from '../../mail/registration-mails.js';
import { sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';
import { patronLabel } from './register-patron.js';

export type ConfirmationOutcome =
  | {
      status: 'confirmed';
      libraryName: string;
      /** Last day of the temporary account (AAAA-MM-JJ, Paris). */
      temporaryUntil: string;
      temporaryAccountDays: number;
    }
  /** The link was used before (the request is past its confirmation). */
  | { status: 'already_confirmed' }
  /** A later e-mail (reminder) replaced this link; the request still waits for confirmation. */
  | { status: 'superseded'; deadline: Date }
  /** Too late: the request lapsed or is about to; the person must register again. */
  | { status: 'expired' }
  | { status: 'unknown' };

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{20,100}$/;

type Inspection =
  | { status: 'valid'; token: TokenRow; patron: PatronWithLibrary }
  | Exclude<ConfirmationOutcome, { status: 'confirmed' }>;

async function inspect(
  db: Executor,
  token: string,
  now: Date,
  settings: NetworkSettings,
): Promise<Inspection> {
  if (!TOKEN_FORMAT.test(token)) return { status: 'unknown' };
  const row = await findTokenByHash(db, sha256(token));
  if (row?.purpose !== 'confirm_email' || row.principalKind !== 'patron') return { status: 'unknown' };
  const patron = await findPatronById(db, row.principalId);
  if (!patron || patron.state === 'lapsed' || patron.anonymisedAt) return { status: 'expired' };
  if (patron.state !== 'awaiting_confirmation')
    return patron.emailConfirmedAt ? { status: 'already_confirmed' } : { status: 'unknown' };
  const deadline = confirmationDeadline(patron.registeredAt, settings);
  if (now >= deadline || now >= row.expiresAt) return { status: 'expired' };
  if (row.usedAt) return { status: 'superseded', deadline };
  return { status: 'valid', token: row, patron };
}

/**
 * The e-mailed link (SPEC §2 transition 2): the request becomes `pending`, a temporary account
 * opens, and the home library is asked to decide (copy to the network). The token is consumed
 * and the state changed in one transaction: clicked twice, even at once, it confirms once.
 */
export async function confirmRegistration(
  deps: Deps,
  input: { token: string; ip: string },
): Promise<ConfirmationOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const network = await getNetwork(db);
  const { settings } = network;
  const attempts = await countAttempt(
    db,
    `confirm-ip:${input.ip}`,
    now,
    new Date(now.getTime() - THROTTLE_WINDOW_MS),
  );
  if (attempts > settings.loginIpPerQuarterHour)
    throw new DomainError(
      'confirm_rate_limited',
      'Trop de tentatives depuis votre réseau. Réessayez dans un quart d’heure.',
      429,
    );

  const found = await inspect(db, input.token, now, settings);
  if (found.status !== 'valid') return found;

  const outcome = await db
    .transaction(async (tx): Promise<ConfirmationOutcome | null> => {
      if (!(await consumeToken(tx, found.token.id, now))) return null;
      const patron = await transitionPatron(tx, found.patron.id, ['awaiting_confirmation'], {
        state: 'pending',
        emailConfirmedAt: now,
        pendingSince: now,
        updatedAt: now,
      });
      // Lapsed by the sweep in the meantime: undo the token's use, nothing changes.
      if (!patron) throw new LostRace();
      const details = {
        networkName: network.name,
        libraryName: found.patron.libraryName,
        patron: {
          firstName: patron.firstName ?? '',
          lastName: patron.lastName ?? '',
          birthDate: patron.birthDate!,
          age: ageOn(patron.birthDate!, parisDay(now)),
        },
        requestedAt: patron.registeredAt,
        confirmedAt: now,
        url: `${deps.baseUrl}/admin/usagers/${patron.id}`,
        escalationDays: settings.escalationDays,
      };
      // The library's mail names the patron: tied to them so that anonymisation empties it.
      await enqueueMail(
        tx,
        { ...requestToValidateMail({ ...details, to: found.patron.libraryEmail }), patronId: patron.id },
        now,
      );
      await enqueueMail(
        tx,
        { ...requestToValidateCopyMail({ ...details, to: network.email }), patronId: patron.id },
        now,
      );
      await recordEvent(tx, {
        at: now,
        actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
        action: 'email_confirmed',
        subject: { kind: 'patron', id: patron.id },
        data: { libraryId: patron.libraryId },
      });
      return {
        status: 'confirmed',
        libraryName: found.patron.libraryName,
        temporaryUntil: temporaryAccountEnd(now, settings),
        temporaryAccountDays: settings.temporaryAccountDays,
      };
    })
    .catch((error: unknown) => {
      if (error instanceof LostRace) return null;
      throw error;
    });
  if (outcome) return outcome;
  // Lost a race (double click, or the lapse sweep): say what the link is now.
  const again = await inspect(db, input.token, now, settings);
  return again.status === 'valid' ? { status: 'expired' } : again;
}

class LostRace extends Error {}
