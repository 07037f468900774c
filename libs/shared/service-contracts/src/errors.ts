/**
 * The error contract (docs/architecture.md#layout-and-boundaries): every error the platform or a
 * service raises on purpose extends KommunaError, and the api maps errors to GraphQL and REST
 * answers by `instanceof KommunaError` alone. Anything else (a bug, a Node system error such as ECONNREFUSED,
 * a database error) is logged with its stack and answered as INTERNAL_SERVER_ERROR without its
 * message, whatever `code` it happens to carry.
 */
export abstract class KommunaError extends Error {
  /** Stable, in SCREAMING_SNAKE_CASE: clients, tests and the docs key on it, so it never changes. */
  abstract readonly code: string;
  /** The HTTP status a REST route answers with (GraphQL answers 200 beside the data, except 401 and 403). */
  abstract readonly status: number;
  /**
   * Whether `message` may be shown to the caller. False for faults whose message names internals
   * (a host, a file, a setting): the caller reads a generic message with the code, the log the rest.
   */
  readonly exposeMessage: boolean = true;
  /** Structured, client-safe details (e.g. every field error of a form); never identity numbers. */
  declare readonly details?: unknown;
}

/** One field's problem, shown beside the field in a form and listed in the error summary. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Input the caller can correct: 400 VALIDATION_FAILED. A service's own validation error extends
 * this (so every service answers bad input alike); `details` says what is wrong where, by default
 * one problem per field.
 */
export class ValidationFailedError<Details = FieldProblem[]> extends KommunaError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor(
    message: string,
    override readonly details?: Details,
  ) {
    super(message);
  }
}

/**
 * Something this caller cannot see: 404 NOT_FOUND, also for what exists in another municipality or
 * another unit (saying "forbidden" would confirm that it exists).
 */
export class NotFoundError extends KommunaError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

/** Authenticated, but this caller may not do this here: 403 FORBIDDEN (the platform's access rules and the services' own checks). */
export class ForbiddenError extends KommunaError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

/** What the caller asks contradicts what is stored (already reviewed, a key reused, not ready yet): 409 CONFLICT. */
export class ConflictError extends KommunaError {
  readonly code = 'CONFLICT';
  readonly status = 409;
}
