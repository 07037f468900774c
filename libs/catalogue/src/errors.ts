/** The catalogue's errors: each carries a stable code the api maps to GraphQL (docs/architecture.md#layout-and-boundaries). */

export class CatalogueNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

export class CatalogueValidationError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly details: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

export class CatalogueForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
}

/** A status promotion the evidence does not carry; details say what is missing, sv and en. */
export class PromotionRefusedError extends Error {
  readonly code = 'PROMOTION_REFUSED';
  constructor(readonly details: { missing: Array<{ sv: string; en: string }> }) {
    super(`Promotion refused: ${details.missing.map((m) => m.en).join('; ')}`);
  }
}
