import type { SqlParams } from '../../database/sql-params';

/** The SQL of `idempotency_keys`, composed by its repository and by the order placement statements. */

export interface KeyClaim {
  tableId: string;
  storeId: string;
  key: string;
  requestHash: string;
}

/** The transaction-scoped advisory lock of one (table, key); true when taken. */
export const tryKeyLockSql = (table: string, key: string): string =>
  `pg_try_advisory_xact_lock(hashtext(${table}::text), hashtext(${key}))`;

/**
 * Claims the key by its primary key (never select-then-insert), valid 24 hours; `RETURNING 1` when claimed.
 * With `tryLock` the insert happens only if the (table, key) advisory lock is taken too: a retry racing the
 * first request then fails the lock instead of waiting on the first one's uncommitted row.
 */
export function claimKeySql(p: SqlParams, claim: KeyClaim, { tryLock }: { tryLock: boolean }): string {
  const table = p.add(claim.tableId, 'uuid');
  const key = p.add(claim.key, 'varchar');
  return `INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
   SELECT ${table}, ${key}, ${p.add(claim.storeId, 'uuid')}, ${p.add(claim.requestHash, 'varchar')}, now() + interval '24 hours'${
     tryLock ? `\n   WHERE ${tryKeyLockSql(table, key)}` : ''
   }
   ON CONFLICT (table_id, key) DO NOTHING
   RETURNING 1`;
}

/** Stores the response of the key's request: `body` is a jsonb expression over the FROM items of `from`. */
export function storeKeyResponseSql(
  p: SqlParams,
  at: { tableId: string; key: string },
  response: { status: number; body: string; from: string },
): string {
  return `UPDATE idempotency_keys SET response_status = ${response.status}, response_body = ${response.body}
   FROM ${response.from}
   WHERE table_id = ${p.add(at.tableId, 'uuid')} AND key = ${p.add(at.key, 'varchar')}`;
}
