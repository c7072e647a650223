import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** `menu_categories` as migrations/1763769600000-InitialSchema.ts defines it. */
@Entity({ name: 'menu_categories' })
export class MenuCategoryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'store_id', type: 'uuid' }) storeId: string;
  @Column({ type: 'varchar', length: 50 }) name: string;
  @Column({ name: 'display_order', type: 'integer', default: 0 }) displayOrder: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
