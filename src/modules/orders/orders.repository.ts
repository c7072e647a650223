import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderDto, OrderStatus } from './dto/order.dto';
import { ORDER_COLUMNS, ORDER_FROM, orderFromRow } from './order-query';

export interface MenuRow {
  id: string;
  name: string;
  price: number;
  isAvailable: boolean;
}

export interface StoredIdempotencyKey {
  requestHash: string;
  responseStatus: number | null;
  responseBody: unknown;
  expired: boolean;
}

export interface ActiveSession {
  sessionId: string;
  tableNumber: number;
  /** The transaction's timestamp: orders.created_at defaults to it. */
  now: Date;
}

export interface NewOrder {
  id: string;
  storeId: string;
  tableId: string;
  sessionId: string;
  businessDate: string;
  totalAmount: number;
  lines: Array<{ menuId: string; menuName: string; unitPrice: number; quantity: number }>;
  /** Set when the request carried an Idempotency-Key: its row gets the response in the same statement. */
  idempotency?: { key: string; responseBody: OrderDto };
}

@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- idempotency ---------------------------------------------------------------------------------------

  /**
   * Claims the key by its primary key, but only while holding the (table, key) advisory lock, which a racing
   * retry then fails to take instead of blocking on our uncommitted row. False: the lock is held elsewhere or
   * a row exists (the caller looks at which).
   */
  async claimIdempotencyKey(
    em: EntityManager,
    claim: { tableId: string; storeId: string; key: string; requestHash: string },
    lockFirst = true,
  ): Promise<boolean> {
    const rows = (await em.query(
      `INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
       SELECT $1::uuid, $2::varchar, $3::uuid, $4, now() + interval '24 hours'
       WHERE ${lockFirst ? 'pg_try_advisory_xact_lock(hashtext($1::uuid::text), hashtext($2::varchar))' : 'true'}
       ON CONFLICT (table_id, key) DO NOTHING
       RETURNING 1 AS claimed`,
      [claim.tableId, claim.key, claim.storeId, claim.requestHash],
    )) as unknown[];
    return rows.length === 1;
  }

  async tryIdempotencyLock(em: EntityManager, tableId: string, key: string): Promise<boolean> {
    const [row] = (await em.query(
      `SELECT pg_try_advisory_xact_lock(hashtext($1::uuid::text), hashtext($2::varchar)) AS locked`,
      [tableId, key],
    )) as Array<{ locked: boolean }>;
    return row.locked;
  }

  async findIdempotencyKey(
    em: EntityManager,
    tableId: string,
    key: string,
  ): Promise<StoredIdempotencyKey | undefined> {
    const [row] = (await em.query(
      `SELECT request_hash AS "requestHash", response_status AS "responseStatus", response_body AS "responseBody",
              expires_at <= now() AS expired
       FROM idempotency_keys WHERE table_id = $1 AND key = $2`,
      [tableId, key],
    )) as StoredIdempotencyKey[];
    if (!row) return undefined;
    const body = typeof row.responseBody === 'string' ? JSON.parse(row.responseBody) : row.responseBody;
    return { ...row, responseBody: body };
  }

  async deleteExpiredIdempotencyKey(em: EntityManager, tableId: string, key: string): Promise<void> {
    await em.query(`DELETE FROM idempotency_keys WHERE table_id = $1 AND key = $2 AND expires_at <= now()`, [
      tableId,
      key,
    ]);
  }

  // ---- placement ---------------------------------------------------------------------------------------

  /** Every listed menu of the store that is not deleted, in one query. */
  async findMenus(em: EntityManager, storeId: string, menuIds: string[]): Promise<MenuRow[]> {
    return (await em.query(
      `SELECT id, name, price, is_available AS "isAvailable"
       FROM menus WHERE store_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [storeId, menuIds],
    )) as MenuRow[];
  }

  /**
   * The table's active session, started when there is none. The session row is taken FOR SHARE: a concurrent
   * 이용 완료 holds it FOR UPDATE, so this waits for it, then (READ COMMITTED re-checks the row) finds it ended
   * and starts a new session; and while this transaction holds the share lock, completion waits for our order.
   * Two first orders of one table race on uq_table_sessions_active: the loser's insert does nothing and the
   * next attempt finds the winner's session. Undefined only in that case (the caller tries again).
   */
  async lockOrStartSession(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<ActiveSession | undefined> {
    const [row] = (await em.query(
      `WITH existing AS (
         SELECT id FROM table_sessions
         WHERE table_id = $1 AND store_id = $2 AND ended_at IS NULL
         FOR SHARE
       ), started AS (
         INSERT INTO table_sessions (store_id, table_id)
         SELECT $2, $1 WHERE NOT EXISTS (SELECT 1 FROM existing)
         ON CONFLICT (table_id) WHERE ended_at IS NULL DO NOTHING
         RETURNING id
       )
       SELECT s.id AS "sessionId", t.number AS "tableNumber", now() AS now
       FROM (SELECT id FROM existing UNION ALL SELECT id FROM started) s
       JOIN tables t ON t.id = $1 AND t.store_id = $2`,
      [tableId, storeId],
    )) as ActiveSession[];
    return row ? { ...row, now: new Date(row.now) } : undefined;
  }

  /**
   * Takes the store's next order number and writes the order, its lines and the idempotency response in ONE
   * statement. The counter row stays locked until COMMIT and serialises the store's orders, so it is taken
   * here, after everything that can be done without it; only the outbox append follows.
   */
  async insertOrder(em: EntityManager, order: NewOrder): Promise<number> {
    const lines = order.lines;
    const [row] = (await em.query(
      `WITH n AS (
         INSERT INTO order_number_counters AS c (store_id, business_date, last_number) VALUES ($1, $2::date, 1)
         ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = c.last_number + 1
         RETURNING c.last_number
       ), o AS (
         INSERT INTO orders (id, store_id, table_id, session_id, order_number, business_date, total_amount)
         SELECT $3, $1, $4, $5, n.last_number, $2::date, $6 FROM n
         RETURNING id
       ), i AS (
         INSERT INTO order_items (order_id, line_no, menu_id, menu_name, unit_price, quantity)
         SELECT $3, l.line_no, l.menu_id, l.menu_name, l.unit_price, l.quantity
         FROM unnest($7::int[], $8::uuid[], $9::text[], $10::int[], $11::int[])
           AS l(line_no, menu_id, menu_name, unit_price, quantity)
       ), k AS (
         UPDATE idempotency_keys
         SET response_status = 201, response_body = jsonb_set($12::jsonb, '{orderNumber}', to_jsonb(n.last_number))
         FROM n WHERE table_id = $4 AND key = $13
       )
       SELECT n.last_number AS "orderNumber" FROM n`,
      [
        order.storeId,
        order.businessDate,
        order.id,
        order.tableId,
        order.sessionId,
        order.totalAmount,
        lines.map((_, i) => i + 1),
        lines.map((l) => l.menuId),
        lines.map((l) => l.menuName),
        lines.map((l) => l.unitPrice),
        lines.map((l) => l.quantity),
        order.idempotency ? JSON.stringify(order.idempotency.responseBody) : null,
        order.idempotency?.key ?? null,
      ],
    )) as Array<{ orderNumber: number }>;
    return Number(row.orderNumber);
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  async findActiveSessionId(storeId: string, tableId: string): Promise<string | undefined> {
    const [row] = (await this.q().query(
      `SELECT id FROM table_sessions WHERE table_id = $1 AND store_id = $2 AND ended_at IS NULL`,
      [tableId, storeId],
    )) as Array<{ id: string }>;
    return row?.id;
  }

  async findSessionOrders(storeId: string, sessionId: string): Promise<OrderDto[]> {
    const rows = (await this.q().query(
      `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM}
       WHERE o.store_id = $1 AND o.session_id = $2
       ORDER BY o.created_at, o.order_number`,
      [storeId, sessionId],
    )) as Array<Record<string, unknown>>;
    return rows.map(orderFromRow);
  }

  /** Live orders (active sessions only: completed ones were archived), newest first. */
  async findStoreOrders(
    storeId: string,
    filter: { tableId?: string; status?: OrderStatus },
  ): Promise<OrderDto[]> {
    const rows = (await this.q().query(
      `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM}
       WHERE o.store_id = $1 AND ($2::uuid IS NULL OR o.table_id = $2) AND ($3::text IS NULL OR o.status = $3)
       ORDER BY o.created_at DESC, o.order_number DESC`,
      [storeId, filter.tableId ?? null, filter.status ?? null],
    )) as Array<Record<string, unknown>>;
    return rows.map(orderFromRow);
  }

  async findOrder(storeId: string, orderId: string, em?: EntityManager): Promise<OrderDto | undefined> {
    const [row] = (await this.q(em).query(
      `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE o.store_id = $1 AND o.id = $2`,
      [storeId, orderId],
    )) as Array<Record<string, unknown>>;
    return row ? orderFromRow(row) : undefined;
  }

  async tableExists(storeId: string, tableId: string): Promise<boolean> {
    const rows = (await this.q().query(`SELECT 1 FROM tables WHERE id = $1 AND store_id = $2`, [
      tableId,
      storeId,
    ])) as unknown[];
    return rows.length > 0;
  }

  // ---- admin changes ---------------------------------------------------------------------------------------

  /** Row-locks the order so two admins' changes (or a change and 이용 완료) run one after the other. */
  async lockOrderStatus(
    em: EntityManager,
    storeId: string,
    orderId: string,
  ): Promise<{ status: OrderStatus } | undefined> {
    const [row] = (await em.query(`SELECT status FROM orders WHERE id = $1 AND store_id = $2 FOR UPDATE`, [
      orderId,
      storeId,
    ])) as Array<{ status: OrderStatus }>;
    return row;
  }

  async updateStatus(em: EntityManager, orderId: string, status: OrderStatus): Promise<void> {
    await em.query(`UPDATE orders SET status = $2, updated_at = now() WHERE id = $1`, [orderId, status]);
  }

  /** Keeps the audit record and removes the order (its lines cascade), in the caller's transaction. */
  async deleteWithAudit(em: EntityManager, order: OrderDto, storeId: string, adminId: string): Promise<void> {
    await em.query(
      `WITH audit AS (
         INSERT INTO order_deletions (store_id, order_id, table_id, session_id, order_number, total_amount, snapshot, deleted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
       )
       DELETE FROM orders WHERE id = $2 AND store_id = $1`,
      [
        storeId,
        order.id,
        order.tableId,
        order.sessionId,
        order.orderNumber,
        order.totalAmount,
        JSON.stringify(order),
        adminId,
      ],
    );
  }
}
