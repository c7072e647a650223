import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Running the floor: staff calls (직원 호출), a table cancelling its own order, moving and merging tables.
 * - staff_calls: one row per call. At most one OPEN call per table and reason is a partial unique index, so ten
 *   presses at once make one call whatever the interleaving; the composite key (store_id, table_id) keeps a call
 *   inside its table's store.
 * - order_deletions.deleted_by_role: a deletion is done by an admin or (cancelling its own PENDING order) by the
 *   table; deleted_by is that principal's id.
 * - events: the new types table_moved, staff_call and staff_call_resolved.
 */
export class StaffCallsAndTableMoves1764633600000 implements MigrationInterface {
  name = 'StaffCallsAndTableMoves1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_calls (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL,
        table_id uuid NOT NULL,
        reason varchar(16) NOT NULL,
        message varchar(100),
        status varchar(16) NOT NULL DEFAULT 'OPEN',
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by uuid,
        CONSTRAINT fk_staff_calls_table FOREIGN KEY (store_id, table_id)
          REFERENCES tables (store_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_staff_calls_reason
          CHECK (reason IN ('CALL', 'WATER', 'CUTLERY', 'NAPKINS', 'BILL', 'OTHER')),
        CONSTRAINT ck_staff_calls_status CHECK (status IN ('OPEN', 'RESOLVED')),
        CONSTRAINT ck_staff_calls_resolved CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL)),
        CONSTRAINT ck_staff_calls_resolved_at CHECK (resolved_at IS NULL OR resolved_at >= created_at),
        CONSTRAINT ck_staff_calls_message CHECK (message IS NULL OR length(message) BETWEEN 1 AND 100)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_staff_calls_open_reason ON staff_calls (table_id, reason) WHERE status = 'OPEN'`,
    );
    await q.query(
      `CREATE INDEX ix_staff_calls_store_open ON staff_calls (store_id, created_at) WHERE status = 'OPEN'`,
    );
    await q.query(
      `CREATE INDEX ix_staff_calls_store_resolved ON staff_calls (store_id, resolved_at DESC) WHERE status = 'RESOLVED'`,
    );

    await q.query(
      `ALTER TABLE order_deletions ADD COLUMN deleted_by_role varchar(16) NOT NULL DEFAULT 'admin'`,
    );
    await q.query(
      `ALTER TABLE order_deletions ADD CONSTRAINT ck_order_deletions_deleted_by_role
         CHECK (deleted_by_role IN ('admin', 'table'))`,
    );

    await q.query(`ALTER TABLE events DROP CONSTRAINT ck_events_type`);
    await q.query(
      `ALTER TABLE events ADD CONSTRAINT ck_events_type CHECK (type IN (
         'new_order', 'order_updated', 'order_deleted', 'table_reset', 'table_moved', 'staff_call', 'staff_call_resolved'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM events WHERE type IN ('table_moved', 'staff_call', 'staff_call_resolved')`);
    await q.query(`ALTER TABLE events DROP CONSTRAINT ck_events_type`);
    await q.query(
      `ALTER TABLE events ADD CONSTRAINT ck_events_type
         CHECK (type IN ('new_order', 'order_updated', 'order_deleted', 'table_reset'))`,
    );
    await q.query(`ALTER TABLE order_deletions DROP CONSTRAINT ck_order_deletions_deleted_by_role`);
    await q.query(`ALTER TABLE order_deletions DROP COLUMN deleted_by_role`);
    await q.query(`DROP TABLE IF EXISTS staff_calls`);
  }
}
