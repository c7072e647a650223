import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { prepared } from '../../database/prepared-statements';
import { statement } from '../../database/sql-params';
import { appendEventCtes } from '../events/outbox.sql';
import { orderableMenusJson } from '../menus/menus.sql';
import { activeSessionSql, lockOrStartSessionCtes, tableSql } from '../sessions/sessions.sql';
import {
  toOrderDto,
  type OrderDto,
  type OrderLineSnapshot,
  type OrderRow,
  type OrderStatus,
} from './dto/order.dto';
import { claimKeySql, storeKeyResponseSql } from './idempotency-keys.sql';
import type { OrderableMenu } from './order-lines';
import { ORDER_COLUMNS, ORDER_FROM } from './orders.sql';

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
  lines: Line[];
  /** The order as answered and published; its orderNumber is replaced by the one this statement takes. */
  document: OrderDto;
  /** Set when the request carried an Idempotency-Key: its row gets the response in the same statement. */
  idempotencyKey?: string;
}

type Line = Required<OrderLineSnapshot>;

/** The order_items columns a placement writes, each sent as one array over the lines. */
const LINE_COLUMNS: Array<[name: string, cast: string, pick: (line: Line, index: number) => unknown]> = [
  ['line_no', 'int', (_, i) => i + 1],
  ['menu_id', 'uuid', (l) => l.menuId],
  ['menu_name', 'text', (l) => l.menuName],
  ['menu_price', 'int', (l) => l.menuPrice],
  ['options', 'jsonb', (l) => JSON.stringify(l.options)],
  ['note', 'text', (l) => l.note],
  ['unit_price', 'int', (l) => l.unitPrice],
  ['quantity', 'int', (l) => l.quantity],
];
const LINE_NAMES = LINE_COLUMNS.map(([name]) => name).join(', ');

@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- placement ---------------------------------------------------------------------------------------

  /**
   * The first statement of a placement: claims the Idempotency-Key when there is one (under its advisory lock),
   * reads the listed menus with their option groups, and finds the table's active session or starts one (see
   * the locking protocol in sessions.sql.ts). A session is started only when the key was claimed: a replay or
   * a refused key must leave nothing behind.
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
    const [text, values] = statement((p) => {
      const claim = input.claim && claimKeySql(p, { ...input, ...input.claim }, { tryLock: true });
      const session = lockOrStartSessionCtes(p, input, claim && 'EXISTS (SELECT 1 FROM key_claim)');
      return `WITH ${
        claim
          ? `key_claim AS (
${claim}
), `
          : ''
      }${session.ctes}
       SELECT ${claim ? '(SELECT count(*) FROM key_claim)::int' : '1'} AS claimed,
              ${orderableMenusJson(p, input.storeId, input.menuIds)} AS menus,
              s.id AS "sessionId", t.number AS "tableNumber", now() AS now
       FROM (SELECT 1) AS one
       LEFT JOIN (${session.source}) ON true`;
    });
    const [row] = (await em.query(prepared(text), values)) as Array<{
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
   * The table's active session, started when there is none (see the locking protocol in sessions.sql.ts, 1).
   * Undefined only when the start lost the race for the table's first session (the caller tries again).
   */
  async lockOrStartSession(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<ActiveSession | undefined> {
    const [row] = (await em.query(
      ...statement((p) => {
        const session = lockOrStartSessionCtes(p, { storeId, tableId });
        return `WITH ${session.ctes}
         SELECT s.id AS "sessionId", t.number AS "tableNumber", now() AS now FROM ${session.source}`;
      }),
    )) as ActiveSession[];
    return row ? { ...row, now: new Date(row.now) } : undefined;
  }

  /**
   * Takes the store's next order number and writes the order, its lines, the idempotency response and the
   * `new_order` outbox event (`{order}`, with the number taken here) in ONE statement, the transaction's last:
   * the counter and event sequence rows it locks are held until COMMIT (see sessions.sql.ts, 4).
   */
  async insertOrder(em: EntityManager, order: NewOrder): Promise<number> {
    const lines = order.lines;
    const [text, values] = statement((p) => {
      const store = p.add(order.storeId, 'uuid');
      const date = p.add(order.businessDate, 'date');
      const id = p.add(order.id, 'uuid');
      const orderRow = [store, p.add(order.tableId, 'uuid'), p.add(order.sessionId, 'uuid')].join(', ');
      const amounts = `${p.add(order.totalAmount, 'int')}, ${p.add(order.note, 'varchar')}`;
      const items = LINE_COLUMNS.map(([, cast, pick]) => p.add(lines.map(pick), `${cast}[]`)).join(', ');
      const document = p.add(JSON.stringify(order.document), 'jsonb');
      const response =
        order.idempotencyKey === undefined
          ? ''
          : `key_response AS (
${storeKeyResponseSql(
  p,
  { tableId: order.tableId, key: order.idempotencyKey },
  { status: 201, body: 'body.doc', from: 'body' },
)}
), `;
      const event = appendEventCtes(
        p,
        { storeId: order.storeId, type: 'new_order', tableId: order.tableId },
        { sql: `jsonb_build_object('order', body.doc)`, from: 'body' },
      );
      return `WITH n AS (
         INSERT INTO order_number_counters AS c (store_id, business_date, last_number) VALUES (${store}, ${date}, 1)
         ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = c.last_number + 1
         RETURNING c.last_number
       ), o AS (
         INSERT INTO orders (id, store_id, table_id, session_id, order_number, business_date, total_amount, note)
         SELECT ${id}, ${orderRow}, n.last_number, ${date}, ${amounts} FROM n
         RETURNING id
       ), i AS (
         INSERT INTO order_items (order_id, ${LINE_NAMES})
         SELECT ${id}, l.* FROM unnest(${items}) AS l(${LINE_NAMES})
       ), body AS (
         SELECT jsonb_set(${document}, '{orderNumber}', to_jsonb(n.last_number)) AS doc FROM n
       ), ${response}${event}
       SELECT n.last_number AS "orderNumber" FROM n`;
    });
    const [row] = (await em.query(prepared(text), values)) as Array<{ orderNumber: number }>;
    return Number(row.orderNumber);
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  async findActiveSessionId(storeId: string, tableId: string): Promise<string | undefined> {
    const [row] = (await this.q().query(
      ...statement((p) => activeSessionSql(p, { storeId, tableId })),
    )) as Array<{ id: string }>;
    return row?.id;
  }

  async findSessionOrders(storeId: string, sessionId: string): Promise<OrderDto[]> {
    const rows = (await this.q().query(
      `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM}
       WHERE o.store_id = $1 AND o.session_id = $2
       ORDER BY o.created_at, o.order_number`,
      [storeId, sessionId],
    )) as OrderRow[];
    return rows.map(toOrderDto);
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
    )) as OrderRow[];
    return rows.map(toOrderDto);
  }

  async findOrder(storeId: string, orderId: string, em?: EntityManager): Promise<OrderDto | undefined> {
    const [row] = (await this.q(em).query(
      `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE o.store_id = $1 AND o.id = $2`,
      [storeId, orderId],
    )) as OrderRow[];
    return row ? toOrderDto(row) : undefined;
  }

  async tableExists(storeId: string, tableId: string): Promise<boolean> {
    const rows = (await this.q().query(...statement((p) => tableSql(p, { storeId, tableId })))) as unknown[];
    return rows.length > 0;
  }

  // ---- admin changes ---------------------------------------------------------------------------------------

  /** Row-locks the order: two admins' changes, or a change and 이용 완료, run one after the other (see sessions.sql.ts, 2). */
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
