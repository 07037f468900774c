import { KommunaError } from '@kommuna/shared-service-contracts';

/** The HTTP status of each code that is not plain bad input (400). */
const STATUS_OF_CODE: Readonly<Record<string, number>> = { CONFLICT: 409, NOT_FOUND: 404, SERVICE_NOT_ENABLED: 422, FORBIDDEN: 403 };

/**
 * Errors digital mail raises on purpose: each carries a stable string code (mapped to GraphQL
 * and HTTP in one place in the api) and, where useful, client-safe details. Messages never
 * contain identity numbers.
 */
export class DigitalMailError extends KommunaError {
  readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    override readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DigitalMailError';
    this.status = STATUS_OF_CODE[code] ?? 400;
  }
}

/** A field-level problem in a request: which field, and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationFailedError extends DigitalMailError {
  constructor(message: string, problems: FieldProblem[]) {
    super('VALIDATION_FAILED', message, { problems });
  }
}

export class InvalidRecipientError extends DigitalMailError {
  constructor(field = 'recipient') {
    // The number itself is never echoed back.
    super('INVALID_RECIPIENT', 'The recipient is not a valid personnummer, samordningsnummer or organisationsnummer', { field });
  }
}

export class UnsafeHtmlError extends DigitalMailError {
  constructor(removed: string[]) {
    super(
      'UNSAFE_HTML',
      `The HTML body contains markup outside the safe subset (${removed.join(', ')}); send plain text or only the allowed elements`,
      { removed },
    );
  }
}

export class InvalidAttachmentError extends DigitalMailError {
  constructor(code: 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_NOT_PDF' | 'ATTACHMENT_INVALID', message: string, index: number) {
    super(code, message, { attachment: index });
  }
}

export class SupportInfoMissingError extends DigitalMailError {
  constructor() {
    super(
      'SUPPORT_INFO_MISSING',
      'Support information (a text of at most 1024 characters) is required: set it in tenant.yaml, per department, or in the request',
    );
  }
}

export class DigitalMailNotEnabledError extends DigitalMailError {
  constructor(slug: string) {
    super('SERVICE_NOT_ENABLED', `Digital mail is not enabled for the municipality "${slug}"`);
  }
}

export class IdempotencyConflictError extends DigitalMailError {
  constructor() {
    super('CONFLICT', 'The idempotency key was already used for a different request');
  }
}

export class NotFoundError extends DigitalMailError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found`);
  }
}

/** A case worker without a unit in their token: letters belong to units, so they see none. */
export class UnitRequiredError extends DigitalMailError {
  constructor() {
    super('FORBIDDEN', 'Your account has no unit: letters, templates and statistics are shown to the unit they belong to');
  }
}

/** A case worker sending for (or with a template of) another unit than their own. */
export class OtherUnitError extends DigitalMailError {
  constructor(unit: string) {
    super('FORBIDDEN', `You act for the unit "${unit}" only: send under your own unit, with its or the municipality's templates`);
  }
}

/** A link in an HTML letter that is not an absolute https link (checked after placeholders are filled). */
export class UnsafeLinkError extends DigitalMailError {
  constructor(problems: FieldProblem[], message = 'Links in a letter must be absolute https links; the letter was not accepted') {
    super('UNSAFE_LINK', message, { problems });
  }
}
