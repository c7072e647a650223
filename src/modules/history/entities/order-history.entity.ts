import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderLineSnapshot } from '../../orders/dto/order.dto';

/**
 * An archived order (order_history). `items` holds the lines as they were placed, in line order, with the
 * menu name, menu price, options, note and unit price snapshots; subtotals and the total are derived when read.
 */
@Entity({ name: 'order_history' })
export class OrderHistoryEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('uuid', { name: 'session_id' }) sessionId: string;
  @Column('uuid', { name: 'table_id' }) tableId: string;
  @Column('integer', { name: 'table_number' }) tableNumber: number;
  @Column('integer', { name: 'order_number' }) orderNumber: number;
  @Column('date', { name: 'business_date' }) businessDate: string;
  @Column('varchar', { length: 20 }) status: string;
  @Column('varchar', { length: 200, nullable: true }) note: string | null;
  @Column('integer', { name: 'total_amount' }) totalAmount: number;
  @Column('jsonb') items: OrderLineSnapshot[];
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'completed_at' }) completedAt: Date;
}
