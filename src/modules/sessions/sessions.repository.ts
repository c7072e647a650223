import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderDto } from '../orders/dto/order.dto';
import { ORDER_COLUMNS, ORDER_LINE_FIELDS, orderFromRow } from '../orders/order-query';
import { returnedRows } from '../../database/query-result';

export interface DashboardRow {
  id: string;
  number: number;
  sessionId: string | null;
  startedAt: Date | null;
  totalAmount: number;
  orderCount: number;
}

export interface ArchivedSession {
  completedAt: Date;
  orderCount: number;
  totalAmount: number;
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- dashboard -----------------------------------------------------------------------------------------

  /** Every table of the store with its active session's totals, in one query. */
  async dashboardTables(storeId: string): Promise<DashboardRow[]> {
    const rows = (await this.q().query(
      `SELECT t.id, t.number, s.id AS "sessionId", s.started_at AS "startedAt",
              coalesce(a.total, 0)::bigint AS "totalAmount", coalesce(a.count, 0)::int AS "orderCount"
       FROM tables t
       LEFT JOIN table_sessions s ON s.table_id = t.id AND s.ended_at IS NULL
       LEFT JOIN LATERAL (
         SELECT sum(o.total_amount) AS total, count(*) AS count FROM orders o WHERE o.session_id = s.id
       ) a ON s.id IS NOT NULL
       WHERE t.store_id = $1
       ORDER BY t.number`,
      [storeId],
    )) as DashboardRow[];
    return rows;
  }

  /** The newest `perTable` live orders of every table of the store, in one query. */
  async recentOrders(storeId: string, perTable: number): Promise<OrderDto[]> {
    const rows = (await this.q().query(
      `SELECT ${ORDER_COLUMNS}
       FROM (
         SELECT ranked.* FROM (
           SELECT o.*, row_number() OVER (PARTITION BY o.table_id ORDER BY o.created_at DESC, o.order_number DESC) AS rn
           FROM orders o WHERE o.store_id = $1
         ) ranked WHERE ranked.rn <= $2
       ) o
       JOIN tables t ON t.id = o.table_id
       ORDER BY o.table_id, o.created_at DESC, o.order_number DESC`,
      [storeId, perTable],
    )) as Array<Record<string, unknown>>;
    return rows.map(orderFromRow);
  }

  // ---- tables --------------------------------------------------------------------------------------------

  async createTable(
    storeId: string,
    number: number,
    passwordHash: string,
  ): Promise<{ id: string; number: number }> {
    const [row] = (await this.q().query(
      `INSERT INTO tables (store_id, number, password_hash) VALUES ($1, $2, $3) RETURNING id, number`,
      [storeId, number, passwordHash],
    )) as Array<{ id: string; number: number }>;
    return row;
  }

  /** Bumps token_version in the same UPDATE, which is what invalidates the tablet's existing tokens. */
  async changePassword(
    storeId: string,
    tableId: string,
    passwordHash: string,
  ): Promise<{ id: string; number: number } | undefined> {
    const rows = returnedRows<{ id: string; number: number }>(
      await this.q().query(
        `UPDATE tables SET password_hash = $3, token_version = token_version + 1, updated_at = now()
         WHERE id = $1 AND store_id = $2 RETURNING id, number`,
        [tableId, storeId, passwordHash],
      ),
    );
    return rows[0];
  }

