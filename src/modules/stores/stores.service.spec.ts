import type { EntityManager } from 'typeorm';
import type { TransactionService } from '../../database/transaction.service';
import type { PasswordService } from '../auth/password.service';
import type { TokenRevocationService } from '../auth/token-revocation.service';
import { createMock } from '../../../test/utils/automock';
import type { AdminUserEntity } from './entities/admin-user.entity';
import type { StoreEntity } from './entities/store.entity';
import type { StoresRepository } from './stores.repository';
import { StoresService } from './stores.service';

const CREATED = new Date('2026-11-21T09:30:00.000Z');
const admin = (values: Partial<AdminUserEntity> = {}): AdminUserEntity =>
  ({
    id: 'a1',
    storeId: 's1',
    username: 'manager',
    passwordHash: 'x',
    role: 'store_admin',
    isActive: true,
    tokenVersion: 0,
    createdAt: CREATED,
    updatedAt: CREATED,
    ...values,
  }) as AdminUserEntity;

/** Stores and their admins in memory, as StoresRepository keeps them: deactivation bumps the token version. */
class StoresFake {
  readonly stores: StoreEntity[] = [
    { id: 's1', code: 'home', name: 'Home', createdAt: CREATED } as StoreEntity,
  ];
  readonly admins: AdminUserEntity[] = [admin()];

  insertStore(values: { code: string; name: string }): Promise<StoreEntity> {
    const store = { id: `s${this.stores.length + 1}`, ...values, createdAt: CREATED } as StoreEntity;
    this.stores.push(store);
    return Promise.resolve(store);
  }

  listStores(): Promise<StoreEntity[]> {
    return Promise.resolve([...this.stores]);
  }

  storeExists(storeId: string): Promise<boolean> {
    return Promise.resolve(this.stores.some((s) => s.id === storeId));
  }

  insertAdmin(values: { storeId: string; username: string; passwordHash: string }): Promise<AdminUserEntity> {
    const row = admin({ id: `a${this.admins.length + 1}`, ...values });
    this.admins.push(row);
    return Promise.resolve(row);
  }

  listAdmins(storeId: string): Promise<AdminUserEntity[]> {
    return Promise.resolve(this.admins.filter((a) => a.storeId === storeId));
  }

  findAdminForUpdate(adminId: string): Promise<AdminUserEntity | null> {
    const row = this.admins.find((a) => a.id === adminId);
    return Promise.resolve(row ? admin(row) : null);
  }

  setAdminActive(adminId: string, isActive: boolean): Promise<AdminUserEntity> {
    const row = this.admins.find((a) => a.id === adminId)!;
    Object.assign(row, {
      isActive,
      tokenVersion: row.tokenVersion + (isActive ? 0 : 1),
      updatedAt: new Date(),
    });
    return Promise.resolve(admin(row));
  }
}

describe('StoresService', () => {
  let repository: StoresFake;
  let forgotten: string[];
  let service: StoresService;

  beforeEach(() => {
    repository = new StoresFake();
    const transactions = createMock<TransactionService>({
      run: <T>(work: (em: EntityManager) => Promise<T>) => work({} as EntityManager),
    });
    const passwords = createMock<PasswordService>({ hash: (p: string) => Promise.resolve(`hash:${p}`) });
    forgotten = [];
    const revocation = createMock<TokenRevocationService>({
      forget: (kind: string, id: string) => {
        forgotten.push(`${kind}:${id}`);
        return Promise.resolve();
      },
    });
    service = new StoresService(
      createMock<StoresRepository>(repository),
      transactions,
      passwords,
      revocation,
    );
  });

  it('creates a store and renders createdAt as ISO', async () => {
    await expect(service.createStore({ code: 'demo', name: 'Demo' })).resolves.toEqual({
      id: 's2',
      code: 'demo',
      name: 'Demo',
      createdAt: '2026-11-21T09:30:00.000Z',
    });
  });

  it('stores a hash, never the password, and answers without it', async () => {
    const res = await service.createAdmin('s1', { username: 'manager', password: 'secret-pass' });
    expect(repository.admins.find((a) => a.id === res.id)).toMatchObject({
      storeId: 's1',
      username: 'manager',
      passwordHash: 'hash:secret-pass',
    });
    expect(res).toEqual({ id: 'a2', username: 'manager', isActive: true });
  });

  it('answers STORE_NOT_FOUND for an unknown store', async () => {
    await expect(
      service.createAdmin('nope', { username: 'manager', password: 'secret-pass' }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'STORE_NOT_FOUND',
    });
    await expect(service.listAdmins('nope')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    expect(repository.admins.map((a) => a.id)).toEqual(['a1']);
  });

  it('deactivation changes the row and then forgets the cached token version', async () => {
    const res = await service.setAdminActive('a1', false);
    expect(res).toEqual({
      id: 'a1',
      username: 'manager',
      isActive: false,
      createdAt: '2026-11-21T09:30:00.000Z',
    });
    expect(repository.admins[0]).toMatchObject({ isActive: false, tokenVersion: 1 });
    expect(forgotten).toEqual(['admin:a1']);
  });

  it('setting the current state again changes nothing', async () => {
    await service.setAdminActive('a1', true);
    expect(repository.admins[0]).toEqual(admin());
    expect(forgotten).toEqual([]);
  });

  it('answers ADMIN_NOT_FOUND for an unknown admin', async () => {
    await expect(service.setAdminActive('zz', false)).rejects.toMatchObject({
      status: 404,
      code: 'ADMIN_NOT_FOUND',
    });
  });
});
