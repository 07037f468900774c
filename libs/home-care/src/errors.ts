/** Home care's errors: each carries a stable code and HTTP status the api maps to GraphQL and REST. */
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '@kommuna/shared-service-contracts';

/** One bad row: the file, its line (1 = the first line of the file) and what is wrong, never the row's content. */
export interface ImportProblem {
  file: string;
  line: number;
  reason: string;
}

/** At most this many problems are listed; the count says how many there were. */
export const MAX_LISTED_PROBLEMS = 100;

/** A file refused whole: nothing of it was written. */
export class HomeCareImportError extends ValidationFailedError<{ problems: ImportProblem[]; total: number }> {
  declare readonly details: { problems: ImportProblem[]; total: number };
  constructor(problems: ImportProblem[], total: number = problems.length) {
    const first = problems
      .slice(0, 3)
      .map((p) => `${p.file}:${p.line}: ${p.reason}`)
      .join('; ');
    super(`The file was refused, nothing was imported: ${total} problem${total === 1 ? '' : 's'} (${first}${total > 3 ? '; …' : ''})`, {
      problems,
      total,
    });
  }
}

/** Residents' data for someone outside the responsible unit (OSL 26 kap.), or the wrong kind of caller. */
export class HomeCareForbiddenError extends ForbiddenError {}

/** A month that is not YYYY-MM, or a municipality that does not take part. */
export class HomeCareRequestError extends ValidationFailedError {}

/** A run, a line or a deviation that is not in this municipality's checks (or not the caller's to see). */
export class HomeCareNotFoundError extends NotFoundError {}

/** A deviation of the month that was already confirmed or dismissed: a review is never changed. */
export class HomeCareAlreadyReviewedError extends ConflictError {
  constructor(outcome: string) {
    super(`The deviation was already ${outcome} for the month`);
  }
}
