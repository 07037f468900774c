/** Mina sidor's errors: each carries a stable code the api maps to GraphQL (docs/architecture.md#layout-and-boundaries). */

/** Also what a citizen gets for another person's case: never "forbidden", which would confirm it exists. */
export class CaseNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(what = 'case') {
    super(`No such ${what}`);
  }
}

export class MinasidorValidationError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly details?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

/** A write that contradicts what is stored (e.g. a case key reused for another subject). */
export class CaseConflictError extends Error {
  readonly code = 'CONFLICT';
}

/** A citizen reply to a closed case. */
export class CaseClosedError extends Error {
  readonly code = 'CASE_CLOSED';
  constructor() {
    super('The case is closed: replies are no longer possible. Contact the municipality if you have questions.');
  }
}

/** Company mode for a company the person does not (or no longer) represent. */
export class NotRepresentedError extends Error {
  readonly code = 'FORBIDDEN';
  constructor() {
    super('You are not registered as a representative of this organisation');
  }
}

/** Staff without a unit cannot see any case: secrecy boundaries are by unit. */
export class UnitRequiredError extends Error {
  readonly code = 'FORBIDDEN';
  constructor() {
    super('Your account has no unit: cases are shown to the unit that handles them');
  }
}

/** Changing or ending a representation this municipality did not register (or that does not exist). */
export class RepresentationNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor() {
    super('This municipality has registered no such representation: only the municipality that registered a representation may change or end it');
  }
}
