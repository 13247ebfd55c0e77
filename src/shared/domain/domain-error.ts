/**
 * Every broken business rule is a DomainError with a stable `code`; the HTTP layer maps the
 * `kind` to a status (one global filter), never the other way round.
 */
export type DomainErrorKind =
  | 'not_found' // 404: the route's subject does not exist
  | 'conflict' // 409: conflicts with the record's state
  | 'unprocessable' // 422: refers to something unknown or inconsistent
  | 'precondition_failed'; // 412: If-Match mismatch

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** Stable, kebab-case; becomes the problem `type` URI suffix. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable' as const;
}

export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed' as const;
}
