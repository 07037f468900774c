/**
 * The rows a statement returned. node-pg answers an UPDATE or DELETE ... RETURNING through
 * TypeORM's query() as [rows, count], a SELECT (and PGlite's pool any statement) as rows.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
