/** Keyset pages of cases, the citizen's and the staff's alike. */
import { CasePage, CaseRecord, CaseRowContext, decodeCursor, encodeCursor, toCaseView } from './case-views';
import { MinasidorValidationError } from './errors';

export const MAX_PAGE_SIZE = 100;

/** A page's `first` (1 to MAX_PAGE_SIZE, default 20) and `after` (a cursor this api gave out), checked. */
export function pageArguments(query: { first?: number; after?: string | null }): { first: number; cursor?: { at: string; id: string } } {
  const first = query.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new MinasidorValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, [
      { field: 'first', message: `1 to ${MAX_PAGE_SIZE}` },
    ]);
  }
  const cursor = query.after ? decodeCursor(query.after) : undefined;
  if (query.after && !cursor)
    throw new MinasidorValidationError('The cursor is not one this api gave out', [{ field: 'after', message: 'invalid cursor' }]);
  return { first, cursor };
}

/** The page of `first` cases from rows read one past it (a row past the page says there is a next one). */
export function casePage(rows: CaseRecord[], first: number, context: CaseRowContext): CasePage {
  const page = rows.slice(0, first);
  return {
    cases: page.map((row) => toCaseView(row, context)),
    endCursor: page.length > 0 ? encodeCursor(page[page.length - 1]) : null,
    hasNextPage: rows.length > first,
  };
}
