import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `table_sessions`: one seating of a table, from its first order to 이용 완료; active while ended_at is null. */
@Entity({ name: 'table_sessions' })
export class TableSessionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('uuid', { name: 'table_id' }) tableId: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt: Date | null;
}
