import type { Executor } from '../../db/client.js';
import { recordEvent } from '../../db/repositories/events.js';
import {
  findLibrary,
  findLibraryByCode,
  insertLibrary,
  type Library,
  type LibraryInput,
  updateLibrary,
} from '../../db/repositories/libraries.js';
import type { StaffActor } from '../../domain/actor.js';
import { forbidden, notFound, ValidationError } from '../../domain/errors.js';
import { EMAIL_PATTERN } from '../../domain/library-csv.js';
import type { Deps } from '../deps.js';

export type LibraryFields = LibraryInput;

/** Same rule as the CSV import, so a code typed here can be imported later and vice versa. */
export const LIBRARY_CODE_PATTERN = /^[A-Za-z0-9_-]{1,20}$/;

const FIELDS = ['code', 'name', 'town', 'email'] as const;

function normalise(input: LibraryFields): LibraryFields {
  return {
    code: input.code.trim(),
    name: input.name.trim(),
    town: input.town.trim(),
    email: input.email.trim().toLowerCase(),
  };
}

/** The checks that need no database; the route's form shows the same messages. */
export function libraryFieldErrors(input: Partial<LibraryFields>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (input.code !== undefined) {
    if (!input.code) errors.code = 'Saisissez le code de la bibliothèque.';
    else if (!LIBRARY_CODE_PATTERN.test(input.code))
      errors.code =
        'Le code ne peut contenir que des lettres sans accent, des chiffres, - et _ (20 au plus).';
  }
  if (input.name !== undefined) {
    if (!input.name) errors.name = 'Saisissez le nom de la bibliothèque.';
    else if (input.name.length > 200) errors.name = 'Le nom ne doit pas dépasser 200 caractères.';
  }
  if (input.town !== undefined) {
    if (!input.town) errors.town = 'Saisissez la commune.';
    else if (input.town.length > 120) errors.town = 'La commune ne doit pas dépasser 120 caractères.';
  }
  if (input.email !== undefined) {
    if (!input.email) errors.email = 'Saisissez l’adresse électronique qui reçoit les notifications.';
    else if (input.email.length > 254 || !EMAIL_PATTERN.test(input.email))
      errors.email = 'Saisissez une adresse électronique valide, par exemple bibliotheque@exemple.fr.';
  }
  return errors;
}

async function codeTakenError(tx: Executor, code: string, exceptId?: string): Promise<string | null> {
  const other = await findLibraryByCode(tx, code);
  return other && other.id !== exceptId ? `Ce code est déjà utilisé par « ${other.name} ».` : null;
}

/** A concurrent creation with the same code loses on the unique index: say so like the check does. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause)
    if ((e as { code?: unknown }).code === '23505') return true;
  return false;
}

/** A network administrator adds a library. */
export async function createLibrary(deps: Deps, actor: StaffActor, input: LibraryFields): Promise<Library> {
  if (actor.role !== 'network_admin') throw forbidden();
  const values = normalise(input);
  const errors = libraryFieldErrors(values);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const now = deps.clock.now();
  try {
    return await deps.db.transaction(async (tx) => {
      const taken = await codeTakenError(tx, values.code);
      if (taken) throw new ValidationError({ code: taken });
      const row = await insertLibrary(tx, values);
      await recordEvent(tx, {
        at: now,
        actor,
        action: 'library_created',
        subject: { kind: 'library', id: row.id },
        data: { ...values },
      });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ValidationError({ code: 'Ce code vient d’être attribué à une autre bibliothèque.' });
    throw error;
  }
}

/**
 * Edits a library. Network administrators change every field; library staff change only
 * their own library's notification e-mail, whatever else the form carries. A library
 * outside the actor's scope does not exist for them (404).
 */
export async function updateLibraryDetails(
  deps: Deps,
  actor: StaffActor,
  id: string,
  input: Partial<LibraryFields>,
): Promise<{ library: Library; changed: string[] }> {
  const now = deps.clock.now();
  try {
    return await deps.db.transaction(async (tx) => {
      const current = await findLibrary(tx, actor.scope, id);
      if (!current) throw notFound('Cette bibliothèque');
      const editable: readonly (keyof LibraryFields)[] = actor.role === 'network_admin' ? FIELDS : ['email'];
      const wanted: Partial<LibraryFields> = {};
      for (const key of editable) {
        const v = input[key];
        if (v !== undefined) wanted[key] = key === 'email' ? v.trim().toLowerCase() : v.trim();
      }
      const errors = libraryFieldErrors(wanted);
      if (wanted.code && !errors.code) {
        const taken = await codeTakenError(tx, wanted.code, current.id);
        if (taken) errors.code = taken;
      }
      if (Object.keys(errors).length) throw new ValidationError(errors);

      const before: Record<string, string> = {};
      const after: Record<string, string> = {};
      for (const key of editable)
        if (wanted[key] !== undefined && wanted[key] !== current[key]) {
          before[key] = current[key];
          after[key] = wanted[key];
        }
      const changed = Object.keys(after);
      if (changed.length === 0) return { library: current, changed };
      const library = await updateLibrary(tx, current.id, after, now);
      if (!library) throw notFound('Cette bibliothèque');
      await recordEvent(tx, {
        at: now,
        actor,
        action: 'library_updated',
        subject: { kind: 'library', id: current.id },
        onBehalfOfLibraryId: actor.role === 'network_admin' ? null : current.id,
        data: { before, after },
      });
      return { library, changed };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ValidationError({ code: 'Ce code vient d’être attribué à une autre bibliothèque.' });
    throw error;
  }
}
