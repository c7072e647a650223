import type { AuthRepository, PrincipalState } from './auth.repository';
import { LOCAL_TTL_MS, TokenRevocationService } from './token-revocation.service';
import { createMock } from '../../../test/utils/automock';

describe('TokenRevocationService (in-process cache)', () => {
  let states: Map<string, PrincipalState | null>;
  let reads: number;
  let service: TokenRevocationService;
  const admin = { role: 'admin' as const, storeId: 's', adminId: 'a1', exp: 0, ver: 2 };
  const table = { role: 'table' as const, storeId: 's', tableId: 't1', exp: 0, ver: 0 };

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    states = new Map([
      ['a1', { tokenVersion: 2, active: true }],
      ['t1', { tokenVersion: 0, active: true }],
    ]);
    reads = 0;
    const read = (id: string) => {
      reads++;
      return Promise.resolve(states.get(id) ?? null);
    };
    const repository = createMock<AuthRepository>({ adminState: read, tableState: read });
    service = new TokenRevocationService(repository, null);
  });
  afterEach(() => jest.useRealTimers());

  it('accepts the current version and reads the database once per TTL', async () => {
    expect(await service.isCurrent(admin)).toBe(true);
    expect(await service.isCurrent(admin)).toBe(true);
    expect(reads).toBe(1);
    jest.advanceTimersByTime(LOCAL_TTL_MS + 1);
    expect(await service.isCurrent(admin)).toBe(true);
    expect(reads).toBe(2);
  });

  it('refuses a stale version within the TTL, at once after forget', async () => {
    expect(await service.isCurrent(table)).toBe(true);
    states.set('t1', { tokenVersion: 1, active: true });
    expect(await service.isCurrent(table)).toBe(true);
    await service.forget('table', 't1');
    expect(await service.isCurrent(table)).toBe(false);
    expect(await service.isCurrent({ ...table, ver: 1 })).toBe(true);
  });

  it('refuses after the TTL even without forget', async () => {
    expect(await service.isCurrent(admin)).toBe(true);
    states.set('a1', { tokenVersion: 3, active: false });
    jest.advanceTimersByTime(LOCAL_TTL_MS + 1);
    expect(await service.isCurrent(admin)).toBe(false);
  });

  it('refuses inactive and vanished principals and tokens without a version', async () => {
    states.set('a1', { tokenVersion: 2, active: false });
    expect(await service.isCurrent(admin)).toBe(false);
    expect(await service.isCurrent({ ...table, tableId: 'gone' })).toBe(false);
    expect(await service.isCurrent({ ...table, ver: undefined })).toBe(false);
  });

  it('shares one database read between concurrent checks', async () => {
    await Promise.all([service.isCurrent(admin), service.isCurrent(admin), service.isCurrent(admin)]);
    expect(reads).toBe(1);
  });
});
