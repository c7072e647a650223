import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `staff_calls` (migrations/1764633600000-StaffCallsAndTableMoves.ts): a table's call for staff, OPEN until an
 * admin resolves it or the table is completed; at most one OPEN call per table and reason.
 */
@Entity({ name: 'staff_calls' })
export class StaffCallEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('uuid', { name: 'table_id' }) tableId: string;
  @Column('varchar', { length: 16 }) reason: string;
  @Column('varchar', { length: 100, nullable: true }) message: string | null;
  @Column('varchar', { length: 16 }) status: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt: Date | null;
  @Column('uuid', { name: 'resolved_by', nullable: true }) resolvedBy: string | null;
}
