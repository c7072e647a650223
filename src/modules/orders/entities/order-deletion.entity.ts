import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `order_deletions`: the audit record of a deleted order (its last OrderDto, who: an admin or the table, and when). */
@Entity({ name: 'order_deletions' })
export class OrderDeletionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  @Column('uuid', { name: 'table_id' }) tableId: string;
  @Column('uuid', { name: 'session_id' }) sessionId: string;
  @Column('integer', { name: 'order_number' }) orderNumber: number;
  @Column('integer', { name: 'total_amount' }) totalAmount: number;
  @Column('jsonb') snapshot: unknown;
  /** The admin's id, or the table's when it cancelled its own order (deleted_by_role). */
  @Column('uuid', { name: 'deleted_by' }) deletedBy: string;
  @Column('varchar', { name: 'deleted_by_role', length: 16 }) deletedByRole: 'admin' | 'table';
  @Column('timestamptz', { name: 'deleted_at' }) deletedAt: Date;
}
