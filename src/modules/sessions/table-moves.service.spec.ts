import type { EntityManager } from 'typeorm';
import type { AdminPrincipal } from '../../common/auth';
import { AppError } from '../../common/errors';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { StaffCallsRepository } from '../staff-calls/staff-calls.repository';
import type { StaffCallsService } from '../staff-calls/staff-calls.service';
import type { SessionsRepository } from './sessions.repository';
import { TableMovesService } from './table-moves.service';

const em = {} as EntityManager;
const tx = {
  run: (work: (m: EntityManager) => Promise<unknown>) => work(em),
} as unknown as TransactionService;
const admin: AdminPrincipal = { role: 'admin', storeId: 's1', adminId: 'a1', exp: 0 };
// `low` sorts before `high`: locks are taken in that order whichever is the source.
const low = '11111111-1111-4111-8111-111111111111';
const high = '99999999-9999-4999-8999-999999999999';

function setup(repo: Partial<Record<keyof SessionsRepository, jest.Mock>>) {
  const outbox = { append: jest.fn().mockResolvedValue({ id: 1, eventId: 1 }), committed: jest.fn() };
  const staffCalls = { moveOpen: jest.fn().mockResolvedValue([]) };
  const staffCallEvents = { announceResolved: jest.fn().mockResolvedValue(undefined) };
  const full = {
    lockTablesInOrder: jest.fn().mockResolvedValue(
      new Map([
        [low, { number: 1 }],
        [high, { number: 2 }],
      ]),
    ),
    sessionTotals: jest.fn().mockResolvedValue({ orderCount: 2, totalAmount: 3000 }),
    moveSession: jest.fn(),
    mergeSession: jest.fn(),
    hasActiveSession: jest.fn().mockResolvedValue(false),
    ...repo,
  };
  const service = new TableMovesService(
    full as unknown as SessionsRepository,
    tx,
    outbox as unknown as OutboxService,
    staffCalls as unknown as StaffCallsRepository,
    staffCallEvents as unknown as StaffCallsService,
  );
  return { service, outbox, repo: full, staffCalls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('TableMovesService', () => {
  it('moves the session, its open calls, writes table_moved and signals the relay after commit', async () => {
    const lockActiveSession = jest.fn().mockResolvedValue({ id: 'sess', startedAt: new Date() });
    const { service, outbox, repo, staffCalls } = setup({ lockActiveSession });
    await expect(service.move(admin, high, low)).resolves.toEqual({
      sessionId: 'sess',
      fromTableId: high,
      toTableId: low,
      orderCount: 2,
      totalAmount: 3000,
    });
    expect(repo.lockTablesInOrder).toHaveBeenCalledWith(em, 's1', [high, low]);
    expect(lockActiveSession.mock.calls).toEqual([[em, 's1', high]]);
    expect(repo.moveSession).toHaveBeenCalledWith(em, 'sess', low);
    expect(staffCalls.moveOpen).toHaveBeenCalledWith(em, {
      storeId: 's1',
      fromTableId: high,
      toTableId: low,
      adminId: 'a1',
    });
    expect(outbox.append).toHaveBeenCalledWith(em, {
      storeId: 's1',
      type: 'table_moved',
      tableId: high,
      data: { fromTableId: high, toTableId: low, sessionId: 'sess', merged: false },
    });
    expect(outbox.committed).toHaveBeenCalledTimes(1);
  });

  it('locks both sessions of a merge in table-id order and merges into the target’s', async () => {
    const lockActiveSession = jest.fn((_em: unknown, _s: string, id: string) =>
      Promise.resolve({ id: id === low ? 'target' : 'source', startedAt: new Date() }),
    );
    const { service, outbox, repo } = setup({ lockActiveSession });
    const result = await service.merge(admin, high, low);
    expect(lockActiveSession.mock.calls.map((c) => c[2])).toEqual([low, high]);
    expect(repo.mergeSession).toHaveBeenCalledWith(em, 'source', { sessionId: 'target', tableId: low });
    expect(result.sessionId).toBe('target');
    expect(outbox.append.mock.calls[0][1].data).toEqual({
      fromTableId: high,
      toTableId: low,
      sessionId: 'target',
      merged: true,
    });
  });

  it('refuses the same table (400), a missing table (404), an idle source or target and a busy target (409)', async () => {
    const { service, repo } = setup({});
    expect(await rejectionOf(service.move(admin, low, low.toUpperCase()))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
    });
    expect(repo.lockTablesInOrder).not.toHaveBeenCalled();

    const missing = setup({
      lockTablesInOrder: jest.fn().mockResolvedValue(new Map([[low, { number: 1 }]])),
    });
    expect(await rejectionOf(missing.service.move(admin, low, high))).toEqual({
      status: 404,
      code: 'TABLE_NOT_FOUND',
    });

    const idle = setup({ lockActiveSession: jest.fn().mockResolvedValue(undefined) });
    expect(await rejectionOf(idle.service.move(admin, low, high))).toEqual({
      status: 409,
      code: 'NO_ACTIVE_SESSION',
    });

    const busy = setup({
      lockActiveSession: jest.fn().mockResolvedValue({ id: 'sess', startedAt: new Date() }),
      hasActiveSession: jest.fn().mockResolvedValue(true),
    });
    expect(await rejectionOf(busy.service.move(admin, low, high))).toEqual({
      status: 409,
      code: 'TABLE_HAS_ACTIVE_SESSION',
    });
    expect(busy.repo.moveSession).not.toHaveBeenCalled();
    expect(busy.outbox.append).not.toHaveBeenCalled();

    const targetIdle = setup({
      lockActiveSession: jest.fn((_em: unknown, _s: string, id: string) =>
        Promise.resolve(id === low ? { id: 'sess', startedAt: new Date() } : undefined),
      ),
    });
    expect(await rejectionOf(targetIdle.service.merge(admin, low, high))).toEqual({
      status: 409,
      code: 'NO_ACTIVE_SESSION',
    });
    expect(targetIdle.repo.mergeSession).not.toHaveBeenCalled();
  });
});
