import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AdminUserEntity } from './entities/admin-user.entity';
import { StoreEntity } from './entities/store.entity';

/** Stores and their admin accounts. Superadmin rows are never returned or changed here. */
@Injectable()
export class StoresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async insertStore(values: { code: string; name: string }, em?: EntityManager): Promise<StoreEntity> {
    const repo = this.manager(em).getRepository(StoreEntity);
    return repo.save(repo.create(values));
  }

  listStores(em?: EntityManager): Promise<StoreEntity[]> {
    return this.manager(em)
      .getRepository(StoreEntity)
      .find({ order: { createdAt: 'ASC', code: 'ASC' } });
  }

  async storeExists(storeId: string, em?: EntityManager): Promise<boolean> {
    return this.manager(em)
      .getRepository(StoreEntity)
      .exists({ where: { id: storeId } });
  }

  async insertAdmin(
    values: { storeId: string; username: string; passwordHash: string },
    em?: EntityManager,
  ): Promise<AdminUserEntity> {
    const repo = this.manager(em).getRepository(AdminUserEntity);
    return repo.save(repo.create({ ...values, role: 'store_admin', isActive: true, tokenVersion: 0 }));
  }

  listAdmins(storeId: string, em?: EntityManager): Promise<AdminUserEntity[]> {
    return this.manager(em)
      .getRepository(AdminUserEntity)
      .find({ where: { storeId, role: 'store_admin' }, order: { createdAt: 'ASC', username: 'ASC' } });
  }

  /** Locks the row for the rest of the transaction, so concurrent updates bump the version one after the other. */
  findAdminForUpdate(adminId: string, em: EntityManager): Promise<AdminUserEntity | null> {
    return em
      .getRepository(AdminUserEntity)
      .createQueryBuilder('a')
      .where('a.id = :adminId AND a.role = :role', { adminId, role: 'store_admin' })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Deactivation also bumps token_version: every token issued before it stops verifying. */
  async setAdminActive(adminId: string, isActive: boolean, em: EntityManager): Promise<AdminUserEntity> {
    await em.query(
      `UPDATE admin_users
          SET is_active = $2,
              token_version = token_version + CASE WHEN $2 THEN 0 ELSE 1 END,
              updated_at = now()
        WHERE id = $1`,
      [adminId, isActive],
    );
    return em.getRepository(AdminUserEntity).findOneByOrFail({ id: adminId });
  }
}
