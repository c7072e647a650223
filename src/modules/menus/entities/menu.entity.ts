import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * `menus` as migrations/1763769600000-InitialSchema.ts defines it. Deleted menus stay as rows (`deleted_at`) so
 * order lines can still name them; every read for clients filters them out.
 */
@Entity({ name: 'menus' })
export class MenuEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'store_id', type: 'uuid' }) storeId: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) description: string | null;
  @Column({ type: 'integer' }) price: number;
  @Column({ name: 'image_path', type: 'varchar', length: 255, nullable: true }) imagePath: string | null;
  @Column({ name: 'thumbnail_path', type: 'varchar', length: 255, nullable: true })
  thumbnailPath: string | null;
  @Column({ name: 'is_available', type: 'boolean', default: true }) isAvailable: boolean;
  @Column({ name: 'display_order', type: 'integer', default: 0 }) displayOrder: number;
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true }) deletedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
