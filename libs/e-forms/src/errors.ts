import { KommunaError } from '@kommuna/shared-service-contracts';

/** One problem with a field: where (JSON Pointer into the answers or definition) and what, in the caller's language. */
export interface FieldError {
  path: string;
  message: string;
}

export type EFormsErrorCode =
  | 'FORM_DEFINITION_INVALID'
  | 'SUBMISSION_INVALID'
  | 'VALIDATION_FAILED'
  | 'FORM_NOT_FOUND'
  | 'FORM_VERSION_NOT_FOUND'
  | 'FORM_NOT_PUBLISHED'
  | 'FORM_VERSION_RETIRED'
  | 'FORM_VERSION_IMMUTABLE'
  | 'FORM_SLUG_TAKEN'
  | 'FORM_DRAFT_EXISTS'
  | 'TEMPLATE_NOT_FOUND'
  | 'DRAFT_NOT_FOUND'
  | 'DRAFT_EXPIRED'
  | 'SUBMISSION_NOT_FOUND'
  | 'SUBMISSION_ALREADY_DECIDED'
  | 'ATTACHMENT_NOT_FOUND'
  | 'ATTACHMENT_TYPE_NOT_ALLOWED'
  | 'ATTACHMENT_DISGUISED'
  | 'ATTACHMENT_TOO_LARGE'
  | 'LOGIN_REQUIRED'
  | 'TENANT_REQUIRED'
  | 'E_FORMS_NOT_ENABLED'
  | 'E_FORMS_SETTINGS_INVALID'
  | 'E_FORMS_CONTENT_INVALID'
  | 'FORBIDDEN'
  | 'CONFLICT';

/** The HTTP status a REST route would answer each code with. */
const STATUS_OF_CODE: Readonly<Record<EFormsErrorCode, number>> = {
  FORM_DEFINITION_INVALID: 400,
  SUBMISSION_INVALID: 400,
  VALIDATION_FAILED: 400,
  FORM_NOT_FOUND: 404,
  FORM_VERSION_NOT_FOUND: 404,
  FORM_NOT_PUBLISHED: 404,
  FORM_VERSION_RETIRED: 409,
  FORM_VERSION_IMMUTABLE: 409,
  FORM_SLUG_TAKEN: 409,
  FORM_DRAFT_EXISTS: 409,
  TEMPLATE_NOT_FOUND: 404,
  DRAFT_NOT_FOUND: 404,
  DRAFT_EXPIRED: 410,
  SUBMISSION_NOT_FOUND: 404,
  SUBMISSION_ALREADY_DECIDED: 409,
  ATTACHMENT_NOT_FOUND: 404,
  ATTACHMENT_TYPE_NOT_ALLOWED: 415,
  ATTACHMENT_DISGUISED: 415,
  ATTACHMENT_TOO_LARGE: 413,
  LOGIN_REQUIRED: 401,
  TENANT_REQUIRED: 400,
  E_FORMS_NOT_ENABLED: 422,
  // A tenant admin's own setting (e.g. no errand number prefix to adopt a template with).
  E_FORMS_SETTINGS_INVALID: 422,
  // Start-up content shipped with the platform: a fault of the installation, not of the caller.
  E_FORMS_CONTENT_INVALID: 500,
  FORBIDDEN: 403,
  CONFLICT: 409,
};

/**
 * Every error the e-forms service raises on purpose: a stable `code`, a readable message and,
 * where useful, client-safe `details` (apps/api passes them on as GraphQL extensions.details).
 */
export class EFormsError extends KommunaError {
  readonly status: number;
  override readonly exposeMessage: boolean;
  constructor(
    readonly code: EFormsErrorCode,
    message: string,
    override readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EFormsError';
    this.status = STATUS_OF_CODE[code];
    // A fault of the installation names files and settings: for the log, not the caller.
    this.exposeMessage = this.status < 500;
  }
}

/** An admin's form definition is not usable; `details` lists every problem. */
export class FormDefinitionInvalidError extends EFormsError {
  declare readonly details: FieldError[];
  constructor(details: FieldError[]) {
    super(
      'FORM_DEFINITION_INVALID',
      `The form definition is invalid: ${details.map((d) => `${d.path || '/'}: ${d.message}`).join('; ')}`,
      details,
    );
  }
}

/** The answers do not satisfy the form; `details` lists every field error in the caller's language. */
export class SubmissionInvalidError extends EFormsError {
  declare readonly details: FieldError[];
  constructor(details: FieldError[], language: 'sv' | 'en') {
    super(
      'SUBMISSION_INVALID',
      language === 'sv' ? `Formuläret har ${details.length} fel` : `The form has ${details.length} error(s)`,
      details,
    );
  }
}
