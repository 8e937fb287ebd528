import type { FastifyInstance } from 'fastify';
import { withoutControlCharacters } from '../domain/control-characters.js';

/** The same value with every string in it cleaned (form bodies are strings, arrays of strings, or nested). */
export function cleanInput(value: unknown): unknown {
  if (typeof value === 'string') return withoutControlCharacters(value);
  if (Array.isArray(value)) return value.map(cleanInput);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    // fromEntries defines own properties: a key "__proto__" stays a key, not a prototype.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [withoutControlCharacters(k), cleanInput(v)]),
    );
  }
  return value;
}

/**
 * The one place where text typed by a visitor is cleaned before any route sees it: query
 * strings, path parameters and parsed bodies (url-encoded forms; uploads are streamed by their
 * route and checked there). The characters are removed rather than refused: a refusal here
 * could not show the form again with its values and its message next to the field, whereas
 * once cleaned each form's own validation answers as usual (an empty field is still
 * "required"). Passwords are cleaned the same way when set and when checked.
 */
export function registerInputCleaning(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    request.query = cleanInput(request.query) as typeof request.query;
    request.params = cleanInput(request.params) as typeof request.params;
    if (request.body !== undefined && request.body !== null)
      request.body = cleanInput(request.body) as typeof request.body;
    done();
  });
}
