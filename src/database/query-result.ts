/**
 * The rows of a raw `query()`. TypeORM's PostgreSQL driver answers UPDATE and DELETE (… RETURNING) with
 * `[rows, affectedCount]` and everything else with the rows themselves.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
