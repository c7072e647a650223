import type { AdminPrincipal } from '../../common/auth';
import { AppError } from '../../common/errors';
import type { TransactionService } from '../../database/transaction.service';
import type { PasswordService } from '../auth/password.service';
import type { TokenRevocationService } from '../auth/token-revocation.service';
import type { OutboxService } from '../events/outbox.service';
import type { MetricsService } from '../metrics/metrics.service';
import type { StaffCallsRepository } from '../staff-calls/staff-calls.repository';
import type { StaffCallsService } from '../staff-calls/staff-calls.service';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TablesService } from './tables.service';

const admin: AdminPrincipal = { role: 'admin', storeId: 'store-1', adminId: 'admin-1', exp: 9e9 };
const em = { marker: 'em' };
const tx = {
  run: jest.fn((work: (m: unknown) => Promise<unknown>) => work(em)),
} as unknown as TransactionService;

function order(id: string, tableId: string) {
  return { id, tableId, orderNumber: 1, status: 'PENDING', items: [], totalAmount: 1000 };
}

function sessions(
  repo: Partial<Record<keyof SessionsRepository, jest.Mock>>,
  calls: Partial<Record<keyof StaffCallsRepository, jest.Mock>> = {},
) {
  const outbox = { append: jest.fn().mockResolvedValue({ id: 1, eventId: 1 }), committed: jest.fn() };
  const metrics = { tableCompleted: jest.fn() };
  const staffCalls = {
    ofStore: jest.fn().mockResolvedValue([]),
    resolveOpenOfTable: jest.fn().mockResolvedValue([]),
    ...calls,
  };
  const staffCallEvents = { announceResolved: jest.fn().mockResolvedValue(undefined) };
  const service = new SessionsService(
    repo as unknown as SessionsRepository,
    tx,
    outbox as unknown as OutboxService,
    metrics as unknown as MetricsService,
    staffCalls as unknown as StaffCallsRepository,
    staffCallEvents as unknown as StaffCallsService,
  );
  return { service, outbox, metrics, staffCalls, staffCallEvents };
}

