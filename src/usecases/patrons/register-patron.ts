import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { findActiveLibrary } from '../../db/repositories/libraries.js';
import { countAttempt } from '../../db/repositories/login-throttles.js';
import { getNetwork, type Network } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import {
  findPatronsByEmail,
  insertPatron,
  lockPatronEmail,
  loginIdentifierTaken,
  type PatronRow,
} from '../../db/repositories/patrons.js';
import { insertToken, revokeTokens } from '../../db/repositories/tokens.js';
import { DomainError, ValidationError } from '../../domain/errors.js';
import { THROTTLE_WINDOW_MS } from '../../domain/login-throttle.js';
import { parisDay } from '../../domain/paris.js';
import { passwordRule } from '../../domain/password-policy.js';
import { confirmationDeadline } from '../../domain/patron-lifecycle.js';
import { type RegistrationInput, validateRegistration } from '../../domain/registration-form.js';
import {
  alreadyHaveAccountMail,
  confirmRegistrationMail,
  requestAlreadyMadeMail,
} from '../../mail/registration-mails.js';
import { hashPassword } from '../../security/passwords.js';
import { newSecretToken, sha256 } from '../../security/tokens.js';
import type { Deps } from '../deps.js';

export type RegistrationOutcome =
  /** A new request, waiting for its e-mail confirmation. */
  | { kind: 'registered'; patronId: string }
  /** The address already has a live account: that address was told so, nothing created. */
  | { kind: 'existing_account' }
  /** The honeypot was filled: answered like a success, nothing written. */
  | { kind: 'ignored' };

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
  options: { first?: boolean } = {},
): Promise<string> {
  // A patron created in this very transaction has no earlier link to revoke.
  if (!options.first) await revokeTokens(tx, { kind: 'patron', id: patronId }, ['confirm_email'], now);
  const token = newSecretToken();
  await insertToken(tx, {
    hash: sha256(token),
    purpose: 'confirm_email',
    principalKind: 'patron',
    principalId: patronId,
    createdAt: now,
    expiresAt: deadline,
  });
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
  },
): Promise<RegistrationOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const network = input.network ?? (await getNetwork(db));
  const { settings } = network;
  if (!settings.selfRegistration) throw selfRegistrationClosed();

  // Every post counts, valid or not: trying identifiants one after another is limited too.
  // The library chosen and whether the identifiant is free are read alongside (one wait, not three).
  const identifier = String(input.form.identifier ?? '').trim();
  const [attempts, chosenLibrary, identifierTaken] = await Promise.all([
    countAttempt(db, `register-ip:${input.ip}`, now, new Date(now.getTime() - THROTTLE_WINDOW_MS)),
    findActiveLibrary(db, String(input.form.libraryId ?? '').trim()),
    identifier ? loginIdentifierTaken(db, identifier) : false,
  ]);
  if (attempts > settings.loginIpPerQuarterHour)
    throw new DomainError(
      'register_rate_limited',
      'Trop de demandes d’inscription depuis votre réseau. Réessayez dans un quart d’heure.',
      429,
    );

  const result = validateRegistration(input.form, {
    today: parisDay(now),
    rule: passwordRule(settings),
    activeLibraryIds: new Set(chosenLibrary ? [chosenLibrary.id] : []),
    withPassword: true,
  });
  if (result.honeypotFilled) {
    // A robot: answered like a success (so it learns nothing), after as long a wait.
    await hashPassword(String(input.form.password ?? ''));
    return { kind: 'ignored' };
  }
  const errors: Record<string, string> = result.ok ? {} : { ...result.errors };
  if (!errors.identifier && identifierTaken)
    errors.identifier = 'Cet identifiant est déjà utilisé : choisissez-en un autre.';
  if (!result.ok || Object.keys(errors).length > 0) throw new ValidationError(errors);
  const data = result.data;

  // The slow hash is paid whatever happens next, so the answer takes as long in every case.
  const passwordHash = await hashPassword(data.password);
  const library = chosenLibrary!;

  try {
    return await db.transaction(async (tx): Promise<RegistrationOutcome> => {
      // Two forms sent at once with the same address must not both create an account.
      await lockPatronEmail(tx, data.email);
      // A refused request does not block a new one: the person may apply again (SPEC §2).
      const live = (await findPatronsByEmail(tx, data.email)).filter((p) => p.state !== 'refused');
      if (live.length > 0) {
        await answerExistingAccount(deps, tx, network, live, data.email, now);
        return { kind: 'existing_account' };
      }

      const deadline = confirmationDeadline(now, settings);
      const patron = await insertPatron(tx, {
        libraryId: library.id,
        state: 'awaiting_confirmation',
        channel: 'self',
        lastName: data.lastName,
        firstName: data.firstName,
        birthDate: data.birthDate,
        birthYear: data.birthYear,
        email: data.email,
        identifier: data.identifier,
        passwordHash,
        newsletter: data.newsletter,
        registeredAt: now,
        createdAt: now,
        updatedAt: now,
      });
      const url = await issueConfirmationLink(tx, patron.id, now, deadline, deps.baseUrl, { first: true });
      await enqueueMail(
        tx,
        {
          ...confirmRegistrationMail({
            networkName: network.name,
            to: data.email,
            patron: data,
            libraryName: library.name,
            url,
            deadline,
          }),
          patronId: patron.id,
        },
        now,
      );
      await recordEvent(tx, {
        at: now,
        actor: { kind: 'patron', id: patron.id, label: patronLabel(patron) },
        action: 'registered',
        subject: { kind: 'patron', id: patron.id },
        data: { channel: 'self', libraryId: library.id, confirmationDeadline: deadline.toISOString() },
      });
      return { kind: 'registered', patronId: patron.id };
    });
  } catch (error) {
    // Someone took the identifiant between the check and the insert.
    if (isUniqueViolation(error))
      throw new ValidationError({ identifier: 'Cet identifiant est déjà utilisé : choisissez-en un autre.' });
    throw error;
  }
}

async function answerExistingAccount(
  deps: Deps,
  tx: Executor,
  network: { name: string; settings: Parameters<typeof confirmationDeadline>[1] },
  live: PatronRow[],
  email: string,
  now: Date,
): Promise<void> {
  const unconfirmed = live.filter((p) => p.state === 'awaiting_confirmation');
  const usable = live.filter((p) => p.state !== 'awaiting_confirmation');
  const named = (p: PatronRow) => ({
    firstName: p.firstName ?? '',
    lastName: p.lastName ?? '',
    identifier: p.identifier ?? '',
  });
  if (usable.length === 0 && unconfirmed[0]) {
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
  } else {
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

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause)
    if ((e as { code?: unknown }).code === '23505') return true;
  return false;
}
