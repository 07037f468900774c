/** The catalogue's errors: each carries a stable code and HTTP status the api maps to GraphQL and REST (docs/architecture.md#layout-and-boundaries). */

import { FieldProblem, ForbiddenError, KommunaError, NotFoundError, ValidationFailedError } from '@kommuna/shared-service-contracts';

export class CatalogueNotFoundError extends NotFoundError {}

/** Always lists its field problems (none is an empty list), as the portal's forms expect. */
export class CatalogueValidationError extends ValidationFailedError {
  declare readonly details: FieldProblem[];
  constructor(message: string, details: FieldProblem[] = []) {
    super(message, details);
  }
}

export class CatalogueForbiddenError extends ForbiddenError {}

/** A status promotion the evidence does not carry; details say what is missing, sv and en. */
export class PromotionRefusedError extends KommunaError {
  readonly code = 'PROMOTION_REFUSED';
  readonly status = 409;
  constructor(override readonly details: { missing: Array<{ sv: string; en: string }> }) {
    super(`Promotion refused: ${details.missing.map((m) => m.en).join('; ')}`);
  }
}

/** A year the steering group has already closed: its figures stay as decided. */
export class YearClosedError extends KommunaError {
  readonly code = 'YEAR_CLOSED';
  readonly status = 409;
  constructor(readonly year: number) {
    super(`${year} is already closed by a steering-group decision; its figures are kept as decided`);
  }
}
