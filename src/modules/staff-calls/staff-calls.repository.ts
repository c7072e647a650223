import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../database/query-result';
import {
  toStaffCallDto,
  type StaffCallDto,
  type StaffCallReason,
  type StaffCallRow,
  type StaffCallStatus,
} from './dto/staff-call.dto';

/** Use as `SELECT ${STAFF_CALL_COLUMNS} FROM staff_calls c JOIN tables t ON t.id = c.table_id …`. */
const STAFF_CALL_COLUMNS = `c.id, c.table_id AS "tableId", t.number AS "tableNumber", c.reason, c.message, c.status,
  c.created_at AS "createdAt", c.resolved_at AS "resolvedAt"`;

const byCreated = (a: StaffCallDto, b: StaffCallDto): number =>
  a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

@Injectable()
export class StaffCallsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Opens a call unless the table has an OPEN one with this reason: uq_staff_calls_open_reason decides, so of
   * concurrent presses exactly one inserts (the others wait for it, then do nothing). Undefined: not inserted.
   */
  async insertOpen(
    em: EntityManager,
    call: { storeId: string; tableId: string; reason: StaffCallReason; message: string | null },
  ): Promise<StaffCallDto | undefined> {
    const [row] = (await em.query(
      `WITH c AS (
         INSERT INTO staff_calls (store_id, table_id, reason, message) VALUES ($1, $2, $3, $4)
         ON CONFLICT (table_id, reason) WHERE status = 'OPEN' DO NOTHING
         RETURNING *
       )
       SELECT ${STAFF_CALL_COLUMNS} FROM c JOIN tables t ON t.id = c.table_id`,
      [call.storeId, call.tableId, call.reason, call.message],
    )) as StaffCallRow[];
    return row ? toStaffCallDto(row) : undefined;
  }

  /** The table's OPEN call with this reason; a statement of its own, so it sees a call committed meanwhile. */
  async findOpen(
    em: EntityManager,
    storeId: string,
    tableId: string,
    reason: StaffCallReason,
  ): Promise<StaffCallDto | undefined> {
    const [row] = (await em.query(
      `SELECT ${STAFF_CALL_COLUMNS} FROM staff_calls c JOIN tables t ON t.id = c.table_id
       WHERE c.store_id = $1 AND c.table_id = $2 AND c.reason = $3 AND c.status = 'OPEN'`,
      [storeId, tableId, reason],
    )) as StaffCallRow[];
    return row ? toStaffCallDto(row) : undefined;
  }

  async find(storeId: string, id: string, em?: EntityManager): Promise<StaffCallDto | undefined> {
    const [row] = (await this.q(em).query(
      `SELECT ${STAFF_CALL_COLUMNS} FROM staff_calls c JOIN tables t ON t.id = c.table_id
       WHERE c.store_id = $1 AND c.id = $2`,
      [storeId, id],
    )) as StaffCallRow[];
    return row ? toStaffCallDto(row) : undefined;
  }

  /** A table's open calls, oldest first. */
  async openOfTable(storeId: string, tableId: string): Promise<StaffCallDto[]> {
    const rows = (await this.q().query(
      `SELECT ${STAFF_CALL_COLUMNS} FROM staff_calls c JOIN tables t ON t.id = c.table_id
       WHERE c.store_id = $1 AND c.table_id = $2 AND c.status = 'OPEN'
       ORDER BY c.created_at, c.id`,
      [storeId, tableId],
    )) as StaffCallRow[];
    return rows.map(toStaffCallDto);
  }

  /** OPEN: every open call of the store, oldest first. RESOLVED: those resolved in the last 24 h, newest first. */
  async ofStore(storeId: string, status: StaffCallStatus): Promise<StaffCallDto[]> {
    const rows = (await this.q().query(
      status === 'OPEN'
        ? `SELECT ${STAFF_CALL_COLUMNS} FROM staff_calls c JOIN tables t ON t.id = c.table_id
           WHERE c.store_id = $1 AND c.status = 'OPEN'
           ORDER BY c.created_at, c.id`
        : `SELECT ${STAFF_CALL_COLUMNS} FROM staff_calls c JOIN tables t ON t.id = c.table_id
           WHERE c.store_id = $1 AND c.status = 'RESOLVED' AND c.resolved_at > now() - interval '24 hours'
           ORDER BY c.resolved_at DESC, c.id`,
      [storeId],
    )) as StaffCallRow[];
    return rows.map(toStaffCallDto);
  }

  /**
   * Resolves the call if it is open. The UPDATE takes the row lock, so of two concurrent resolutions one
   * changes it and the other (re-checking `status` after the wait) changes nothing. Undefined: nothing changed.
   */
  async resolve(
    em: EntityManager,
    storeId: string,
    id: string,
    adminId: string,
  ): Promise<StaffCallDto | undefined> {
    const rows = returnedRows<StaffCallRow>(
      await em.query(
        `UPDATE staff_calls c SET status = 'RESOLVED', resolved_at = now(), resolved_by = $3
         FROM tables t
         WHERE t.id = c.table_id AND c.store_id = $1 AND c.id = $2 AND c.status = 'OPEN'
         RETURNING ${STAFF_CALL_COLUMNS}`,
        [storeId, id, adminId],
      ),
    );
    return rows[0] ? toStaffCallDto(rows[0]) : undefined;
  }

  /** 이용 완료: resolves every open call of the table, in the caller's transaction; the calls it resolved. */
  async resolveOpenOfTable(
    em: EntityManager,
    storeId: string,
    tableId: string,
    adminId: string,
  ): Promise<StaffCallDto[]> {
    const rows = returnedRows<StaffCallRow>(
      await em.query(
        `UPDATE staff_calls c SET status = 'RESOLVED', resolved_at = now(), resolved_by = $3
         FROM tables t
         WHERE t.id = c.table_id AND c.store_id = $1 AND c.table_id = $2 AND c.status = 'OPEN'
         RETURNING ${STAFF_CALL_COLUMNS}`,
        [storeId, tableId, adminId],
      ),
    );
    return rows.map(toStaffCallDto).sort(byCreated);
  }

  /**
   * A move or merge: the source table's open calls go to the target table. A call whose reason is already open
   * on the target is answered by that one, so it is resolved instead of moved (at most one OPEN call per table
   * and reason). Returns the calls resolved that way.
   */
  async moveOpen(
    em: EntityManager,
    move: { storeId: string; fromTableId: string; toTableId: string; adminId: string },
  ): Promise<StaffCallDto[]> {
    const resolved = returnedRows<StaffCallRow>(
      await em.query(
        `UPDATE staff_calls c SET status = 'RESOLVED', resolved_at = now(), resolved_by = $4
         FROM tables t
         WHERE t.id = c.table_id AND c.store_id = $1 AND c.table_id = $2 AND c.status = 'OPEN'
           AND EXISTS (SELECT 1 FROM staff_calls o
                        WHERE o.table_id = $3 AND o.reason = c.reason AND o.status = 'OPEN')
         RETURNING ${STAFF_CALL_COLUMNS}`,
        [move.storeId, move.fromTableId, move.toTableId, move.adminId],
      ),
    );
    await em.query(
      `UPDATE staff_calls SET table_id = $3 WHERE store_id = $1 AND table_id = $2 AND status = 'OPEN'`,
      [move.storeId, move.fromTableId, move.toTableId],
    );
    return resolved.map(toStaffCallDto).sort(byCreated);
  }
}
