import type { SqlParams } from '../../database/sql-params';
import { archivableOrdersSql, sessionOrderTotalsSql } from '../orders/orders.sql';

/**
 * CTEs `session_archived` (`completed_at`, `order_count`, `total_amount`) and `orders_archived`: the session and
 * its orders copied into session_history and order_history, set-based, table number snapshotted, completed_at
 * the transaction's now().
 */
export function archiveSessionCtes(
  p: SqlParams,
  session: { id: string; storeId: string; tableId: string; tableNumber: number; startedAt: Date },
): string {
  const id = p.add(session.id, 'uuid');
  const tableNumber = p.add(session.tableNumber, 'int');
  return `session_archived AS (
     INSERT INTO session_history (id, store_id, table_id, table_number, started_at, completed_at, order_count, total_amount)
     SELECT ${id}, ${p.add(session.storeId, 'uuid')}, ${p.add(session.tableId, 'uuid')}, ${tableNumber},
            ${p.add(session.startedAt, 'timestamptz')}, now(), totals.order_count, totals.total_amount
     FROM (${sessionOrderTotalsSql(id)}) totals
     RETURNING completed_at, order_count, total_amount
   ), orders_archived AS (
     INSERT INTO order_history (id, store_id, session_id, table_id, table_number, order_number, business_date,
                                status, note, total_amount, items, created_at, updated_at, completed_at)
     SELECT a.id, a.store_id, a.session_id, a.table_id, ${tableNumber}, a.order_number, a.business_date, a.status,
            a.note, a.total_amount, a.items, a.created_at, a.updated_at, now()
     FROM (${archivableOrdersSql(id)}) a
   )`;
}
