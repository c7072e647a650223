import { QueryFailedError } from 'typeorm';
import { CONSTRAINT_ERRORS } from './constraint-errors';
import type { RenderedError } from './rendered-error';

/**
 * A constraint violation the schema names in CONSTRAINT_ERRORS, as its API error. Nothing else is mapped from
 * SQL: an unlisted constraint, or any other statement failure, is left to the filter's 500 (or its 503 when the
 * connection failed), so a constraint a client can reach gets a name here instead of a guess by SQLSTATE.
 */
export function translateQueryFailed(exception: unknown): RenderedError | undefined {
  if (!(exception instanceof QueryFailedError)) return undefined;
  const driverError = exception.driverError as { constraint?: unknown } | undefined;
  const constraint =
    typeof driverError?.constraint === 'string'
      ? driverError.constraint
      : /constraint "([^"]+)"/.exec(exception.message)?.[1];
  const known = constraint === undefined ? undefined : CONSTRAINT_ERRORS[constraint];
  return known && { status: known.status, code: known.code, detail: known.detail };
}
