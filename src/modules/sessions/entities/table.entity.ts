import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `tables`: a store's table; its tablet logs in with the number and password. */
@Entity({ name: 'tables' })
export class RestaurantTableEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'store_id' }) storeId: string;
  @Column('integer') number: number;
  @Column('varchar', { name: 'password_hash', length: 100 }) passwordHash: string;
  @Column('integer', { name: 'token_version', default: 0 }) tokenVersion: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
