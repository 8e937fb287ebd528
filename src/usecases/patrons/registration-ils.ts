import type { Library } from '../../db/repositories/libraries.js';
import { librariesWithIls } from '../../db/repositories/sip2.js';
import type { StaffActor } from '../../domain/actor.js';
import { isoDate, parseFrenchDate } from '../../domain/paris.js';
import { cardNumberProblem, normaliseCardNumber } from '../../domain/patron-identity.js';
import { frenchDay } from '../../domain/patron-lifecycle.js';
import type { Deps } from '../deps.js';
import { askLibraryIls, type IlsCheck } from '../sip2/ils-membership.js';
import { registrationLibraries } from './register-by-staff.js';

/** The form's fields the library's system can fill. */
export const ILS_FILLED_FIELDS = ['lastName', 'firstName', 'birthDate', 'email'] as const;
export type IlsFilledField = (typeof ILS_FILLED_FIELDS)[number];

type Values = Record<string, string | undefined>;

export type RegistrationIlsLookup =
  /** Nothing asked: what is missing or not allowed, said next to its field. */
  | {
      kind: 'problem';
      field: 'cardNumber' | 'libraryId';
      problem: 'no_card' | 'bad_card' | 'no_library' | 'no_ils';
      message?: string;
    }
  /** Asked: the card is unknown, or the system did not answer properly. */
  | { kind: 'not_found'; check: IlsCheck }
  | {
      kind: 'found';
      check: IlsCheck;
      /** The fields that were empty and now hold the system's values. */
      filled: IlsFilledField[];
      /** Typed values the system disagrees with: kept as typed, the system's value shown. */
      differing: { field: IlsFilledField; value: string }[];
    };

/** The staff registration form, as first shown: the actor's libraries and which of them have an ILS. */
export async function staffRegistrationFormData(
  deps: Pick<Deps, 'db'>,
  actor: StaffActor,
): Promise<{ libraries: Library[]; ilsLibraryIds: string[] }> {
  const libraries = await registrationLibraries(deps, actor);
  const ilsLibraryIds = await librariesWithIls(
    deps.db,
    libraries.map((l) => l.id),
  );
  return { libraries, ilsLibraryIds };
}

const fold = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’']/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();

/** The typed birth date and the system's one are the same day (any accepted way of typing it). */
function sameDay(typed: string, iso: string): boolean {
  const d = parseFrenchDate(typed);
  return d !== null && isoDate(d) === iso;
}

/**
 * "Rechercher dans le système de la bibliothèque" on the staff registration form: asks the ILS
 * of the library chosen in the form (one of the actor's own: staff of one library can only ask
 * theirs) about the card number, by SIP2 63 (3 s at most, never an exception for the ILS's
 * sake). Empty fields take the system's name, first name, birth date and e-mail; what staff
 * typed is kept, and where it differs the system's value is reported. Returns the form's new
 * values with the outcome; nothing is written.
 */
export async function lookUpRegistrationCard(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: StaffActor,
  form: Values,
  options: { timeoutMs?: number } = {},
): Promise<{ values: Values; lookup: RegistrationIlsLookup }> {
  const values: Values = { ...form };
  const libraries = await registrationLibraries(deps, actor);
  const libraryId =
    libraries.length === 1 && !values.libraryId?.trim() ? libraries[0]!.id : (values.libraryId ?? '').trim();
  const library = libraries.find((l) => l.id === libraryId);
  // Staff of one library have no library field (only a forged value gets here): said at the card.
  if (!library)
    return {
      values,
      lookup: {
        kind: 'problem',
        field: libraries.length > 1 ? 'libraryId' : 'cardNumber',
        problem: 'no_library',
      },
    };
  const badCard = cardNumberProblem(values.cardNumber);
  if (badCard)
    return {
      values,
      lookup: { kind: 'problem', field: 'cardNumber', problem: 'bad_card', message: badCard },
    };
  const card = normaliseCardNumber(values.cardNumber);
  if (!card) return { values, lookup: { kind: 'problem', field: 'cardNumber', problem: 'no_card' } };
  const asked = await askLibraryIls(deps, library.id, card, options);
  if (!asked) return { values, lookup: { kind: 'problem', field: 'cardNumber', problem: 'no_ils' } };
  const { check, answer } = asked;
  if (answer?.status !== 'found') return { values, lookup: { kind: 'not_found', check } };

  const fromIls: Partial<Record<IlsFilledField, string>> = {
    lastName: answer.lastName ?? undefined,
    firstName: answer.firstName ?? undefined,
    birthDate: answer.birthDate ? frenchDay(answer.birthDate) : undefined,
    email: answer.email ?? undefined,
  };
  const filled: IlsFilledField[] = [];
  const differing: { field: IlsFilledField; value: string }[] = [];
  for (const field of ILS_FILLED_FIELDS) {
    const value = fromIls[field];
    if (!value) continue;
    const typed = values[field]?.trim() ?? '';
    if (!typed) {
      values[field] = value;
      filled.push(field);
    } else if (field === 'birthDate' ? !sameDay(typed, answer.birthDate!) : fold(typed) !== fold(value))
      differing.push({ field, value });
  }
  return { values, lookup: { kind: 'found', check, filled, differing } };
}
