import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { findActiveLibraryCached } from '../../db/repositories/libraries.js';
import { countAttempt } from '../../db/repositories/login-throttles.js';
import { getNetwork, type Network } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { findAddressOwners, lockPatronEmail, type PatronRow } from '../../db/repositories/patrons.js';
import {
  insertSelfRegistration,
  readRegistrationChecks,
  type SelfRegistrationRows,
  UNCONFIRMED_EMAIL_INDEX,
} from '../../db/repositories/self-registration.js';
import { insertToken, revokeTokens } from '../../db/repositories/tokens.js';
import { DomainError, ValidationError } from '../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../domain/login-throttle.js';
import { parisDay } from '../../domain/paris.js';
import { passwordRule } from '../../domain/password-policy.js';
import { confirmationDeadline } from '../../domain/patron-lifecycle.js';
import {
  LIBRARY_NOT_ACTIVE,
  type RegistrationInput,
  validateRegistration,
} from '../../domain/registration-form.js';
import type { NetworkSettings } from '../../domain/settings.js';
import {
  alreadyHaveAccountMail,
  confirmRegistrationMail,
  requestAlreadyMadeMail,
} from '../../mail/registration-mails.js';
import type { LocalAttemptCounter } from '../../security/local-attempts.js';
import { hashPassword } from '../../security/passwords.js';
import { newSecretToken, sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';
import { mayMailVisitor } from '../visitor-mail-cap.js';

export type RegistrationOutcome =
  /** A new request, waiting for its e-mail confirmation. */
  | { kind: 'registered'; patronId: string }
  /** The address already has a live account: that address was told so, nothing created. */
  | { kind: 'existing_account' }
  /** The honeypot was filled: answered like a success, nothing written. */
  | { kind: 'ignored' };

const IDENTIFIER_TAKEN = 'Cet identifiant est déjà utilisé : choisissez-en un autre.';

const rateLimited = () =>
  new DomainError(
    'register_rate_limited',
    'Trop de demandes d’inscription depuis votre réseau. Réessayez dans un quart d’heure.',
    429,
  );

export const selfRegistrationClosed = () =>
  new DomainError(
    'self_registration_closed',
    'L’inscription en ligne n’est pas ouverte : adressez-vous à votre bibliothèque, qui vous inscrira.',
    403,
  );

/** Label of a patron acting on their own account, as the history shows it. */
export function patronLabel(p: Pick<PatronRow, 'firstName' | 'lastName' | 'identifier'>): string {
  return `${p.firstName ?? ''} ${p.lastName ?? ''} (${p.identifier ?? '?'})`.trim();
}

/**
 * Creates the single-use link of /inscription/confirmer/:token, valid until the request's
 * confirmation deadline. Any earlier link of the patron stops working.
 */
export async function issueConfirmationLink(
  tx: Executor,
  patronId: string,
  now: Date,
  deadline: Date,
  baseUrl: string,
): Promise<string> {
  await revokeTokens(tx, { kind: 'patron', id: patronId }, ['confirm_email'], now);
  const token = newSecretToken();
  await insertToken(tx, {
    hash: sha256(token),
    purpose: 'confirm_email',
    principalKind: 'patron',
    principalId: patronId,
    createdAt: now,
    expiresAt: deadline,
  });
  return confirmationUrl(baseUrl, token);
}

function confirmationUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/inscription/confirmer/${token}`;
}

/**
 * Self-registration (SPEC §2 transition 1). After a valid form the caller always shows the
 * same page: whether the address already had an account is only said to that address.
 */
export async function registerPatron(
  deps: Deps,
  input: {
    form: RegistrationInput;
    ip: string;
    /** The network when the caller has it already (the web layer reads it per request). */
    network?: Network;
    /** This instance's count of posts per address: the first, cheap gate of the rate limit. */
    localAttempts?: LocalAttemptCounter;
  },
): Promise<RegistrationOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const network = input.network ?? (await getNetwork(db));
  const { settings } = network;
  if (!settings.selfRegistration) throw selfRegistrationClosed();

  // Every post counts, valid or not: trying identifiants one after another is limited too. This
  // instance's own count turns a flood away before it costs a query or a hash; the count shared
  // by all instances is taken in the database, in the statement that writes or refuses the form.
  const limit = settings.loginIpPerQuarterHour;
  const throttleKey = `register-ip:${input.ip}`;
  if (input.localAttempts && input.localAttempts.count(throttleKey, now.getTime()) > limit)
    throw rateLimited();
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);

  const identifier = String(input.form.identifier ?? '').trim();
  const libraryId = String(input.form.libraryId ?? '').trim();
  const cachedLibrary = await findActiveLibraryCached(db, libraryId);
  const validate = (library: { id: string } | null) =>
    validateRegistration(input.form, {
      today: parisDay(now),
      rule: passwordRule(settings),
      activeLibraryIds: new Set(library ? [library.id] : []),
      withPassword: true,
    });
  const result = validate(cachedLibrary);
  if (result.honeypotFilled) {
    // A robot: answered like a success (so it learns nothing), after as long a wait.
    await countAttempt(db, throttleKey, now, windowStart);
    await hashPassword(String(input.form.password ?? ''));
    return { kind: 'ignored' };
  }
  if (!result.ok) {
    // Counted, and checked against the database itself, so that every error shows at once.
    const checks = await readRegistrationChecks(db, { throttleKey, now, windowStart, libraryId, identifier });
    if (checks.attempts > limit) throw rateLimited();
    const recheck = validate(checks.library);
    const errors: Record<string, string> = recheck.ok ? {} : { ...recheck.errors };
    if (!errors.identifier && checks.identifierTaken) errors.identifier = IDENTIFIER_TAKEN;
    throw new ValidationError(errors);
  }
  const data = result.data;

  // The slow hash is paid whatever happens next, so the answer takes as long in every case.
  const passwordHash = await hashPassword(data.password);
  const library = cachedLibrary!;

  const deadline = confirmationDeadline(now, settings);
  const { password: _password, ...details } = data;
  const rows = (token: string): SelfRegistrationRows => ({
    patron: { ...details, libraryId: library.id, passwordHash },
    tokenHash: sha256(token),
    deadline,
    mail: confirmRegistrationMail({
      networkName: network.name,
      to: data.email,
      patron: data,
      libraryName: library.name,
      url: confirmationUrl(deps.baseUrl, token),
      deadline,
    }),
    eventLabel: patronLabel(data),
    eventData: { channel: 'self', libraryId: library.id, confirmationDeadline: deadline.toISOString() },
    now,
  });

  // A second pass only follows a request that vanished between the two steps below.
  for (let pass = 0; pass < 2; pass++) {
    try {
      // The common case in one statement: the form counted, checked and written.
      const written = await insertSelfRegistration(db, rows(newSecretToken()), {
        throttleKey,
        windowStart,
        limit,
      });
      if (written.kind === 'registered') return { kind: 'registered', patronId: written.patronId };
      if (written.rateLimited) throw rateLimited();
      if (written.libraryInactive || written.identifierTaken)
        throw new ValidationError({
          ...(written.libraryInactive ? { libraryId: LIBRARY_NOT_ACTIVE } : {}),
          ...(written.identifierTaken ? { identifier: IDENTIFIER_TAKEN } : {}),
        });
    } catch (error) {
      // Someone took the identifiant between the check and the insert.
      if (uniqueViolation(error) === 'patrons_identifier_key')
        throw new ValidationError({ identifier: IDENTIFIER_TAKEN });
      // Another form with this address was written an instant ago: answered below, as a repeat.
      if (uniqueViolation(error) !== UNCONFIRMED_EMAIL_INDEX) throw error;
    }
    // The address names a live account: only that address is told, under the address's lock
    // so that two such answers do not cross.
    const answered = await db.transaction(async (tx) => {
      await lockPatronEmail(tx, data.email);
      const live = await findAddressOwners(tx, data.email);
      if (live.length === 0) return false;
      // Past the hourly cap for this address the page answers the same and nothing is sent.
      const mayMail = await mayMailVisitor(tx, data.email, now, network.settings);
      await answerExistingAccount(deps, tx, network, live, data.email, now, mayMail);
      return true;
    });
    if (answered) return { kind: 'existing_account' };
  }
  throw new Error('Registration: the address was neither free nor in use twice in a row');
}

/** Tells an address that is already in use what it can do (confirm its request, or log in). */
export async function answerExistingAccount(
  deps: Deps,
  tx: Executor,
  network: { name: string; settings: NetworkSettings },
  live: PatronRow[],
  email: string,
  now: Date,
  mayMail: boolean,
): Promise<void> {
  const unconfirmed = live.filter((p) => p.state === 'awaiting_confirmation');
  const usable = live.filter((p) => p.state !== 'awaiting_confirmation');
  const named = (p: PatronRow) => ({
    firstName: p.firstName ?? '',
    lastName: p.lastName ?? '',
    identifier: p.identifier ?? '',
  });
  // Past the cap nothing is sent: the link already sent (if any) keeps working.
  if (mayMail && usable.length === 0 && unconfirmed[0]) {
    const request = unconfirmed[0];
    const deadline = confirmationDeadline(request.registeredAt, network.settings);
    const url = await issueConfirmationLink(tx, request.id, now, deadline, deps.baseUrl);
    await enqueueMail(
      tx,
      {
        ...requestAlreadyMadeMail({
          networkName: network.name,
          to: email,
          patron: named(request),
          url,
          deadline,
        }),
        patronId: request.id,
      },
      now,
    );
  } else if (mayMail) {
    await enqueueMail(
      tx,
      {
        ...alreadyHaveAccountMail({
          networkName: network.name,
          to: email,
          accounts: usable.map(named),
          forgotPasswordUrl: `${deps.baseUrl}/mot-de-passe-oublie`,
        }),
        // One column for one patron: the first account (almost always the only one).
        patronId: usable[0]?.id ?? null,
      },
      now,
    );
  }
  for (const p of live)
    await recordEvent(tx, {
      at: now,
      actor: { kind: 'system', label: 'Formulaire d’inscription' },
      action: 'registration_attempt_existing_email',
      subject: { kind: 'patron', id: p.id },
    });
}

/** The name of the unique index a write broke, or null for any other error. */
function uniqueViolation(error: unknown): string | null {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (code === '23505') return typeof constraint === 'string' ? constraint : '';
  }
  return null;
}
