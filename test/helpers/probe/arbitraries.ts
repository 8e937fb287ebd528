import fc from 'fast-check';
import type { FormField } from './html.js';

/** Characters that broke or could break something between a form and PostgreSQL. */
const NASTY = [
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\uffff',
];

/** One arbitrary text a person, a robot or a broken client could type or send. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY, 'a', 'é', ' '), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      'true',
      '-1',
      '1e309',
      'NaN',
      '2026-02-30',
      '31/12/1899',
      '00/00/0000',
      '../../etc/passwd',
      "' or 1=1 --",
      '%00',
      '<script>alert(1)</script>',
      '=HYPERLINK("http://evil.example")',
    ),
  },
  fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 200, max: 3_000 }).map((n) => 'é'.repeat(n)) },
    // Rarely, far past any field's limit (each costs a 70 kB body).
    { weight: 1, arbitrary: fc.constant('x'.repeat(70_000)) },
  ),
);

/** A value for a known field: what the page offers, or anything. */
export function fieldValue(field: FormField): fc.Arbitrary<string | string[]> {
  const offered = field.values.length ? [fc.constantFrom(...field.values)] : [];
  return fc.oneof(
    ...offered.map((arbitrary) => ({ weight: 3, arbitrary })),
    { weight: 3, arbitrary: anyText },
    { weight: 1, arbitrary: fc.array(anyText, { minLength: 2, maxLength: 3 }) },
  );
}

export type FuzzBody =
  | { kind: 'form'; fields: Record<string, string | string[]> }
  | { kind: 'json'; fields: Record<string, unknown> };

/**
 * A whole form: each known field present or missing, extra fields, or the same as JSON with
 * values of any type (numbers, objects, null, arrays) as a hand-made client could send.
 */
export function formBody(fields: FormField[]): fc.Arbitrary<FuzzBody> {
  const known = Object.fromEntries(fields.map((f) => [f.name, fieldValue(f)]));
  const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anyText, { maxKeys: 2 });
  const asForm = fc.tuple(fc.record(known, { requiredKeys: [] }), extra).map(([k, e]) => ({
    kind: 'form' as const,
    fields: { ...e, ...(k as Record<string, string | string[]>) },
  }));
  const asJson = fc
    .tuple(
      fc.record(
        Object.fromEntries(
          fields.map((f) => [f.name, fc.oneof(fieldValue(f), fc.jsonValue({ maxDepth: 2 }))]),
        ),
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    )
    .map(([k, e]) => ({ kind: 'json' as const, fields: { ...e, ...k } }));
  return fc.oneof({ weight: 4, arbitrary: asForm }, { weight: 1, arbitrary: asJson });
}

/** A query string: known filters and others, sometimes raw (bad percent-escapes, invalid UTF-8). */
export function queryString(fields: FormField[]): fc.Arbitrary<string> {
  const names = [...fields.map((f) => f.name), 'page', 'q', 'tri'];
  const pair = fc.tuple(fc.constantFrom(...names), fc.oneof(...fields.map(fieldValue), anyText));
  const encoded = fc.array(pair, { maxLength: 4 }).map((pairs) => {
    const p = new URLSearchParams();
    for (const [k, v] of pairs) for (const one of [v].flat()) p.append(k, one);
    return p.toString();
  });
  const raw = fc
    .tuple(
      fc.constantFrom(...names),
      fc.constantFrom('%00', '%', '%zz', '%E9', '%C3%28', '%FF%FE', 'a%00b', '%0d%0a', '[]', '[a]=1'),
    )
    .map(([k, v]) => (v.startsWith('[') ? `${k}${v}` : `${k}=${v}`));
  return fc.oneof({ weight: 3, arbitrary: encoded }, { weight: 1, arbitrary: raw });
}
