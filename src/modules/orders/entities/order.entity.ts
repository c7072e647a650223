import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `orders`: live orders of active sessions (completed sessions' orders move to order_history). */
@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('uuid', { name: 'table_id' }) tableId: string;
  @Column('uuid', { name: 'session_id' }) sessionId: string;
  @Column('integer', { name: 'order_number' }) orderNumber: number;
  @Column('date', { name: 'business_date' }) businessDate: string;
  @Column('varchar', { length: 20, default: 'PENDING' }) status: string;
  @Column('varchar', { length: 200, nullable: true }) note: string | null;
  @Column('integer', { name: 'total_amount' }) totalAmount: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