  /**
   * Locks the table row FOR UPDATE: an order starting a session takes FOR KEY SHARE on it (the session's
   * foreign key), so a deletion and a first order run one after the other and the check below stays true.
   */
  async lockTable(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<{ number: number } | undefined> {
    const [row] = (await em.query(`SELECT number FROM tables WHERE id = $1 AND store_id = $2 FOR UPDATE`, [
      tableId,
      storeId,
    ])) as Array<{ number: number }>;
    return row;
  }

  async hasActiveSession(em: EntityManager, tableId: string): Promise<boolean> {
    const rows = (await em.query(`SELECT 1 FROM table_sessions WHERE table_id = $1 AND ended_at IS NULL`, [
      tableId,
    ])) as unknown[];
    return rows.length > 0;
  }

  async deleteTable(em: EntityManager, tableId: string): Promise<void> {
    await em.query(`DELETE FROM tables WHERE id = $1`, [tableId]);
  }

  async findTable(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<{ number: number } | undefined> {
    const [row] = (await em.query(`SELECT number FROM tables WHERE id = $1 AND store_id = $2`, [
      tableId,
      storeId,
    ])) as Array<{ number: number }>;
    return row;
  }

  // ---- moves and merges (자리 이동, 합석) ------------------------------------------------------------------------

  /**
   * Locks the tables of a move or merge in id order, FOR NO KEY UPDATE: two moves naming a common table run one
   * after the other and, taking their locks in the same order, cannot deadlock; an order being placed only takes
   * FOR KEY SHARE on its table (the foreign keys), which this does not block. The tables found, by id.
   */
  async lockTablesInOrder(
    em: EntityManager,
    storeId: string,
    tableIds: string[],
  ): Promise<Map<string, { number: number }>> {
    const rows = (await em.query(
      `SELECT id, number FROM tables WHERE store_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
      [storeId, tableIds],
    )) as Array<{ id: string; number: number }>;
    return new Map(rows.map((r) => [r.id, { number: Number(r.number) }]));
  }

  /**
   * 자리 이동: the session, its orders and (by the caller) its open calls now belong to the other table. The
   * session row keeps its id and start; an order placed on the target meanwhile waits on uq_table_sessions_active
   * and then finds this session.
   */
  async moveSession(em: EntityManager, sessionId: string, toTableId: string): Promise<void> {
    await em.query(`UPDATE table_sessions SET table_id = $2 WHERE id = $1`, [sessionId, toTableId]);
    await em.query(`UPDATE orders SET table_id = $2 WHERE session_id = $1`, [sessionId, toTableId]);
  }

  /** 합석: the orders join the target's session and the emptied session is removed (no history entry). */
  async mergeSession(
    em: EntityManager,
    fromSessionId: string,
    into: { sessionId: string; tableId: string },
  ): Promise<void> {
    await em.query(`UPDATE orders SET table_id = $2, session_id = $3 WHERE session_id = $1`, [
      fromSessionId,
      into.tableId,
      into.sessionId,
    ]);
    await em.query(`DELETE FROM table_sessions WHERE id = $1`, [fromSessionId]);
  }

  async sessionTotals(
    em: EntityManager,
    sessionId: string,
  ): Promise<{ orderCount: number; totalAmount: number }> {
    const [row] = (await em.query(
      `SELECT count(*)::int AS "orderCount", coalesce(sum(total_amount), 0)::bigint AS "totalAmount"
       FROM orders WHERE session_id = $1`,
      [sessionId],
    )) as Array<{ orderCount: number; totalAmount: number }>;
    return { orderCount: Number(row.orderCount), totalAmount: Number(row.totalAmount) };
  }

  // ---- completion (이용 완료) ---------------------------------------------------------------------------------

  /**
   * Locks the table's active session FOR UPDATE (orders being placed hold it FOR SHARE, so this waits for them
   * and later ones wait for us, then start a new session), then its orders, so a concurrent status change or
   * deletion lands before the copy below reads them, never in between.
   */
  async lockActiveSession(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<{ id: string; startedAt: Date } | undefined> {
    const [row] = (await em.query(
      `SELECT id, started_at AS "startedAt" FROM table_sessions
       WHERE table_id = $1 AND store_id = $2 AND ended_at IS NULL FOR UPDATE`,
      [tableId, storeId],
    )) as Array<{ id: string; startedAt: Date }>;
    if (!row) return undefined;
    await em.query(`SELECT id FROM orders WHERE session_id = $1 FOR UPDATE`, [row.id]);
    return { id: row.id, startedAt: new Date(row.startedAt) };
  }

  /**
   * Copies the session and its orders (lines as jsonb `[{menuId, menuName, menuPrice, options, note, unitPrice,
   * quantity}]` in line order, table number snapshotted) into history, set-based, then removes the live orders (lines cascade) and
   * ends the session. completed_at is the transaction's now() throughout.
   */
  async archiveSession(
    em: EntityManager,
    session: { id: string; storeId: string; tableId: string; tableNumber: number; startedAt: Date },
  ): Promise<ArchivedSession> {
    const [summary] = (await em.query(
      `WITH sh AS (
         INSERT INTO session_history (id, store_id, table_id, table_number, started_at, completed_at, order_count, total_amount)
         SELECT $1, $2, $3, $4, $5, now(), count(*), coalesce(sum(o.total_amount), 0)
         FROM orders o WHERE o.session_id = $1
         RETURNING completed_at, order_count, total_amount
       ), oh AS (
         INSERT INTO order_history (id, store_id, session_id, table_id, table_number, order_number, business_date,
                                    status, note, total_amount, items, created_at, updated_at, completed_at)
         SELECT o.id, o.store_id, o.session_id, o.table_id, $4, o.order_number, o.business_date, o.status, o.note,
                o.total_amount,
                (SELECT coalesce(jsonb_agg(jsonb_build_object(${ORDER_LINE_FIELDS}) ORDER BY i.line_no), '[]'::jsonb)
                   FROM order_items i WHERE i.order_id = o.id),
                o.created_at, o.updated_at, now()
         FROM orders o WHERE o.session_id = $1
       )
       SELECT completed_at AS "completedAt", order_count AS "orderCount", total_amount AS "totalAmount" FROM sh`,
      [session.id, session.storeId, session.tableId, session.tableNumber, session.startedAt],
    )) as ArchivedSession[];
    await em.query(`DELETE FROM orders WHERE session_id = $1`, [session.id]);
    await em.query(`UPDATE table_sessions SET ended_at = now() WHERE id = $1`, [session.id]);
    return {
      completedAt: new Date(summary.completedAt),
      orderCount: Number(summary.orderCount),
      totalAmount: Number(summary.totalAmount),
    };
  }
}
