import { isoDate, parseFrenchDate } from './paris.js';
import { type PasswordRule, passwordProblems } from './password-policy.js';
import { ageOn } from './patron-lifecycle.js';

/**
 * The registration form's rules (SPEC §2, transitions 1 and 3), with a French message per
 * field. Pure: the caller gives today's Paris date, the password rule and the libraries open
 * to registration. Used by self-registration and by staff registering a patron.
 */

export const REGISTRATION_FIELDS = [
  'lastName',
  'firstName',
  'birthDate',
  'email',
  'identifier',
  'password',
  'confirmation',
  'libraryId',
  'newsletter',
] as const;
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];

/** Field labels, as on the form and in the error summary. */
export const REGISTRATION_LABELS: Record<RegistrationField, string> = {
  lastName: 'Nom',
  firstName: 'Prénom',
  birthDate: 'Date de naissance',
  email: 'Courriel',
  identifier: 'Identifiant',
  password: 'Mot de passe',
  confirmation: 'Confirmez le mot de passe',
  libraryId: 'Bibliothèque de proximité',
  newsletter: 'Newsletter',
};

/** The hidden field only robots fill in. */
export const HONEYPOT_FIELD = 'site_web';

export const NAME_MAX = 80;
export const EMAIL_MAX = 254;
export const IDENTIFIER_MIN = 3;
export const IDENTIFIER_MAX = 40;
/** Older than this is a typing mistake (1890 for 1990), not a reader. */
export const MAX_AGE = 120;
const PASSWORD_MAX = 1024;

export type RegistrationInput = Partial<Record<RegistrationField | typeof HONEYPOT_FIELD, unknown>>;

export interface RegistrationData {
  lastName: string;
  firstName: string;
  /** AAAA-MM-JJ */
  birthDate: string;
  birthYear: number;
  email: string;
  identifier: string;
  /** Empty when the form has no password (staff registration: the patron chooses it later). */
  password: string;
  libraryId: string;
  newsletter: boolean;
}

export interface RegistrationContext {
  today: { year: number; month: number; day: number };
  rule: PasswordRule;
  activeLibraryIds: ReadonlySet<string>;
  /** False for staff registration: the account gets a password chosen by the patron later. */
  withPassword: boolean;
}

/** The library chosen is unknown or no longer takes part (also said when a write finds it so). */
export const LIBRARY_NOT_ACTIVE =
  'Cette bibliothèque ne participe pas (ou plus) au service : sélectionnez-en une dans la liste.';

export type RegistrationResult =
  | { ok: true; data: RegistrationData; honeypotFilled: boolean }
  | { ok: false; errors: Partial<Record<RegistrationField, string>>; honeypotFilled: boolean };

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Letters of any alphabet (accents included, typed precomposed or not), separated by single
 * spaces, hyphens or apostrophes (straight or typographic): Zoé, N'Diaye, Le Bihan-Kerjean.
 */
