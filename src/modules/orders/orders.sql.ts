import type { SqlParams } from '../../database/sql-params';

/**
 * The SQL of `orders` and `order_items`, composed by the repositories that read or change them (orders,
 * sessions: moves and completion, history: the archive copy).
 */

/**
 * The fields of one order line `i` (order_items), as `json_build_object(${ORDER_LINE_FIELDS})` or the jsonb
 * equivalent: what live orders are read with and what 이용 완료 archives (order_history.items).
 */
export const ORDER_LINE_FIELDS = `'menuId', i.menu_id, 'menuName', i.menu_name, 'menuPrice', i.menu_price,
  'options', i.options, 'note', i.note, 'unitPrice', i.unit_price, 'quantity', i.quantity`;

/** The lines of order `o` as a json array in line order (a correlated sub-select on uq_order_items_order_line). */
export const orderLinesJson = (json: 'json' | 'jsonb'): string =>
  `(SELECT coalesce(${json}_agg(${json}_build_object(${ORDER_LINE_FIELDS}) ORDER BY i.line_no), '[]'::${json})
     FROM order_items i WHERE i.order_id = o.id)`;

/**
 * How a live order is read: the order, its table's number and its lines, one row per order (toOrderDto maps
 * it). Use as `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE …` with `o` the orders alias.
 */
export const ORDER_COLUMNS = `
  o.id, o.order_number AS "orderNumber", o.table_id AS "tableId", t.number AS "tableNumber",
  o.session_id AS "sessionId", o.status, o.note, o.created_at AS "createdAt", o.updated_at AS "updatedAt",
  ${orderLinesJson('json')} AS items`;

export const ORDER_FROM = `orders o JOIN tables t ON t.id = o.table_id`;

/** The newest `perTable` live orders of every table of the store, table by table. */
export function recentOrdersSql(p: SqlParams, storeId: string, perTable: number): string {
  return `SELECT ${ORDER_COLUMNS}
   FROM (
     SELECT ranked.* FROM (
       SELECT o.*, row_number() OVER (PARTITION BY o.table_id ORDER BY o.created_at DESC, o.order_number DESC) AS rn
       FROM orders o WHERE o.store_id = ${p.add(storeId, 'uuid')}
     ) ranked WHERE ranked.rn <= ${p.add(perTable, 'int')}
   ) o
   JOIN tables t ON t.id = o.table_id
   ORDER BY o.table_id, o.created_at DESC, o.order_number DESC`;
}

/** `order_count` and `total_amount` (bigint: a sitting may pass the int range) of the session `session` names. */
export const sessionOrderTotalsSql = (session: string): string =>
  `SELECT count(*)::int AS order_count, coalesce(sum(total_amount), 0)::bigint AS total_amount
   FROM orders WHERE session_id = ${session}`;

/** Row-locks the session's orders (see the locking protocol in sessions.sql.ts, 2). */
export const lockSessionOrdersSql = (p: SqlParams, sessionId: string): string =>
  `SELECT id FROM orders WHERE session_id = ${p.add(sessionId, 'uuid')} FOR UPDATE`;

/** Removes the session's live orders (their lines cascade). */
export const deleteSessionOrdersSql = (p: SqlParams, sessionId: string): string =>
  `DELETE FROM orders WHERE session_id = ${p.add(sessionId, 'uuid')}`;

/** The session's orders now belong to another table (and, for a merge, to another session). */
export function moveSessionOrdersSql(
  p: SqlParams,
  sessionId: string,
  to: { tableId: string; sessionId?: string },
): string {
  const session = to.sessionId === undefined ? '' : `, session_id = ${p.add(to.sessionId, 'uuid')}`;
  return `UPDATE orders SET table_id = ${p.add(to.tableId, 'uuid')}${session}
   WHERE session_id = ${p.add(sessionId, 'uuid')}`;
}

/**
 * The session's orders in the archive's shape (order_history's columns but the table number and completion
 * time), lines as jsonb in line order.
 */
export const archivableOrdersSql = (session: string): string =>
  `SELECT o.id, o.store_id, o.session_id, o.table_id, o.order_number, o.business_date, o.status, o.note,
          o.total_amount, ${orderLinesJson('jsonb')} AS items, o.created_at, o.updated_at
   FROM orders o WHERE o.session_id = ${session}`;
