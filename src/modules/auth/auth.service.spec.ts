import { AppError } from '../../common/errors';
import type { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { LoginLockoutService, MemoryLockoutStore } from './login-lockout.service';
import type { PasswordService } from './password.service';
import type { TokenClaims, TokenService } from './token.service';
import { createMock } from '../../../test/utils/automock';

const STORE = { id: '11111111-1111-4111-8111-111111111111', code: 'demo', name: 'Demo' };
const ADMIN = {
  id: '22222222-2222-4222-8222-222222222222',
  username: 'admin',
  passwordHash: 'hash:admin-pass',
  isActive: true,
  tokenVersion: 3,
  store: STORE,
};
const TABLE = {
  id: '33333333-3333-4333-8333-333333333333',
  number: 4,
  passwordHash: 'hash:1234',
  tokenVersion: 1,
  store: STORE,
};

describe('AuthService', () => {
  let repository: jest.Mocked<Pick<AuthRepository, 'findStoreAdmin' | 'findSuperadmin' | 'findTable'>>;
  let verified: Array<string | undefined>;
  let issued: TokenClaims[];
  let service: AuthService;

  beforeEach(() => {
    repository = {
      findStoreAdmin: jest.fn().mockResolvedValue(ADMIN),
      findSuperadmin: jest.fn().mockResolvedValue({ ...ADMIN, store: null, username: 'root' }),
      findTable: jest.fn().mockResolvedValue(TABLE),
    };
    verified = [];
    const passwords = createMock<PasswordService>({
      verify: (password: string, hash: string | undefined) => {
        verified.push(hash);
        return Promise.resolve(hash !== undefined && hash === `hash:${password}`);
      },
    });
    issued = [];
    const tokens = createMock<TokenService>({
      issue: (claims: TokenClaims) => {
        issued.push(claims);
        return Promise.resolve({ accessToken: 'signed', tokenType: 'Bearer' as const, expiresIn: 57600 });
      },
    });
    service = new AuthService(
      createMock<AuthRepository>(repository),
      passwords,
      new LoginLockoutService(new MemoryLockoutStore()),
      tokens,
    );
  });

  const adminLogin = (password: string) =>
    service.adminLogin({ storeCode: 'demo', username: 'admin', password });

  it('issues an admin token carrying the store and the token version', async () => {
    const res = await adminLogin('admin-pass');
    expect(res).toEqual({
      accessToken: 'signed',
      tokenType: 'Bearer',
      expiresIn: 57600,
      role: 'admin',
      store: STORE,
      admin: { id: ADMIN.id, username: 'admin' },
    });
    expect(issued).toEqual([{ sub: `admin:${ADMIN.id}`, role: 'admin', storeId: STORE.id, ver: 3 }]);
  });

  it('issues a table token with the table id', async () => {
    const res = await service.tableLogin({ storeCode: 'demo', tableNumber: 4, password: '1234' });
    expect(res.table).toEqual({ id: TABLE.id, number: 4 });
    expect(issued).toEqual([
      { sub: `table:${TABLE.id}`, role: 'table', storeId: STORE.id, tableId: TABLE.id, ver: 1 },
    ]);
  });

  it('issues a superadmin token without a store', async () => {
    const res = await service.superadminLogin({ username: 'root', password: 'admin-pass' });
    expect(res).toEqual({ accessToken: 'signed', tokenType: 'Bearer', expiresIn: 57600, role: 'superadmin' });
    expect(issued[0]).toEqual({ sub: `superadmin:${ADMIN.id}`, role: 'superadmin', ver: 3 });
  });

  it('still runs the password comparison when the user does not exist', async () => {
    repository.findStoreAdmin.mockResolvedValue(null);
    await expect(adminLogin('admin-pass')).rejects.toMatchObject({ status: 401, code: 'AUTH_FAILED' });
    expect(verified).toEqual([undefined]);
  });

  it('refuses an inactive admin with the same AUTH_FAILED', async () => {
    repository.findStoreAdmin.mockResolvedValue({ ...ADMIN, isActive: false });
    const error = (await adminLogin('admin-pass').catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.detail).toBe('invalid credentials');
    expect(issued).toEqual([]);
  });

  it('locks after five failures, before looking at the password, and a success resets the count', async () => {
    for (let i = 0; i < 4; i++) await expect(adminLogin('nope')).rejects.toMatchObject({ status: 401 });
    await adminLogin('admin-pass');
    for (let i = 0; i < 5; i++) await expect(adminLogin('nope')).rejects.toMatchObject({ status: 401 });
    verified = [];
    await expect(adminLogin('admin-pass')).rejects.toMatchObject({ status: 429, code: 'LOGIN_LOCKED' });
    expect(verified).toEqual([]);
  });

  it('keeps lockouts apart per store and username', async () => {
    for (let i = 0; i < 5; i++) await expect(adminLogin('nope')).rejects.toMatchObject({ status: 401 });
    await expect(
      service.adminLogin({ storeCode: 'other', username: 'admin', password: 'admin-pass' }),
    ).resolves.toMatchObject({ role: 'admin' });
    await expect(
      service.tableLogin({ storeCode: 'demo', tableNumber: 4, password: '1234' }),
    ).resolves.toMatchObject({ role: 'table' });
  });

  it('describes the principal for /auth/me', () => {
    expect(service.me({ role: 'table', storeId: 's', tableId: 't', exp: 1_800_000_000 })).toEqual({
      role: 'table',
      storeId: 's',
      tableId: 't',
      expiresAt: '2027-01-15T08:00:00.000Z',
    });
  });
});
