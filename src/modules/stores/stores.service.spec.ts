import type { EntityManager } from 'typeorm';
import type { TransactionService } from '../../database/transaction.service';
import type { PasswordService } from '../auth/password.service';
import type { TokenRevocationService } from '../auth/token-revocation.service';
import type { AdminUserEntity } from './entities/admin-user.entity';
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

describe('StoresService', () => {
  let repository: jest.Mocked<StoresRepository>;
  let insertAdmin: jest.Mock;
  let setAdminActive: jest.Mock;
  let forgotten: string[];
  let service: StoresService;

  beforeEach(() => {
    insertAdmin = jest.fn().mockResolvedValue(admin());
    setAdminActive = jest
      .fn()
      .mockImplementation((_id: string, isActive: boolean) =>
        Promise.resolve(admin({ isActive, tokenVersion: isActive ? 0 : 1 })),
      );
    repository = {
      insertStore: jest.fn().mockResolvedValue({ id: 's1', code: 'demo', name: 'Demo', createdAt: CREATED }),
      listStores: jest.fn().mockResolvedValue([]),
      storeExists: jest.fn().mockResolvedValue(true),
      insertAdmin,
      listAdmins: jest.fn().mockResolvedValue([admin()]),
      findAdminForUpdate: jest.fn().mockResolvedValue(admin()),
      setAdminActive,
    } as unknown as jest.Mocked<StoresRepository>;
    const transactions = {
      run: <T>(work: (em: EntityManager) => Promise<T>) => work({} as EntityManager),
    } as unknown as TransactionService;
    const passwords = { hash: (p: string) => Promise.resolve(`hash:${p}`) } as unknown as PasswordService;
    forgotten = [];
    const revocation = {
      forget: (kind: string, id: string) => {
        forgotten.push(`${kind}:${id}`);
        return Promise.resolve();
      },
    } as unknown as TokenRevocationService;
    service = new StoresService(repository, transactions, passwords, revocation);
  });

  it('creates a store and renders createdAt as ISO', async () => {
    await expect(service.createStore({ code: 'demo', name: 'Demo' })).resolves.toEqual({
      id: 's1',
      code: 'demo',
      name: 'Demo',
      createdAt: '2026-11-21T09:30:00.000Z',
    });
  });

  it('stores a hash, never the password, and answers without it', async () => {
    const res = await service.createAdmin('s1', { username: 'manager', password: 'secret-pass' });
    expect(insertAdmin.mock.calls[0][0]).toEqual({
      storeId: 's1',
      username: 'manager',
      passwordHash: 'hash:secret-pass',
    });
    expect(res).toEqual({ id: 'a1', username: 'manager', isActive: true });
  });

  it('answers STORE_NOT_FOUND for an unknown store', async () => {
    repository.storeExists.mockResolvedValue(false);
    await expect(
      service.createAdmin('nope', { username: 'manager', password: 'secret-pass' }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'STORE_NOT_FOUND',
    });
    await expect(service.listAdmins('nope')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    expect(insertAdmin).not.toHaveBeenCalled();
  });

  it('deactivation changes the row and then forgets the cached token version', async () => {
    const res = await service.setAdminActive('a1', false);
    expect(res).toEqual({
      id: 'a1',
      username: 'manager',
      isActive: false,
      createdAt: '2026-11-21T09:30:00.000Z',
    });
    expect(setAdminActive).toHaveBeenCalledWith('a1', false, expect.anything());
    expect(forgotten).toEqual(['admin:a1']);
  });

  it('setting the current state again changes nothing', async () => {
    await service.setAdminActive('a1', true);
    expect(setAdminActive).not.toHaveBeenCalled();
    expect(forgotten).toEqual([]);
  });

  it('answers ADMIN_NOT_FOUND for an unknown admin', async () => {
    repository.findAdminForUpdate.mockResolvedValue(null);
    await expect(service.setAdminActive('zz', false)).rejects.toMatchObject({
      status: 404,
      code: 'ADMIN_NOT_FOUND',
    });
  });
});
