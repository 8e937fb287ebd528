import type { z } from 'zod';
import { DomainError, ValidationError } from '../domain/errors.js';
import type { FieldErrors, FormValues } from './views/components/forms.js';

/** Field names never sent back to the page, whatever form they appear in. */
const SECRET_FIELDS = new Set(['password', 'confirmation', 'currentPassword', '_csrf']);

export type FormResult<T> =
  | { ok: true; data: T; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues };

/** Keeps what was typed (as strings) so the page can show it again, passwords excepted. */
export function keptValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (SECRET_FIELDS.has(k)) continue;
      if (typeof v === 'string') values[k] = v;
      else if (Array.isArray(v)) values[k] = v.filter((x) => typeof x === 'string').join(',');
    }
  return values;
}

/** Validates a posted form with its Zod schema; the first message per field is kept. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const values = keptValues(body);
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values };
}

/** What a form page is shown again with after a refused submission. */
export interface RefusedForm {
  values: FormValues;
  errors: FieldErrors;
  status: 400;
}

/**
 * Runs the use case with a valid form. A form its schema refused, or the use case's
 * ValidationError, shows the page again (`again`) with the messages by their fields and what
 * was typed; nothing was written.
 */
export async function submitForm<T, R>(
  form: FormResult<T>,
  run: (data: T) => Promise<R>,
  again: (refused: RefusedForm) => R | Promise<R>,
  errorsOf: (error: unknown) => FieldErrors | null = validationErrors,
): Promise<R> {
  if (!form.ok) return again({ values: form.values, errors: form.errors, status: 400 });
  let result: R;
  try {
    result = await run(form.data);
  } catch (error) {
    const errors = errorsOf(error);
    if (!errors) throw error;
    return again({ values: form.values, errors, status: 400 });
  }
  return result;
}

function validationErrors(error: unknown): FieldErrors | null {
  return error instanceof ValidationError ? error.fieldErrors : null;
}

/** For use cases that also refuse with a DomainError naming its field (a wrong current password…). */
export function fieldErrorsOf(error: unknown): FieldErrors | null {
  if (error instanceof ValidationError) return error.fieldErrors;
  if (error instanceof DomainError && error.field) return { [error.field]: error.message };
  return null;
}
