import { KommunaError } from '@kommuna/shared-service-contracts';

/** A field of a rule that is wrong, by its path (e.g. action.unit). */
export interface RuleProblem {
  path: string;
  message: string;
}

/** A rule definition (from GraphQL or a tenants/<slug>/rules file) that cannot be saved. */
export class RuleValidationError extends KommunaError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  override readonly details: { problems: RuleProblem[] };
  constructor(message: string, problems: RuleProblem[]) {
    super(problems.length ? `${message}: ${problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}` : message);
    this.details = { problems };
  }
}

export class RuleNotFoundError extends KommunaError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

export class RulesForbiddenError extends KommunaError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}
