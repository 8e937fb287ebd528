import { lockUntilCommit } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import { type Library, listLibraries } from '../../db/repositories/libraries.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { type DuplicateMatch, findPossibleDuplicates } from '../../db/repositories/patron-records.js';
import { insertPatron, lockPatronEmail, loginIdentifierTaken } from '../../db/repositories/patrons.js';
import type { StaffActor } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { DomainError, ValidationError } from '../../domain/errors.js';
import { parisDay } from '../../domain/paris.js';
import { describePasswordRule, passwordRule } from '../../domain/password-policy.js';
import { cardNumberProblem, normaliseCardNumber } from '../../domain/patron-identity.js';
import { type RegistrationInput, validateRegistration } from '../../domain/registration-form.js';
import { patronSetPasswordMail } from '../../mail/staff-registration-mails.js';
import { issuePasswordLink } from '../auth/password-links.js';
import type { Deps } from '../deps.js';

/** What staff type in "Inscription usager ressources numériques": the registration form without password. */
export type StaffRegistrationForm = RegistrationInput & { cardNumber?: unknown };

export interface StaffRegistrationInput {
  form: StaffRegistrationForm;
  /**
   * Records the person at the desk was shown as possible duplicates and confirmed to be
   * someone else. A match not in this list (a new one) is shown again before anything is created.
   */
  confirmedDuplicateIds: readonly string[];
}

export type StaffRegistrationOutcome =
  | { kind: 'registered'; patronId: string; email: string; libraryName: string; linkExpiresAt: Date }
  /** Someone like this person already exists: shown to staff, who confirm or stop. Nothing written. */
  | { kind: 'possible_duplicates'; matches: DuplicateMatch[] }
  /** The address already belongs to an account: one account per address. Nothing written. */
  | { kind: 'email_taken'; matches: DuplicateMatch[] };

export const staffRegistrationClosed = () =>
  new DomainError(
    'staff_registration_closed',
    'L’inscription des usagers par les bibliothèques n’est pas activée sur ce réseau : les usagers s’inscrivent eux-mêmes en ligne.',
    403,
  );

export const noLibraryToRegisterIn = () =>
  new DomainError(
    'no_library',
    'Votre compte n’est rattaché à aucune bibliothèque active : demandez à l’administration du réseau de vous en attribuer une.',
    403,
  );

/** The libraries in which the actor may register a patron: their own active ones. */
export function registrationLibraries(deps: Pick<Deps, 'db'>, actor: StaffActor): Promise<Library[]> {
  return listLibraries(deps.db, actor.scope, { activeOnly: true });
}

