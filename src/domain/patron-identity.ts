import { isoDate } from './paris.js';
import type { PatronState } from './patron-lifecycle.js';
import {
  birthDateProblem,
  emailProblem,
  nameProblem,
  normaliseName,
  type RegistrationContext,
} from './registration-form.js';

/**
 * Rules of the patron's identity as staff record or correct it (SPEC §2 transition 3, §4 "edit a
 * patron"): the same checks as the registration form, plus the library card number, and what a
 * correction changed, field by field, for the history.
 */

export const CARD_NUMBER_MAX = 30;
/** What library cards carry: digits and letters, sometimes grouped with spaces or hyphens. */
const CARD_PATTERN = /^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$/;

/** Optional everywhere: null when empty. */
export function cardNumberProblem(raw: unknown): string | null {
  const value = normaliseCardNumber(raw);
  if (!value) return null;
  if (value.length > CARD_NUMBER_MAX)
    return `Le numéro de carte ne doit pas dépasser ${CARD_NUMBER_MAX} caractères.`;
  if (!CARD_PATTERN.test(value))
    return 'Le numéro de carte ne peut contenir que des lettres sans accents, des chiffres, des espaces et des tirets.';
  return null;
}

export function normaliseCardNumber(raw: unknown): string | null {
  const value = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  return value ? value : null;
}

/** The fields staff may correct on a record, as the edit form names them. */
export const IDENTITY_FIELDS = [
  'lastName',
  'firstName',
  'birthDate',
  'email',
  'cardNumber',
  'newsletter',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export const IDENTITY_LABELS: Record<IdentityField, string> = {
  lastName: 'Nom',
  firstName: 'Prénom',
  birthDate: 'Date de naissance',
  email: 'Courriel',
  cardNumber: 'Numéro de carte',
  newsletter: 'Newsletter',
};

export interface Identity {
  lastName: string;
  firstName: string;
  /** AAAA-MM-JJ */
  birthDate: string;
  email: string;
  cardNumber: string | null;
  newsletter: boolean;
}

/** A recorded patron's identity as the edit form shows it (what is missing is empty). */
export function identityOf(p: {
  lastName: string | null;
  firstName: string | null;
  birthDate: string | null;
  email: string | null;
  cardNumber: string | null;
  newsletter: boolean;
}): Identity {
  return {
    lastName: p.lastName ?? '',
    firstName: p.firstName ?? '',
    birthDate: p.birthDate ?? '',
    email: p.email ?? '',
    cardNumber: p.cardNumber,
    newsletter: p.newsletter,
  };
}

export type IdentityResult =
  | { ok: true; data: Identity & { birthYear: number } }
  | { ok: false; errors: Partial<Record<IdentityField, string>> };

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Checks the edit form and reports every problem at once, each by its field. */
export function validateIdentity(
  input: Partial<Record<IdentityField, unknown>>,
  today: RegistrationContext['today'],
): IdentityResult {
  const errors: Partial<Record<IdentityField, string>> = {};
  const lastName = nameProblem(input.lastName, 'nom');
  if (lastName) errors.lastName = lastName;
  const firstName = nameProblem(input.firstName, 'prénom');
  if (firstName) errors.firstName = firstName;
  const birth = birthDateProblem(input.birthDate, today);
  if ('problem' in birth) errors.birthDate = birth.problem;
  const email = text(input.email).trim();
  const emailError = emailProblem(email);
  if (emailError) errors.email = emailError;
  const card = cardNumberProblem(input.cardNumber);
  if (card) errors.cardNumber = card;
  const newsletter = text(input.newsletter);
  if (newsletter !== 'oui' && newsletter !== 'non')
    errors.newsletter = 'Indiquez si l’usager souhaite recevoir la newsletter : Oui ou Non.';
  if (Object.keys(errors).length > 0 || 'problem' in birth) return { ok: false, errors };
  return {
    ok: true,
    data: {
      lastName: normaliseName(text(input.lastName)),
      firstName: normaliseName(text(input.firstName)),
      birthDate: birth.iso,
      birthYear: birth.year,
      email,
      cardNumber: normaliseCardNumber(input.cardNumber),
      newsletter: newsletter === 'oui',
    },
  };
}

export type IdentityValue = string | boolean | null;
export type IdentityChanges = Partial<Record<IdentityField, { before: IdentityValue; after: IdentityValue }>>;

/**
 * The fields whose value really changed. E-mail addresses differing only by case are the same
 * address (logins and the unique check ignore case), but the new spelling is still recorded.
 */
export function identityChanges(before: Identity, after: Identity): IdentityChanges {
  const out: IdentityChanges = {};
  for (const field of IDENTITY_FIELDS) {
    const a = before[field];
    const b = after[field];
    if (a !== b) out[field] = { before: a, after: b };
  }
  return out;
}

/** How a value reads in the history: dates JJ/MM/AAAA, booleans Oui/Non, empty as "(vide)". */
export function identityValueText(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '(vide)';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  const s = String(value);
  if (field === 'birthDate' && /^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, m, d] = s.split('-');
    return `${d}/${m}/${y}`;
  }
  return s;
}

/**
 * The state a record keeps once staff erase it (SPEC §2 transition 9): a request that was
 * still open ends as a purged request, an account as an ended subscription whose last day is
 * the day of the erasure; refused, expired and lapsed records keep their state. So no erased
 * record is ever waiting for a decision, counted as active or reminded by a sweep.
 */
export function stateAfterErasure(
  state: PatronState,
  activeUntil: string | null,
  today: { year: number; month: number; day: number },
): { state: PatronState; activeUntil: string | null } {
  const day = isoDate(today);
  switch (state) {
    case 'awaiting_confirmation':
    case 'pending':
      return { state: 'lapsed', activeUntil };
    case 'active':
    case 'renewal_pending':
      return { state: 'expired', activeUntil: activeUntil && activeUntil < day ? activeUntil : day };
    default:
      return { state, activeUntil };
  }
}
