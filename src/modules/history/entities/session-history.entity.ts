import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An archived table session (migrations/1763769600000-InitialSchema.ts, session_history). */
@Entity({ name: 'session_history' })
export class SessionHistoryEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('uuid', { name: 'table_id' }) tableId: string;
  @Column('integer', { name: 'table_number' }) tableNumber: number;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'completed_at' }) completedAt: Date;
  @Column('integer', { name: 'order_count' }) orderCount: number;
  // bigint (migrations/1764806400000-SessionTotals.ts): read as a string by pg, mapped with Number().
  @Column('bigint', { name: 'total_amount' }) totalAmount: string;
}