/** "zoé  n’diaye" and "Zoe N'Diaye" lock the same key, as sesame_fold compares them. */
function foldKey(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’']/g, "'").toLowerCase().trim();
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * A library registers a patron (SPEC §2 transition 3, MDO seed step 1). The account is created
 * `pending` without any password: the patron chooses theirs through the e-mailed link
 * (valid `setPasswordLinkDays`) or "mot de passe oublié", and the library then activates it
 * ("Enregistrer"). Before anything is written, the whole network is searched for the same
 * e-mail (refused: one account per address) or the same name and birth date (staff confirm it
 * is another person).
 */
export async function registerPatronByStaff(
  deps: Deps,
  actor: StaffActor,
  input: StaffRegistrationInput,
): Promise<StaffRegistrationOutcome> {
  const now = deps.clock.now();
  const network = await getNetwork(deps.db);
  const { settings } = network;
  if (!settings.staffRegistration) throw staffRegistrationClosed();
  const libraries = await registrationLibraries(deps, actor);
  if (libraries.length === 0) throw noLibraryToRegisterIn();

  // Staff of a single library never choose it: it is theirs.
  const form: StaffRegistrationForm = { ...input.form };
  if (libraries.length === 1 && !text(form.libraryId).trim()) form.libraryId = libraries[0]!.id;

  const result = validateRegistration(form, {
    today: parisDay(now),
    rule: passwordRule(settings),
    activeLibraryIds: new Set(libraries.map((l) => l.id)),
    withPassword: false,
  });
  const errors: Record<string, string> = result.ok ? {} : { ...result.errors };
  // The registration form speaks to the patron; here staff fill it for them.
  if (errors.libraryId)
    errors.libraryId = text(form.libraryId).trim()
      ? 'Choisissez une bibliothèque dans la liste : vous ne pouvez inscrire un usager que dans l’une de vos bibliothèques actives.'
      : 'Sélectionnez la bibliothèque de l’usager.';
  if (errors.newsletter)
    errors.newsletter = 'Indiquez si l’usager souhaite recevoir la newsletter : Oui ou Non.';
  const cardError = cardNumberProblem(form.cardNumber);
  if (cardError) errors.cardNumber = cardError;
  const identifier = text(form.identifier).trim();
  if (!errors.identifier && identifier && (await loginIdentifierTaken(deps.db, identifier)))
    errors.identifier = 'Cet identifiant est déjà utilisé : choisissez-en un autre avec l’usager.';
  if (!result.ok || Object.keys(errors).length > 0) throw new ValidationError(errors);
  const data = result.data;
  const library = libraries.find((l) => l.id === data.libraryId)!;
  const confirmed = new Set(input.confirmedDuplicateIds);

  try {
    return await deps.db.transaction(async (tx): Promise<StaffRegistrationOutcome> => {
      // Two desks registering the same person (or address) at once must not both succeed.
      await lockPatronEmail(tx, data.email);
      await lockUntilCommit(
        tx,
        `register-identity:${foldKey(data.lastName)}|${foldKey(data.firstName)}|${data.birthDate}`,
      );
      const matches = await findPossibleDuplicates(tx, data);
      // A refused request does not hold its address: the person may apply again (SPEC §2).
      if (matches.some((m) => m.sameEmail && m.state !== 'refused')) return { kind: 'email_taken', matches };
      if (matches.some((m) => !confirmed.has(m.id))) return { kind: 'possible_duplicates', matches };

      const patron = await insertPatron(tx, {
        libraryId: library.id,
        state: 'pending',
        channel: 'staff',
        lastName: data.lastName,
        firstName: data.firstName,
        birthDate: data.birthDate,
        birthYear: data.birthYear,
        email: data.email,
        identifier: data.identifier,
        // No password at all until the patron chooses one: nobody, staff included, can log in with it.
        passwordHash: null,
        newsletter: data.newsletter,
        cardNumber: normaliseCardNumber(form.cardNumber),
        registeredAt: now,
        // The address is proven when the patron follows the e-mailed link.
        emailConfirmedAt: null,
        pendingSince: now,
        createdAt: now,
        updatedAt: now,
      });
      const link = await issuePasswordLink(
        tx,
        { kind: 'patron', id: patron.id },
        'set_password',
        now,
        settings.setPasswordLinkDays * DAY,
        deps.baseUrl,
      );
      await enqueueMail(
        tx,
        patronSetPasswordMail({
          networkName: network.name,
          to: data.email,
          patronId: patron.id,
          patron: data,
          libraryName: library.name,
          url: link.url,
          expiresAt: link.expiresAt,
          rule: describePasswordRule(passwordRule(settings)),
        }),
        now,
      );
      const onBehalf = actor.role === 'network_admin';
      await recordEvent(tx, {
        at: now,
        actor,
        action: 'registered_by_staff',
        subject: { kind: 'patron', id: patron.id },
        onBehalfOfLibraryId: onBehalf ? library.id : null,
        data: {
          channel: 'staff',
          libraryId: library.id,
          libraryName: library.name,
          passwordLinkExpiresAt: link.expiresAt.toISOString(),
          ...(matches.length ? { duplicatesConfirmed: matches.map((m) => m.id) } : {}),
        },
      });
      return {
        kind: 'registered',
        patronId: patron.id,
        email: data.email,
        libraryName: library.name,
        linkExpiresAt: link.expiresAt,
      };
    });
  } catch (error) {
    // Someone took the identifiant between the check and the insert.
    if (isUniqueViolation(error))
      throw new ValidationError({
        identifier: 'Cet identifiant est déjà utilisé : choisissez-en un autre avec l’usager.',
      });
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause)
    if ((e as { code?: unknown }).code === '23505') return true;
  return false;
}
