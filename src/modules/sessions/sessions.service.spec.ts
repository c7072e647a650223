import { createMock } from '../../../test/utils/automock';
import { OutboxFake, TransactionFake } from '../../../test/utils/fakes';
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
function order(id: string, tableId: string) {
  return { id, tableId, orderNumber: 1, status: 'PENDING', items: [], totalAmount: 1000 };
}

/**
 * SessionsService against a repository whose reads are set per test, with what it writes kept: the archived
 * sessions, the events (the staff calls' announcements included, as StaffCallsService appends them), the calls
 * resolved and the tables completed.
 */
function sessions() {
  const tx = new TransactionFake();
  const outbox = new OutboxFake(tx);
  const archived: unknown[] = [];
  const counted = { completed: 0 };
  const repo = createMock<SessionsRepository>({
    archiveSession: (_em, session) => {
      archived.push(session);
      return Promise.resolve(archiveResult);
    },
  });
  let archiveResult = { completedAt: new Date(), orderCount: 0, totalAmount: 0 };
  const openCalls: Array<{ id: string; tableId: string; status: string }> = [];
  const staffCalls = createMock<StaffCallsRepository>({
    ofStore: () => Promise.resolve([]),
    resolveOpenOfTable: (_em, _storeId, tableId) => {
      const resolved = openCalls.filter((c) => c.tableId === tableId);
      for (const c of resolved) c.status = 'RESOLVED';
      return Promise.resolve(resolved as never[]);
    },
  });
  const staffCallEvents = createMock<StaffCallsService>({
    announceResolved: async (em, storeId, calls) => {
      for (const call of calls) {
        await outbox.append(em, {
          storeId,
          type: 'staff_call_resolved',
          tableId: call.tableId,
          data: { call },
        });
      }
    },
  });
  const service = new SessionsService(
    repo,
    createMock<TransactionService>(tx),
    createMock<OutboxService>(outbox),
    createMock<MetricsService>({
      tableCompleted: () => {
        counted.completed++;
      },
    }),
    staffCalls,
    staffCallEvents,
  );
  return {
    service,
    repo,
    staffCalls,
    outbox,
    archived,
    counted,
    openCalls,
    archives: (result: typeof archiveResult) => (archiveResult = result),
  };
}

