import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../database/query-result';
import { statement } from '../../database/sql-params';
import { archiveSessionCtes } from '../history/history.sql';
import { toOrderDto, type OrderDto, type OrderRow } from '../orders/dto/order.dto';
import {
  deleteSessionOrdersSql,
  lockSessionOrdersSql,
  moveSessionOrdersSql,
  recentOrdersSql,
  sessionOrderTotalsSql,
} from '../orders/orders.sql';
import { activeSessionSql, tableSql } from './sessions.sql';

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
              coalesce(a.total_amount, 0)::bigint AS "totalAmount", coalesce(a.order_count, 0)::int AS "orderCount"
       FROM tables t
       LEFT JOIN table_sessions s ON s.table_id = t.id AND s.ended_at IS NULL
       LEFT JOIN LATERAL (${sessionOrderTotalsSql('s.id')}) a ON s.id IS NOT NULL
       WHERE t.store_id = $1
       ORDER BY t.number`,
      [storeId],
    )) as DashboardRow[];
    return rows;
  }

  /** The newest `perTable` live orders of every table of the store, in one query. */
  async recentOrders(storeId: string, perTable: number): Promise<OrderDto[]> {
    const rows = (await this.q().query(
      ...statement((p) => recentOrdersSql(p, storeId, perTable)),
    )) as OrderRow[];
    return rows.map(toOrderDto);
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

  /** Locks the table row FOR UPDATE before a deletion (see the locking protocol in sessions.sql.ts, 3). */
  async lockTable(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<{ number: number } | undefined> {
    const [row] = (await em.query(
      ...statement((p) => tableSql(p, { storeId, tableId }, 'FOR UPDATE')),
    )) as Array<{ number: number }>;
    return row;
  }

  async hasActiveSession(em: EntityManager, tableId: string): Promise<boolean> {
    const rows = (await em.query(...statement((p) => activeSessionSql(p, { tableId })))) as unknown[];
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
    const [row] = (await em.query(...statement((p) => tableSql(p, { storeId, tableId })))) as Array<{
      number: number;
    }>;
    return row;
  }

  // ---- moves and merges (자리 이동, 합석) ------------------------------------------------------------------------

  /** Locks the tables of a move or merge (see the locking protocol in sessions.sql.ts, 3); those found, by id. */
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
   * 자리 이동: the session (keeping its id and start), its orders and (by the caller) its open calls now belong
   * to the other table.
   */
  async moveSession(em: EntityManager, sessionId: string, toTableId: string): Promise<void> {
    await em.query(`UPDATE table_sessions SET table_id = $2 WHERE id = $1`, [sessionId, toTableId]);
    await em.query(...statement((p) => moveSessionOrdersSql(p, sessionId, { tableId: toTableId })));
  }

  /** 합석: the orders join the target's session and the emptied session is removed (no history entry). */
  async mergeSession(
    em: EntityManager,
    fromSessionId: string,
    into: { sessionId: string; tableId: string },
  ): Promise<void> {
    await em.query(...statement((p) => moveSessionOrdersSql(p, fromSessionId, into)));
    await em.query(`DELETE FROM table_sessions WHERE id = $1`, [fromSessionId]);
  }

  async sessionTotals(
    em: EntityManager,
    sessionId: string,
  ): Promise<{ orderCount: number; totalAmount: number }> {
    const [row] = (await em.query(
      ...statement((p) => sessionOrderTotalsSql(p.add(sessionId, 'uuid'))),
    )) as Array<{
      order_count: number;
      total_amount: number;
    }>;
    return { orderCount: Number(row.order_count), totalAmount: Number(row.total_amount) };
  }

  // ---- completion (이용 완료) ---------------------------------------------------------------------------------

  /** The table's active session FOR UPDATE, then its orders (see the locking protocol in sessions.sql.ts, 2). */
  async lockActiveSession(
    em: EntityManager,
    storeId: string,
    tableId: string,
  ): Promise<{ id: string; startedAt: Date } | undefined> {
    const [row] = (await em.query(
      ...statement((p) => activeSessionSql(p, { storeId, tableId }, 'FOR UPDATE')),
    )) as Array<{ id: string; started_at: Date }>;
    if (!row) return undefined;
    await em.query(...statement((p) => lockSessionOrdersSql(p, row.id)));
    return { id: row.id, startedAt: new Date(row.started_at) };
  }

  /**
   * Archives the session and its orders (archiveSessionCtes), then removes the live orders and ends the session,
   * all at the transaction's now().
   */
  async archiveSession(
    em: EntityManager,
    session: { id: string; storeId: string; tableId: string; tableNumber: number; startedAt: Date },
  ): Promise<ArchivedSession> {
    const [summary] = (await em.query(
      ...statement(
        (p) => `WITH ${archiveSessionCtes(p, session)}
         SELECT completed_at AS "completedAt", order_count AS "orderCount", total_amount AS "totalAmount"
         FROM session_archived`,
      ),
    )) as ArchivedSession[];
    await em.query(...statement((p) => deleteSessionOrdersSql(p, session.id)));
    await em.query(`UPDATE table_sessions SET ended_at = now() WHERE id = $1`, [session.id]);
    return {
      completedAt: new Date(summary.completedAt),
      orderCount: Number(summary.orderCount),
      totalAmount: Number(summary.totalAmount),
    };
  }
}
