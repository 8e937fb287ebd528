import type { z } from 'zod';
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
