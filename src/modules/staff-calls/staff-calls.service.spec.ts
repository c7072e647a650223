import type { EntityManager } from 'typeorm';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import { AppError } from '../../common/errors';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { StaffCallDto } from './dto/staff-call.dto';
import type { StaffCallsRepository } from './staff-calls.repository';
import { StaffCallsService } from './staff-calls.service';

const em = {} as EntityManager;
const tx = {
  run: (work: (m: EntityManager) => Promise<unknown>) => work(em),
} as unknown as TransactionService;
const table: TablePrincipal = { role: 'table', storeId: 's1', tableId: 't1', exp: 0 };
const admin: AdminPrincipal = { role: 'admin', storeId: 's1', adminId: 'a1', exp: 0 };

const call = (values: Partial<StaffCallDto> = {}): StaffCallDto => ({
  id: 'c1',
  tableId: 't1',
  tableNumber: 1,
  reason: 'WATER',
  message: null,
  status: 'OPEN',
  createdAt: '2026-11-21T09:30:00.000Z',
  resolvedAt: null,
  ...values,
});

function setup(repo: Partial<Record<keyof StaffCallsRepository, jest.Mock>>) {
  const outbox = { append: jest.fn().mockResolvedValue({ id: 1, eventId: 1 }), committed: jest.fn() };
  const service = new StaffCallsService(
    repo as unknown as StaffCallsRepository,
    tx,
    outbox as unknown as OutboxService,
  );
  return { service, outbox };
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

describe('StaffCallsService', () => {
  it('opens a call, writes staff_call in the same transaction and signals the relay after it', async () => {
    const created = call({ message: '물' });
    const repo = { insertOpen: jest.fn().mockResolvedValue(created), findOpen: jest.fn() };
    const { service, outbox } = setup(repo);
    await expect(service.press(table, { reason: 'WATER', message: '물' })).resolves.toEqual({
      created: true,
      call: created,
    });
    expect(repo.insertOpen).toHaveBeenCalledWith(em, {
      storeId: 's1',
      tableId: 't1',
      reason: 'WATER',
      message: '물',
    });
    expect(repo.findOpen).not.toHaveBeenCalled();
    expect(outbox.append).toHaveBeenCalledWith(em, {
      storeId: 's1',
      type: 'staff_call',
      tableId: 't1',
      data: { call: created },
    });
    expect(outbox.committed).toHaveBeenCalledTimes(1);
  });

  it('answers the open call with the same reason unchanged and sends nothing', async () => {
    const open = call({ message: 'first' });
    const repo = {
      insertOpen: jest.fn().mockResolvedValue(undefined),
      findOpen: jest.fn().mockResolvedValue(open),
    };
    const { service, outbox } = setup(repo);
    await expect(service.press(table, { reason: 'WATER', message: 'second' })).resolves.toEqual({
      created: false,
      call: open,
    });
    expect(outbox.append).not.toHaveBeenCalled();
    expect(outbox.committed).not.toHaveBeenCalled();
  });

  it('presses again when the open call it lost to was resolved before it could be read', async () => {
    const created = call({ id: 'c2' });
    const repo = {
      insertOpen: jest.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce(created),
      findOpen: jest.fn().mockResolvedValue(undefined),
    };
    const { service } = setup(repo);
    await expect(service.press(table, { reason: 'WATER' })).resolves.toEqual({
      created: true,
      call: created,
    });
    expect(repo.insertOpen).toHaveBeenCalledTimes(2);
    expect(repo.insertOpen.mock.calls[0][1].message).toBeNull();
  });

  it('resolves an open call once (staff_call_resolved), answers a resolved one unchanged, 404 otherwise', async () => {
    const resolved = call({ status: 'RESOLVED', resolvedAt: '2026-11-21T09:40:00.000Z' });
    const first = setup({ resolve: jest.fn().mockResolvedValue(resolved) });
    await expect(first.service.resolve(admin, 'c1')).resolves.toBe(resolved);
    expect(first.outbox.append).toHaveBeenCalledWith(em, {
      storeId: 's1',
      type: 'staff_call_resolved',
      tableId: 't1',
      data: { call: resolved },
    });
    expect(first.outbox.committed).toHaveBeenCalledTimes(1);

    const again = setup({
      resolve: jest.fn().mockResolvedValue(undefined),
      find: jest.fn().mockResolvedValue(resolved),
    });
    await expect(again.service.resolve(admin, 'c1')).resolves.toBe(resolved);
    expect(again.outbox.append).not.toHaveBeenCalled();
    expect(again.outbox.committed).not.toHaveBeenCalled();

    const missing = setup({
      resolve: jest.fn().mockResolvedValue(undefined),
      find: jest.fn().mockResolvedValue(undefined),
    });
    expect(await rejectionOf(missing.service.resolve(admin, 'c9'))).toEqual({
      status: 404,
      code: 'STAFF_CALL_NOT_FOUND',
    });
  });

  it('lists OPEN calls by default', async () => {
    const repo = { ofStore: jest.fn().mockResolvedValue([]) };
    const { service } = setup(repo);
    await service.list(admin);
    await service.list(admin, 'RESOLVED');
    expect(repo.ofStore.mock.calls).toEqual([
      ['s1', 'OPEN'],
      ['s1', 'RESOLVED'],
    ]);
  });
});
