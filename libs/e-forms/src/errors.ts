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

/**
 * Every error the e-forms service raises on purpose: a stable `code`, a readable message and,
 * where useful, client-safe `details` (apps/api passes them on as GraphQL extensions.details).
 */
export class EFormsError extends Error {
  constructor(
    readonly code: EFormsErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EFormsError';
  }
}

/** An admin's form definition is not usable; `details` lists every problem. */
export class FormDefinitionInvalidError extends EFormsError {
  declare readonly details: FieldError[];
  constructor(details: FieldError[]) {
    super('FORM_DEFINITION_INVALID', `The form definition is invalid: ${details.map((d) => `${d.path || '/'}: ${d.message}`).join('; ')}`, details);
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