describe('SessionsService', () => {
  it('builds the dashboard from three queries: each table with its session (or null), recent orders and open calls', async () => {
    const call = { id: 'c1', tableId: 't2', reason: 'WATER', status: 'OPEN' };
    const startedAt = new Date('2026-11-21T09:00:00Z');
    const { service } = sessions(
      {
        dashboardTables: jest.fn().mockResolvedValue([
          { id: 't1', number: '1', sessionId: 's1', startedAt, totalAmount: '24000', orderCount: '2' },
          { id: 't2', number: 2, sessionId: null, startedAt: null, totalAmount: null, orderCount: null },
        ]),
        recentOrders: jest.fn().mockResolvedValue([order('o2', 't1'), order('o1', 't1')]),
      },
      { ofStore: jest.fn().mockResolvedValue([call]) },
    );
    const tables = await service.dashboard(admin);
    expect(tables).toEqual([
      {
        id: 't1',
        number: 1,
        session: { id: 's1', startedAt: '2026-11-21T09:00:00.000Z', totalAmount: 24000, orderCount: 2 },
        recentOrders: [order('o2', 't1'), order('o1', 't1')],
        openStaffCalls: [],
      },
      { id: 't2', number: 2, session: null, recentOrders: [], openStaffCalls: [call] },
    ]);
  });

  it('completes the active session: archives it, writes table_reset, and announces it only after commit', async () => {
    const startedAt = new Date('2026-11-21T09:00:00Z');
    const completedAt = new Date('2026-11-21T11:00:00Z');
    const archiveSession = jest.fn().mockResolvedValue({ completedAt, orderCount: 3, totalAmount: 31000 });
    const { service, outbox, metrics } = sessions({
      findTable: jest.fn().mockResolvedValue({ number: 4 }),
      lockActiveSession: jest.fn().mockResolvedValue({ id: 's1', startedAt }),
      archiveSession,
    });
    const result = await service.complete(admin, 't1');
    expect(result).toEqual({
      sessionId: 's1',
      tableId: 't1',
      startedAt: '2026-11-21T09:00:00.000Z',
      completedAt: '2026-11-21T11:00:00.000Z',
      orderCount: 3,
      totalAmount: 31000,
    });
    expect(archiveSession).toHaveBeenCalledWith(em, {
      id: 's1',
      storeId: 'store-1',
      tableId: 't1',
      tableNumber: 4,
      startedAt,
    });
    expect(outbox.append).toHaveBeenCalledWith(em, {
      storeId: 'store-1',
      type: 'table_reset',
      tableId: 't1',
      data: { sessionId: 's1', completedAt: '2026-11-21T11:00:00.000Z' },
    });
    expect(outbox.committed).toHaveBeenCalledTimes(1);
    expect(metrics.tableCompleted).toHaveBeenCalledTimes(1);
  });

  it('resolves the table’s open staff calls in the completing transaction, announced before table_reset', async () => {
    const startedAt = new Date('2026-11-21T09:00:00Z');
    const completedAt = new Date('2026-11-21T11:00:00Z');
    const resolved = [{ id: 'c1', tableId: 't1', status: 'RESOLVED' }];
    const { service, outbox, staffCalls, staffCallEvents } = sessions(
      {
        findTable: jest.fn().mockResolvedValue({ number: 4 }),
        lockActiveSession: jest.fn().mockResolvedValue({ id: 's1', startedAt }),
        archiveSession: jest.fn().mockResolvedValue({ completedAt, orderCount: 0, totalAmount: 0 }),
      },
      { resolveOpenOfTable: jest.fn().mockResolvedValue(resolved) },
    );
    await service.complete(admin, 't1');
    expect(staffCalls.resolveOpenOfTable).toHaveBeenCalledWith(em, 'store-1', 't1', 'admin-1');
    expect(staffCallEvents.announceResolved).toHaveBeenCalledWith(em, 'store-1', resolved);
    expect(staffCallEvents.announceResolved.mock.invocationCallOrder[0]).toBeLessThan(
      outbox.append.mock.invocationCallOrder[0],
    );
  });

  it('answers 404 for a table of another store and 409 NO_ACTIVE_SESSION for an idle table, writing nothing', async () => {
    const missing = sessions({ findTable: jest.fn().mockResolvedValue(undefined) });
    await expect(missing.service.complete(admin, 't9')).rejects.toMatchObject({
      status: 404,
      code: 'TABLE_NOT_FOUND',
    });
    const idle = sessions({
      findTable: jest.fn().mockResolvedValue({ number: 1 }),
      lockActiveSession: jest.fn().mockResolvedValue(undefined),
    });
    await expect(idle.service.complete(admin, 't1')).rejects.toMatchObject({
      status: 409,
      code: 'NO_ACTIVE_SESSION',
    });
    for (const s of [missing, idle]) {
      expect(s.outbox.append).not.toHaveBeenCalled();
      expect(s.outbox.committed).not.toHaveBeenCalled();
      expect(s.metrics.tableCompleted).not.toHaveBeenCalled();
    }
  });
});

describe('TablesService', () => {
  function tables(repo: Partial<Record<keyof SessionsRepository, jest.Mock>>) {
    const revocation = { forget: jest.fn().mockResolvedValue(undefined) };
    const passwords = { hash: jest.fn().mockResolvedValue('hash') };
    const service = new TablesService(
      repo as unknown as SessionsRepository,
      tx,
      passwords as unknown as PasswordService,
      revocation as unknown as TokenRevocationService,
    );
    return { service, revocation, passwords };
  }

  it('changing the password logs the tablet out (forgets its cached token version)', async () => {
    const { service, revocation } = tables({
      changePassword: jest.fn().mockResolvedValue({ id: 't1', number: 3 }),
    });
    await expect(service.changePassword(admin, 't1', 'new-pass')).resolves.toEqual({ id: 't1', number: 3 });
    expect(revocation.forget).toHaveBeenCalledWith('table', 't1');
  });

  it('a foreign or unknown table is 404 and revokes nothing', async () => {
    const { service, revocation } = tables({ changePassword: jest.fn().mockResolvedValue(undefined) });
    await expect(service.changePassword(admin, 'tX', 'new-pass')).rejects.toBeInstanceOf(AppError);
    expect(revocation.forget).not.toHaveBeenCalled();
  });

  it('refuses to delete a table with an active session', async () => {
    const deleteTable = jest.fn();
    const { service } = tables({
      lockTable: jest.fn().mockResolvedValue({ number: 1 }),
      hasActiveSession: jest.fn().mockResolvedValue(true),
      deleteTable,
    });
    await expect(service.delete(admin, 't1')).rejects.toMatchObject({
      status: 409,
      code: 'TABLE_HAS_ACTIVE_SESSION',
    });
    expect(deleteTable).not.toHaveBeenCalled();
  });
});