const NAME_PATTERN = /^\p{L}[\p{L}\p{M}]*(?:[ '’-]{1,2}\p{L}[\p{L}\p{M}]*)*$/u;
/** What a login may contain: it is typed on every keyboard and in e-mails, so no accents. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._-]+$/;
/** Deliberately loose: the confirmation e-mail is the real test of an address. */
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** Trims, joins runs of spaces and composes accents, so "Zoé" is stored one way only. */
export function normaliseName(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function nameProblem(raw: unknown, what: 'nom' | 'prénom'): string | null {
  const value = normaliseName(text(raw));
  const label = what === 'nom' ? 'Le nom' : 'Le prénom';
  if (!value) return `Saisissez le ${what}.`;
  if ([...value].length > NAME_MAX) return `${label} ne doit pas dépasser ${NAME_MAX} caractères.`;
  if (!NAME_PATTERN.test(value))
    return `${label} ne peut contenir que des lettres (accents compris), des espaces, des traits d’union et des apostrophes.`;
  return null;
}

/** A real, past birth date giving a plausible age. */
export function birthDateProblem(
  raw: unknown,
  today: RegistrationContext['today'],
): { problem: string } | { iso: string; year: number } {
  const value = text(raw).trim();
  if (!value)
    return { problem: 'Saisissez la date de naissance au format JJ/MM/AAAA, par exemple 14/07/1990.' };
  const date = parseFrenchDate(value);
  if (!date)
    return {
      problem:
        'Cette date n’existe pas. Saisissez une date réelle au format JJ/MM/AAAA, par exemple 14/07/1990.',
    };
  const iso = isoDate(date);
  if (iso >= isoDate(today))
    return { problem: 'La date de naissance doit être passée. Vérifiez le jour, le mois et l’année.' };
  if (ageOn(iso, today) >= MAX_AGE)
    return {
      problem: `Vérifiez l’année de naissance : cette date donnerait plus de ${MAX_AGE} ans.`,
    };
  return { iso, year: date.year };
}

export function emailProblem(raw: unknown): string | null {
  const value = text(raw).trim();
  if (!value) return 'Saisissez l’adresse électronique.';
  if (value.length > EMAIL_MAX || !EMAIL_PATTERN.test(value))
    return 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.';
  return null;
}

export function identifierProblem(raw: unknown): string | null {
  const value = text(raw).trim();
  if (!value) return 'Choisissez un identifiant.';
  if (!IDENTIFIER_PATTERN.test(value))
    return 'Évitez les accents : lettres sans accents, chiffres, point, tiret ou souligné.';
  if (value.length < IDENTIFIER_MIN || value.length > IDENTIFIER_MAX)
    return `L’identifiant doit contenir entre ${IDENTIFIER_MIN} et ${IDENTIFIER_MAX} caractères.`;
  return null;
}

/** Checks every field and reports all problems at once, each by its field. */
export function validateRegistration(input: RegistrationInput, c: RegistrationContext): RegistrationResult {
  const errors: Partial<Record<RegistrationField, string>> = {};
  const honeypotFilled = text(input[HONEYPOT_FIELD]).trim() !== '';

  const lastName = nameProblem(input.lastName, 'nom');
  if (lastName) errors.lastName = lastName;
  const firstName = nameProblem(input.firstName, 'prénom');
  if (firstName) errors.firstName = firstName;

  const birth = birthDateProblem(input.birthDate, c.today);
  if ('problem' in birth) errors.birthDate = birth.problem;

  const email = text(input.email).trim();
  const emailError = emailProblem(email);
  if (emailError) errors.email = emailError;

  const identifier = text(input.identifier).trim();
  const identifierError = identifierProblem(identifier);
  if (identifierError) errors.identifier = identifierError;

  const password = text(input.password);
  if (c.withPassword) {
    const confirmation = text(input.confirmation);
    if (!password) errors.password = 'Choisissez un mot de passe.';
    else if (password.length > PASSWORD_MAX) errors.password = 'Ce mot de passe est trop long.';
    else {
      const [problem] = passwordProblems(password, c.rule, { identifier, email });
      if (problem) errors.password = problem;
      else if (!confirmation) errors.confirmation = 'Entrez à nouveau votre mot de passe.';
      else if (confirmation !== password)
        errors.confirmation = 'Les deux mots de passe ne sont pas identiques.';
    }
  }

  const libraryId = text(input.libraryId).trim();
  if (!libraryId) errors.libraryId = 'Sélectionnez votre bibliothèque de proximité.';
  else if (!c.activeLibraryIds.has(libraryId)) errors.libraryId = LIBRARY_NOT_ACTIVE;

  // Optional (SPEC §2.1, and the seed puts no asterisk on it): no answer means no.
  const newsletter = text(input.newsletter);
  if (newsletter !== '' && newsletter !== 'oui' && newsletter !== 'non')
    errors.newsletter = 'Indiquez si vous souhaitez recevoir la newsletter : Oui ou Non.';

  if (Object.keys(errors).length > 0 || 'problem' in birth) return { ok: false, errors, honeypotFilled };
  return {
    ok: true,
    honeypotFilled,
    data: {
      lastName: normaliseName(text(input.lastName)),
      firstName: normaliseName(text(input.firstName)),
      birthDate: birth.iso,
      birthYear: birth.year,
      email,
      identifier,
      password: c.withPassword ? password : '',
      libraryId,
      newsletter: newsletter === 'oui',
    },
  };
}
