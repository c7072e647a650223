import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * `admin_users` as migrations/1763769600000-InitialSchema.ts defines it: store admins (`store_admin`, with a
 * store) and platform superadmins (`super_admin`, without). `token_version` is carried in tokens as `ver`;
 * bumping it revokes them.
 */
@Entity({ name: 'admin_users' })
export class AdminUserEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'store_id', type: 'uuid', nullable: true }) storeId: string | null;
  @Column({ type: 'varchar', length: 30 }) username: string;
  @Column({ name: 'password_hash', type: 'varchar', length: 100, select: false }) passwordHash: string;
  @Column({ type: 'varchar', length: 20 }) role: 'store_admin' | 'super_admin';
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  @Column({ name: 'token_version', type: 'integer', default: 0 }) tokenVersion: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
