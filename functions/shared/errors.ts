/**
 * Domain errors. Use-cases throw these; functions/shared/http.ts maps them to HTTP in one place.
 * Every message says what the caller can do about it.
 */
export abstract class DomainError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly statusCode = 400;
  readonly code = 'VALIDATION_FAILED';
}
export class UnauthorizedError extends DomainError {
  readonly statusCode = 401;
  readonly code = 'UNAUTHORIZED';
}
export class ForbiddenError extends DomainError {
  readonly statusCode = 403;
  readonly code = 'FORBIDDEN';
}
/** Also used for items outside the caller's scope, so that ids do not leak. */
export class NotFoundError extends DomainError {
  readonly statusCode = 404;
  readonly code = 'NOT_FOUND';
}
export class ConflictError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'CONFLICT';
}
export class PayloadTooLargeError extends DomainError {
  readonly statusCode = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}
/**
 * A write that could not be made now (the items were busy with other writes, or the table throttled it,
 * longer than the retries waited): nothing was written, the same request can simply be sent again.
 */
export class ServiceUnavailableError extends DomainError {
  readonly statusCode = 503;
  readonly code = 'BUSY_RETRY_LATER';
  readonly retryable = true;
}
/** A capability this deployment does not have (yet): not a defect, not worth retrying. */
export class NotConfiguredError extends DomainError {
  readonly statusCode = 503;
  readonly code = 'NOT_CONFIGURED';
}
