/** Mina sidor's errors: each carries a stable code and HTTP status the api maps to GraphQL and REST (docs/architecture.md#layout-and-boundaries). */

import { ConflictError, ForbiddenError, KommunaError, NotFoundError, ValidationFailedError } from '@kommuna/shared-service-contracts';

/** Also what a citizen gets for another person's case: never "forbidden", which would confirm it exists. */
export class CaseNotFoundError extends NotFoundError {
  constructor(what = 'case') {
    super(`No such ${what}`);
  }
}

export class MinasidorValidationError extends ValidationFailedError {}

/** A write that contradicts what is stored (e.g. a case key reused for another subject). */
export class CaseConflictError extends ConflictError {}

/** A citizen reply to a closed case. */
export class CaseClosedError extends KommunaError {
  readonly code = 'CASE_CLOSED';
  readonly status = 409;
  constructor() {
    super('The case is closed: replies are no longer possible. Contact the municipality if you have questions.');
  }
}

/** Company mode for a company the person does not (or no longer) represent. */
export class NotRepresentedError extends ForbiddenError {
  constructor() {
    super('You are not registered as a representative of this organisation');
  }
}

/** Staff without a unit cannot see any case: secrecy boundaries are by unit. */
export class UnitRequiredError extends ForbiddenError {
  constructor() {
    super('Your account has no unit: cases are shown to the unit that handles them');
  }
}
