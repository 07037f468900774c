import { ForbiddenError, NotFoundError, ValidationFailedError } from '@kommuna/shared-service-contracts';

/** A field of a rule that is wrong, by its path (e.g. action.unit). */
export interface RuleProblem {
  path: string;
  message: string;
}

/** A rule definition (from GraphQL or a tenants/<slug>/rules file) that cannot be saved. */
export class RuleValidationError extends ValidationFailedError<{ problems: RuleProblem[] }> {
  declare readonly details: { problems: RuleProblem[] };
  constructor(message: string, problems: RuleProblem[]) {
    super(problems.length ? `${message}: ${problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}` : message, { problems });
  }
}

export class RuleNotFoundError extends NotFoundError {}

export class RulesForbiddenError extends ForbiddenError {}
