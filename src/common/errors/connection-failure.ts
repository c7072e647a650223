import { ErrorCode } from './error-codes';
import type { RenderedError } from './rendered-error';

/** Socket-level error codes (Node) of a dependency that cannot be reached or dropped the connection. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a database that is going away or not accepting work: 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or shutting down), 53300 too_many_connections. Class 08 (connection
 * exception) is matched by its prefix.
 */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * What `pg` and `pg-pool` say when the connection ended under a query, or could not be made in time; and what
 * TypeORM says when a transaction's next statement (its COMMIT, typically) finds the query runner released
 * because its connection errored meanwhile: the transaction never committed.
 */
const MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /is not queryable/i,
  /^Client has encountered a connection error/i,
  /^Cannot use a pool after calling end/i,
  /^Query runner already released/i,
];

/**
 * True when `error` says the database (or another required server) could not be reached or dropped the connection,
 * rather than refusing the request itself: the client should see 503 SERVICE_UNAVAILABLE and may retry. Looks
 * through TypeORM's `driverError` and `cause` chains, where the original `pg` error sits.
 */
export function isConnectionFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof e.code === 'string') {
      if (SOCKET_CODES.has(e.code) || PG_UNAVAILABLE.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))
        return true;
    }
    if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => isConnectionFailure(inner)))
      return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}

/**
 * The database (or its pool) is unreachable or dropped the connection: 503 with Retry-After. A transaction cut off
 * before COMMIT rolled back; orders are safe to retry with their Idempotency-Key either way.
 */
export function translateConnectionFailure(exception: unknown): RenderedError | undefined {
  if (!isConnectionFailure(exception)) return undefined;
  return {
    status: 503,
    code: ErrorCode.SERVICE_UNAVAILABLE,
    detail: 'a required dependency is unavailable; try again shortly',
    headers: { 'Retry-After': '1' },
  };
}