describe('SessionsService', () => {
  it('builds the dashboard from three queries: each table with its session (or null), recent orders and open calls', async () => {
    const call = { id: 'c1', tableId: 't2', reason: 'WATER', status: 'OPEN' };
    const startedAt = new Date('2026-11-21T09:00:00Z');
    const { service, repo, staffCalls } = sessions();
    repo.dashboardTables.mockResolvedValue([
      { id: 't1', number: '1', sessionId: 's1', startedAt, totalAmount: '24000', orderCount: '2' },
      { id: 't2', number: 2, sessionId: null, startedAt: null, totalAmount: null, orderCount: null },
    ] as never);
    repo.recentOrders.mockResolvedValue([order('o2', 't1'), order('o1', 't1')] as never);
    staffCalls.ofStore.mockResolvedValue([call] as never);
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
    const { service, repo, outbox, archived, counted, archives } = sessions();
    repo.findTable.mockResolvedValue({ number: 4 });
    repo.lockActiveSession.mockResolvedValue({ id: 's1', startedAt });
    archives({ completedAt, orderCount: 3, totalAmount: 31000 });
    const result = await service.complete(admin, 't1');
    expect(result).toEqual({
      sessionId: 's1',
      tableId: 't1',
      startedAt: '2026-11-21T09:00:00.000Z',
      completedAt: '2026-11-21T11:00:00.000Z',
      orderCount: 3,
      totalAmount: 31000,
    });
    expect(archived).toEqual([{ id: 's1', storeId: 'store-1', tableId: 't1', tableNumber: 4, startedAt }]);
    expect(outbox.events).toEqual([
      {
        storeId: 'store-1',
        type: 'table_reset',
        tableId: 't1',
        data: { sessionId: 's1', completedAt: '2026-11-21T11:00:00.000Z' },
        inTransaction: true,
      },
    ]);
    expect(outbox.signals).toEqual([1]);
    expect(counted.completed).toBe(1);
  });

  it('resolves the table’s open staff calls in the completing transaction, announced before table_reset', async () => {
    const startedAt = new Date('2026-11-21T09:00:00Z');
    const { service, repo, outbox, openCalls } = sessions();
    openCalls.push({ id: 'c1', tableId: 't1', status: 'OPEN' }, { id: 'c2', tableId: 't2', status: 'OPEN' });
    repo.findTable.mockResolvedValue({ number: 4 });
    repo.lockActiveSession.mockResolvedValue({ id: 's1', startedAt });
    await service.complete(admin, 't1');
    expect(openCalls.map((c) => c.status)).toEqual(['RESOLVED', 'OPEN']);
    expect(outbox.events.map((e) => [e.type, e.inTransaction])).toEqual([
      ['staff_call_resolved', true],
      ['table_reset', true],
    ]);
    expect(outbox.events[0].data).toEqual({ call: { id: 'c1', tableId: 't1', status: 'RESOLVED' } });
  });

  it('answers 404 for a table of another store and 409 NO_ACTIVE_SESSION for an idle table, writing nothing', async () => {
    const missing = sessions();
    missing.repo.findTable.mockResolvedValue(undefined);
    await expect(missing.service.complete(admin, 't9')).rejects.toMatchObject({
      status: 404,
      code: 'TABLE_NOT_FOUND',
    });
    const idle = sessions();
    idle.repo.findTable.mockResolvedValue({ number: 1 });
    idle.repo.lockActiveSession.mockResolvedValue(undefined);
    await expect(idle.service.complete(admin, 't1')).rejects.toMatchObject({
      status: 409,
      code: 'NO_ACTIVE_SESSION',
    });
    for (const s of [missing, idle]) {
      expect(s.archived).toEqual([]);
      expect(s.outbox.events).toEqual([]);
      expect(s.outbox.signals).toEqual([]);
      expect(s.counted.completed).toBe(0);
    }
  });
});

describe('TablesService', () => {
  /** The service with the tokens it forgot and the tables it deleted. */
  function tables() {
    const forgotten: string[] = [];
    const deleted: string[] = [];
    const repo = createMock<SessionsRepository>({
      deleteTable: (_em, tableId) => {
        deleted.push(tableId);
        return Promise.resolve();
      },
    });
    const service = new TablesService(
      repo,
      createMock<TransactionService>(new TransactionFake()),
      createMock<PasswordService>({ hash: () => Promise.resolve('hash') }),
      createMock<TokenRevocationService>({
        forget: (kind: string, id: string) => {
          forgotten.push(`${kind}:${id}`);
          return Promise.resolve();
        },
      }),
    );
    return { service, repo, forgotten, deleted };
  }

  it('changing the password logs the tablet out (forgets its cached token version)', async () => {
    const { service, repo, forgotten } = tables();
    repo.changePassword.mockResolvedValue({ id: 't1', number: 3 });
    await expect(service.changePassword(admin, 't1', 'new-pass')).resolves.toEqual({ id: 't1', number: 3 });
    expect(forgotten).toEqual(['table:t1']);
  });

  it('a foreign or unknown table is 404 and revokes nothing', async () => {
    const { service, repo, forgotten } = tables();
    repo.changePassword.mockResolvedValue(undefined);
    await expect(service.changePassword(admin, 'tX', 'new-pass')).rejects.toBeInstanceOf(AppError);
    expect(forgotten).toEqual([]);
  });

  it('refuses to delete a table with an active session', async () => {
    const { service, repo, deleted } = tables();
    repo.lockTable.mockResolvedValue({ number: 1 });
    repo.hasActiveSession.mockResolvedValue(true);
    await expect(service.delete(admin, 't1')).rejects.toMatchObject({
      status: 409,
      code: 'TABLE_HAS_ACTIVE_SESSION',
    });
    expect(deleted).toEqual([]);
  });
});
