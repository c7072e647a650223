import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { prepared } from '../../database/prepared-statements';
import type { OutboxCte } from '../events/outbox.repository';
import { MENU_OPTION_GROUPS_JSON } from '../menus/option-groups.repository';
import type { OrderDto, OrderLineSnapshot, OrderStatus } from './dto/order.dto';
import type { OrderableMenu } from './order-lines';
import { ORDER_COLUMNS, ORDER_FROM, orderFromRow } from './order-query';

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

/** What the first statement of a placement found (OrdersRepository.prepareOrder). */
export interface PreparedOrder {
  /** False only when a key was to be claimed and was not (held by a request in flight, or already stored). */
  claimed: boolean;
  menus: OrderableMenu[];
  /** Undefined when the table's first session was lost to a concurrent order (or the table is gone). */
  session?: ActiveSession;
}

export interface NewOrder {
  id: string;
  storeId: string;
  tableId: string;
  sessionId: string;
  businessDate: string;
  totalAmount: number;
  note: string | null;
  lines: Array<Required<OrderLineSnapshot>>;
  /** The order as answered and published; its orderNumber is replaced by the one this statement takes. */
  document: OrderDto;
  /** Set when the request carried an Idempotency-Key: its row gets the response in the same statement. */
  idempotencyKey?: string;
}

