import type { SqlParams } from '../../database/sql-params';

/**
 * The SQL of `tables` and `table_sessions`, composed by the repositories that touch them.
 *
 * LOCKING PROTOCOL of orders, sessions, moves and completion (the one description; the methods link here):
 * 1. Placing an order takes the table's active session FOR SHARE (`lockOrStartSessionCtes`), or starts one;
 *    the session's foreign key takes FOR KEY SHARE on the table row. Two first orders of one table race on
 *    uq_table_sessions_active: the loser's insert does nothing and its next attempt finds the winner's session.
 * 2. Completion (이용 완료) and moves take the active session FOR UPDATE (`activeSessionSql` with 'FOR UPDATE'),
 *    so they wait for orders holding it FOR SHARE and later orders wait for them; READ COMMITTED then re-checks
 *    the row, so such an order finds it ended (and starts a new session) or moved (and follows it). Completion
 *    then locks the session's orders FOR UPDATE, so a status change or deletion (which lock their order row
 *    FOR UPDATE first) lands before the archive copy reads them, never in between.
 * 3. Moves and merges lock their tables first, in id order, FOR NO KEY UPDATE (no deadlock between two moves;
 *    orders' FOR KEY SHARE is not blocked), then the sessions in the same order. Deleting a table locks its row
 *    FOR UPDATE, which does wait for a first order's FOR KEY SHARE.
 * 4. The store-wide rows (order_number_counters, event_sequences) are taken last, by the transaction's last
 *    statement, and stay locked until COMMIT: concurrent orders of one store serialise only for that tail.
 */

/** The table's active session (`id`, `started_at`), optionally row-locked. */
export function activeSessionSql(
  p: SqlParams,
  at: { storeId?: string; tableId: string },
  lock?: 'FOR SHARE' | 'FOR UPDATE',
): string {
  const store = at.storeId === undefined ? '' : ` AND store_id = ${p.add(at.storeId, 'uuid')}`;
  return `SELECT id, started_at FROM table_sessions
   WHERE table_id = ${p.add(at.tableId, 'uuid')}${store} AND ended_at IS NULL${lock ? ` ${lock}` : ''}`;
}

/**
 * CTEs `session_existing` and `session_started`: the table's active session FOR SHARE, or a new one when there
 * is none and `startIf` (an SQL condition, e.g. that a key was claimed) holds. `source` is the FROM item of the
 * session found or started joined with its table: `s.id`, `t.number`; empty when the start lost the race.
 * See the locking protocol above (1).
 */
export function lockOrStartSessionCtes(
  p: SqlParams,
  at: { storeId: string; tableId: string },
  startIf?: string,
): { ctes: string; source: string } {
  const store = p.add(at.storeId, 'uuid');
  const table = p.add(at.tableId, 'uuid');
  return {
    ctes: `session_existing AS (
       SELECT id FROM table_sessions
       WHERE table_id = ${table} AND store_id = ${store} AND ended_at IS NULL
       FOR SHARE
     ), session_started AS (
       INSERT INTO table_sessions (store_id, table_id)
       SELECT ${store}, ${table}
       WHERE NOT EXISTS (SELECT 1 FROM session_existing)${startIf ? ` AND ${startIf}` : ''}
       ON CONFLICT (table_id) WHERE ended_at IS NULL DO NOTHING
       RETURNING id
     )`,
    source: `(SELECT id FROM session_existing UNION ALL SELECT id FROM session_started) s
       JOIN tables t ON t.id = ${table} AND t.store_id = ${store}`,
  };
}

/** The store's table (`number`), optionally row-locked. */
export function tableSql(
  p: SqlParams,
  at: { storeId: string; tableId: string },
  lock?: 'FOR UPDATE',
): string {
  return `SELECT number FROM tables WHERE id = ${p.add(at.tableId, 'uuid')} AND store_id = ${p.add(at.storeId, 'uuid')}${
    lock ? ` ${lock}` : ''
  }`;
}
