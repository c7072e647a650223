import { toOrderDto, type OrderDto, type OrderSnapshot } from './dto/order.dto';

/**
 * The fields of one order line `i` (order_items), as `json_build_object(${ORDER_LINE_FIELDS})` or the jsonb
 * equivalent: what live orders are read with and what 이용 완료 archives (order_history.items).
 */
export const ORDER_LINE_FIELDS = `'menuId', i.menu_id, 'menuName', i.menu_name, 'menuPrice', i.menu_price,
  'options', i.options, 'note', i.note, 'unitPrice', i.unit_price, 'quantity', i.quantity`;

/**
 * How a live order is read, shared by the orders and sessions repositories: the order, its table's number and
 * its lines (aggregated in line order by a correlated sub-select on uq_order_items_order_line), one row per
 * order, so a list of orders is a single query whatever its length.
 * Use as `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE …` with `o` the orders alias.
 */
export const ORDER_COLUMNS = `
  o.id, o.order_number AS "orderNumber", o.table_id AS "tableId", t.number AS "tableNumber",
  o.session_id AS "sessionId", o.status, o.note, o.created_at AS "createdAt", o.updated_at AS "updatedAt",
  (SELECT coalesce(json_agg(json_build_object(${ORDER_LINE_FIELDS}) ORDER BY i.line_no), '[]'::json)
     FROM order_items i WHERE i.order_id = o.id) AS items`;

export const ORDER_FROM = `orders o JOIN tables t ON t.id = o.table_id`;

/** Maps a row selected with ORDER_COLUMNS. Drivers differ on json (parsed or text); both are accepted. */
export function orderFromRow(row: Record<string, unknown>): OrderDto {
  const items = typeof row.items === 'string' ? JSON.parse(row.items) : row.items;
  return toOrderDto({ ...(row as unknown as OrderSnapshot), items: items as OrderSnapshot['items'] });
}
