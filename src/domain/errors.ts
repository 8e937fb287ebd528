/**
 * A rule of Sésame was not met. Carries a stable code (for tests and logs), a French message
 * for the person, an HTTP status for the web layer and, for form errors, the field concerned.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 410 | 429 = 400,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'Cette page') =>
  new DomainError('not_found', `${what} n’existe pas ou vous n’y avez pas accès.`, 404);

export const forbidden = () =>
  new DomainError('forbidden', 'Vous n’avez pas accès à cette page avec votre compte.', 403);

/** Several fields wrong at once: the form shows each message next to its field. */
export class ValidationError extends DomainError {
  constructor(readonly fieldErrors: Record<string, string>) {
    super('invalid_input', Object.values(fieldErrors)[0] ?? 'Formulaire incomplet.', 400);
    this.name = 'ValidationError';
  }
}