@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- idempotency ---------------------------------------------------------------------------------------

  /**
   * Claims the key by its primary key once the caller holds the (table, key) advisory lock (the first claim
   * attempt, lock included, is part of `prepareOrder`). False: a row exists.
   */
  async claimIdempotencyKey(
    em: EntityManager,
    claim: { tableId: string; storeId: string; key: string; requestHash: string },
  ): Promise<boolean> {
    const rows = (await em.query(
      `INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
       VALUES ($1::uuid, $2::varchar, $3::uuid, $4, now() + interval '24 hours')
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

  /**
   * The first statement of a placement, one round trip: claims the Idempotency-Key when there is one (as
   * `claimIdempotencyKey` does, advisory lock first), reads every listed menu of the store that is not
   * deleted with its option groups and their options, and finds the table's active session FOR SHARE or starts one, locking as `lockOrStartSession`.
   * A session is started only when the key was claimed: a replay or a refused key must leave nothing behind.
   */
  async prepareOrder(
    em: EntityManager,
    input: {
      storeId: string;
      tableId: string;
      menuIds: string[];
      claim?: { key: string; requestHash: string };
    },
  ): Promise<PreparedOrder> {
    const claim = input.claim;
    const [row] = (await em.query(
      prepared(`WITH ${
        claim
          ? `claim AS (
         INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
         SELECT $1::uuid, $4::varchar, $2::uuid, $5, now() + interval '24 hours'
         WHERE pg_try_advisory_xact_lock(hashtext($1::uuid::text), hashtext($4::varchar))
         ON CONFLICT (table_id, key) DO NOTHING
         RETURNING 1
       ), `
          : ''
      }existing AS (
         SELECT id FROM table_sessions
         WHERE table_id = $1 AND store_id = $2 AND ended_at IS NULL
         FOR SHARE
       ), started AS (
         INSERT INTO table_sessions (store_id, table_id)
         SELECT $2, $1
         WHERE NOT EXISTS (SELECT 1 FROM existing)${claim ? ' AND EXISTS (SELECT 1 FROM claim)' : ''}
         ON CONFLICT (table_id) WHERE ended_at IS NULL DO NOTHING
         RETURNING id
       )
       SELECT ${claim ? '(SELECT count(*) FROM claim)::int' : '1'} AS claimed,
              (SELECT coalesce(json_agg(json_build_object('id', m.id, 'name', m.name, 'price', m.price,
                                                          'isAvailable', m.is_available,
                                                          'groups', ${MENU_OPTION_GROUPS_JSON('m')})), '[]'::json)
                 FROM menus m
                WHERE m.store_id = $2 AND m.id = ANY($3::uuid[]) AND m.deleted_at IS NULL) AS menus,
              s.id AS "sessionId", t.number AS "tableNumber", now() AS now
       FROM (SELECT 1) AS one
       LEFT JOIN ((SELECT id FROM existing UNION ALL SELECT id FROM started) s
                  JOIN tables t ON t.id = $1 AND t.store_id = $2) ON true`),
      claim
        ? [input.tableId, input.storeId, input.menuIds, claim.key, claim.requestHash]
        : [input.tableId, input.storeId, input.menuIds],
    )) as Array<{
      claimed: number;
      menus: OrderableMenu[] | string;
      sessionId: string | null;
      tableNumber: number | null;
      now: Date | string;
    }>;
    const menus = typeof row.menus === 'string' ? (JSON.parse(row.menus) as OrderableMenu[]) : row.menus;
    return {
      claimed: Number(row.claimed) === 1,
      menus,
      session:
        row.sessionId === null
          ? undefined
          : { sessionId: row.sessionId, tableNumber: Number(row.tableNumber), now: new Date(row.now) },
    };
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
   * Takes the store's next order number and writes the order, its lines, the idempotency response and the
   * outbox event (`{order}`, with the number taken here) in ONE statement. The order counter row and the
   * store's event sequence row stay locked until COMMIT and serialise the store's orders, so both are taken
   * here, in the transaction's last statement, after everything that can be done without them.
   */
  async insertOrder(em: EntityManager, order: NewOrder, event: OutboxCte): Promise<number> {
    const lines = order.lines;
    const params: unknown[] = [
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
      JSON.stringify(order.document),
      lines.map((l) => l.menuPrice),
      lines.map((l) => JSON.stringify(l.options)),
      lines.map((l) => l.note),
      order.note,
    ];
    if (order.idempotencyKey !== undefined) params.push(order.idempotencyKey);
    const keyParam = params.length;
    const outbox = event({
      firstParam: params.length + 1,
      data: `jsonb_build_object('order', body.doc)`,
      from: 'body',
    });
    const [row] = (await em.query(
      prepared(`WITH n AS (
         INSERT INTO order_number_counters AS c (store_id, business_date, last_number) VALUES ($1, $2::date, 1)
         ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = c.last_number + 1
         RETURNING c.last_number
       ), o AS (
         INSERT INTO orders (id, store_id, table_id, session_id, order_number, business_date, total_amount, note)
         SELECT $3, $1, $4, $5, n.last_number, $2::date, $6, $16::varchar FROM n
         RETURNING id
       ), i AS (
         INSERT INTO order_items (order_id, line_no, menu_id, menu_name, menu_price, options, note, unit_price, quantity)
         SELECT $3, l.line_no, l.menu_id, l.menu_name, l.menu_price, l.options::jsonb, l.note, l.unit_price, l.quantity
         FROM unnest($7::int[], $8::uuid[], $9::text[], $13::int[], $14::text[], $15::text[], $10::int[], $11::int[])
           AS l(line_no, menu_id, menu_name, menu_price, options, note, unit_price, quantity)
       ), body AS (
         SELECT jsonb_set($12::jsonb, '{orderNumber}', to_jsonb(n.last_number)) AS doc FROM n
       ), ${
         order.idempotencyKey === undefined
           ? ''
           : `k AS (
         UPDATE idempotency_keys SET response_status = 201, response_body = body.doc
         FROM body WHERE table_id = $4 AND key = $${keyParam}
       ), `
       }${outbox.sql}
       SELECT n.last_number AS "orderNumber" FROM n`),
      [...params, ...outbox.params],
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

  /**
   * The table's own live order, row-locked as `lockOrderStatus` does, so a cancel and an admin's status change
   * run one after the other. Live orders are those of active sessions (이용 완료 removes them), and a moved
   * order carries its new table: after the wait the row is re-checked, so an order moved away meanwhile is gone.
   */
  async lockTableOrder(
    em: EntityManager,
    storeId: string,
    tableId: string,
    orderId: string,
  ): Promise<{ status: OrderStatus } | undefined> {
    const [row] = (await em.query(
      `SELECT status FROM orders WHERE id = $1 AND store_id = $2 AND table_id = $3 FOR UPDATE`,
      [orderId, storeId, tableId],
    )) as Array<{ status: OrderStatus }>;
    return row;
  }

  async updateStatus(em: EntityManager, orderId: string, status: OrderStatus): Promise<void> {
    await em.query(`UPDATE orders SET status = $2, updated_at = now() WHERE id = $1`, [orderId, status]);
  }

  /**
   * Keeps the audit record (who: an admin, or the table cancelling its own order) and removes the order (its
   * lines cascade), in the caller's transaction.
   */
  async deleteWithAudit(
    em: EntityManager,
    order: OrderDto,
    storeId: string,
    actor: { role: 'admin' | 'table'; id: string },
  ): Promise<void> {
    await em.query(
      `WITH audit AS (
         INSERT INTO order_deletions (store_id, order_id, table_id, session_id, order_number, total_amount, snapshot,
                                      deleted_by, deleted_by_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
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
        actor.id,
        actor.role,
      ],
    );
  }
}
