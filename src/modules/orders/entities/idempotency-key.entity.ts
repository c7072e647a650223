import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `idempotency_keys`: an Idempotency-Key of POST /orders, scoped to the table, with the response it got. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn('uuid', { name: 'table_id' }) tableId: string;
  @PrimaryColumn('varchar', { length: 255 }) key: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('char', { name: 'request_hash', length: 64 }) requestHash: string;
  @Column('integer', { name: 'response_status', nullable: true }) responseStatus: number | null;
  @Column('jsonb', { name: 'response_body', nullable: true }) responseBody: unknown;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
}
