import { Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { PasswordService } from '../auth/password.service';
import { TokenRevocationService } from '../auth/token-revocation.service';
import {
  toAdminDto,
  toStoreDto,
  type AdminDto,
  type CreateAdminDto,
  type CreatedAdminDto,
  type CreateStoreDto,
  type StoreDto,
} from './dto/stores.dto';
import { StoresRepository } from './stores.repository';

/**
 * The platform (superadmin) side: stores and their admin accounts. Duplicate codes and usernames are left to
 * the unique constraints (uq_stores_code, uq_admin_users_store_username), which the error filter maps to 409,
 * so two concurrent creations cannot both succeed.
 */
@Injectable()
export class StoresService {
  private readonly logger = new Logger(StoresService.name);

  constructor(
    private readonly repository: StoresRepository,
    private readonly transactions: TransactionService,
    private readonly passwords: PasswordService,
    private readonly revocation: TokenRevocationService,
  ) {}

  async createStore(dto: CreateStoreDto): Promise<StoreDto> {
    const store = await this.repository.insertStore({ code: dto.code, name: dto.name });
    this.logger.log({ storeId: store.id, code: store.code }, 'store created');
    return toStoreDto(store);
  }

  async listStores(): Promise<StoreDto[]> {
    return (await this.repository.listStores()).map(toStoreDto);
  }

  async createAdmin(storeId: string, dto: CreateAdminDto): Promise<CreatedAdminDto> {
    // Hashed before the transaction: bcrypt takes tens of milliseconds and needs no lock.
    const passwordHash = await this.passwords.hash(dto.password);
    const admin = await this.transactions.run(async (em) => {
      if (!(await this.repository.storeExists(storeId, em))) throw storeNotFound();
      return this.repository.insertAdmin({ storeId, username: dto.username, passwordHash }, em);
    });
    this.logger.log({ storeId, adminId: admin.id }, 'admin created');
    return { id: admin.id, username: admin.username, isActive: admin.isActive };
  }

  async listAdmins(storeId: string): Promise<AdminDto[]> {
    if (!(await this.repository.storeExists(storeId))) throw storeNotFound();
    return (await this.repository.listAdmins(storeId)).map(toAdminDto);
  }

  async setAdminActive(adminId: string, isActive: boolean): Promise<AdminDto> {
    const { admin, changed } = await this.transactions.run(async (em) => {
      const current = await this.repository.findAdminForUpdate(adminId, em);
      if (!current) throw AppError.notFound(ErrorCode.ADMIN_NOT_FOUND, 'admin not found');
      if (current.isActive === isActive) return { admin: current, changed: false };
      return { admin: await this.repository.setAdminActive(adminId, isActive, em), changed: true };
    });
    if (changed) {
      // After the commit, so no instance re-caches the old state from the database. Reactivation is forgotten
      // too, or the cached "inactive" would refuse the admin's new tokens for a while.
      await this.revocation.forget('admin', adminId);
      this.logger.log(
        { adminId, isActive },
        isActive ? 'admin reactivated' : 'admin deactivated; tokens revoked',
      );
    }
    return toAdminDto(admin);
  }
}

function storeNotFound(): AppError {
  return AppError.notFound(ErrorCode.STORE_NOT_FOUND, 'store not found');
}
