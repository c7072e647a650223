import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderRow } from '../orders/dto/order.dto';

/** A half-open interval of instants: [from, until). */
export interface InstantRange {
  from: Date;
  until: Date;
}

export interface ArchivedSessionRow {
  id: string;
  startedAt: Date;
  completedAt: Date;
  totalAmount: number;
}

/** Reads of the archive (session_history, order_history); a page's query count does not grow with its size. */
@Injectable()
export class HistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The number of the table's sessions completed in the range, or null when the table is not one of the
   * store's (or was deleted): history of a table the store no longer has is not served.
   */
  async countSessions(
    storeId: string,
    tableId: string,
    range: InstantRange,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number | null> {
    const rows = (await manager.query(
      `SELECT (SELECT count(*) FROM session_history sh
                WHERE sh.store_id = t.store_id AND sh.table_id = t.id
                  AND sh.completed_at >= $3 AND sh.completed_at < $4)::int AS total
         FROM tables t
        WHERE t.id = $2 AND t.store_id = $1`,
      [storeId, tableId, range.from, range.until],
    )) as Array<{ total: number }>;
    return rows.length === 0 ? null : Number(rows[0].total);
  }

  /** Newest first; the id breaks ties so that pages never overlap or skip a session. */
  async findSessions(
    storeId: string,
    tableId: string,
    range: InstantRange,
    limit: number,
    offset: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ArchivedSessionRow[]> {
    const rows = (await manager.query(
      `SELECT id, started_at AS "startedAt", completed_at AS "completedAt", total_amount AS "totalAmount"
         FROM session_history
        WHERE store_id = $1 AND table_id = $2 AND completed_at >= $3 AND completed_at < $4
        ORDER BY completed_at DESC, id DESC
        LIMIT $5 OFFSET $6`,
      [storeId, tableId, range.from, range.until, limit, offset],
    )) as ArchivedSessionRow[];
    return rows;
  }

  /** Every order of the given sessions in one query, each session's oldest first. */
  async findOrders(
    storeId: string,
    sessionIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<OrderRow[]> {
    if (sessionIds.length === 0) return [];
    const rows = (await manager.query(
      `SELECT id, order_number AS "orderNumber", table_id AS "tableId", table_number AS "tableNumber",
              session_id AS "sessionId", status, note, items, created_at AS "createdAt", updated_at AS "updatedAt"
         FROM order_history
        WHERE store_id = $1 AND session_id = ANY($2::uuid[])
        ORDER BY session_id, created_at, order_number`,
      [storeId, sessionIds],
    )) as OrderRow[];
    return rows;
  }
}
