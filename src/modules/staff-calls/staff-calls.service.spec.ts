import type { EntityManager } from 'typeorm';
import { createMock } from '../../../test/utils/automock';
import { OutboxFake, TransactionFake } from '../../../test/utils/fakes';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { StaffCallDto, StaffCallReason, StaffCallStatus } from './dto/staff-call.dto';
import type { StaffCallsRepository } from './staff-calls.repository';
import { StaffCallsService } from './staff-calls.service';
import { rejectionOf } from '../../../test/utils/app-errors';

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

/** The staff_calls table in memory: at most one OPEN call per table and reason, as its unique index keeps it. */
class StaffCallsFake {
  readonly rows: Array<{ storeId: string; call: StaffCallDto }> = [];
  /** Runs when an insert loses to an open call: a test can resolve that call "meanwhile". */
  onConflict?: () => void;

  get calls(): StaffCallDto[] {
    return this.rows.map((r) => r.call);
  }

  add(values: Partial<StaffCallDto> = {}, storeId = 's1'): StaffCallDto {
    const row = { storeId, call: call({ id: `c${this.rows.length + 1}`, ...values }) };
    this.rows.push(row);
    return call(row.call);
  }

  private find(storeId: string, test: (c: StaffCallDto) => boolean): StaffCallDto | undefined {
    const row = this.rows.find((r) => r.storeId === storeId && test(r.call));
    return row?.call;
  }

  private open(storeId: string, tableId: string, reason: StaffCallReason): StaffCallDto | undefined {
    return this.find(storeId, (c) => c.tableId === tableId && c.reason === reason && c.status === 'OPEN');
  }

  insertOpen(
    _em: EntityManager,
    values: { storeId: string; tableId: string; reason: StaffCallReason; message: string | null },
  ): Promise<StaffCallDto | undefined> {
    if (this.open(values.storeId, values.tableId, values.reason)) {
      this.onConflict?.();
      return Promise.resolve(undefined);
    }
    const { storeId, tableId, reason, message } = values;
    return Promise.resolve(this.add({ tableId, reason, message }, storeId));
  }

  findOpen(_em: EntityManager, storeId: string, tableId: string, reason: StaffCallReason) {
    const found = this.open(storeId, tableId, reason);
    return Promise.resolve(found && call(found));
  }

  findById(storeId: string, id: string): Promise<StaffCallDto | undefined> {
    const found = this.find(storeId, (c) => c.id === id);
    return Promise.resolve(found && call(found));
  }

  ofStore(storeId: string, status: StaffCallStatus): Promise<StaffCallDto[]> {
    return Promise.resolve(
      this.rows.filter((r) => r.storeId === storeId && r.call.status === status).map((r) => call(r.call)),
    );
  }

  resolve(_em: EntityManager, storeId: string, id: string): Promise<StaffCallDto | undefined> {
    const found = this.find(storeId, (c) => c.id === id && c.status === 'OPEN');
    if (!found) return Promise.resolve(undefined);
    Object.assign(found, { status: 'RESOLVED', resolvedAt: '2026-11-21T09:40:00.000Z' });
    return Promise.resolve(call(found));
  }
}

function setup() {
  const repository = new StaffCallsFake();
  const tx = new TransactionFake();
  const outbox = new OutboxFake(tx);
  const service = new StaffCallsService(
    createMock<StaffCallsRepository>({
      insertOpen: (em, values) => repository.insertOpen(em, values),
      findOpen: (em, storeId, tableId, reason) => repository.findOpen(em, storeId, tableId, reason),
      find: (storeId, id) => repository.findById(storeId, id),
      ofStore: (storeId, status) => repository.ofStore(storeId, status),
      resolve: (em, storeId, id) => repository.resolve(em, storeId, id),
    }),
    createMock<TransactionService>(tx),
    createMock<OutboxService>(outbox),
  );
  return { service, repository, outbox };
}

describe('StaffCallsService', () => {
  it('opens a call, writes staff_call in the same transaction and signals the relay after it', async () => {
    const { service, repository, outbox } = setup();
    const { created, call: opened } = await service.press(table, { reason: 'WATER', message: '물' });
    expect(created).toBe(true);
    expect(opened).toMatchObject({ tableId: 't1', reason: 'WATER', message: '물', status: 'OPEN' });
    expect(repository.rows).toEqual([{ storeId: 's1', call: opened }]);
    expect(outbox.events).toEqual([
      { storeId: 's1', type: 'staff_call', tableId: 't1', data: { call: opened }, inTransaction: true },
    ]);
    expect(outbox.signals).toEqual([1]);
  });

  it('answers the open call with the same reason unchanged and sends nothing', async () => {
    const { service, repository, outbox } = setup();
    const open = repository.add({ message: 'first' });
    await expect(service.press(table, { reason: 'WATER', message: 'second' })).resolves.toEqual({
      created: false,
      call: open,
    });
    expect(repository.calls).toHaveLength(1);
    expect(outbox.events).toEqual([]);
    expect(outbox.signals).toEqual([]);
  });

  it('presses again when the open call it lost to was resolved before it could be read', async () => {
    const { service, repository } = setup();
    const lostTo = repository.add({ message: 'the other press' });
    repository.onConflict = () => {
      repository.onConflict = undefined;
      void repository.resolve({} as EntityManager, 's1', lostTo.id);
    };
    const { created, call: opened } = await service.press(table, { reason: 'WATER' });
    expect(created).toBe(true);
    expect(opened).toMatchObject({ reason: 'WATER', message: null, status: 'OPEN' });
    expect(opened.id).not.toBe(lostTo.id);
    expect(repository.calls.map((c) => [c.id, c.status])).toEqual([
      [lostTo.id, 'RESOLVED'],
      [opened.id, 'OPEN'],
    ]);
  });

  it('resolves an open call once, with staff_call_resolved in its transaction', async () => {
    const { service, repository, outbox } = setup();
    const open = repository.add();
    const resolved = await service.resolve(admin, open.id);
    expect(resolved).toMatchObject({ id: open.id, status: 'RESOLVED', resolvedAt: expect.any(String) });
    expect(outbox.events).toEqual([
      {
        storeId: 's1',
        type: 'staff_call_resolved',
        tableId: 't1',
        data: { call: resolved },
        inTransaction: true,
      },
    ]);
    expect(outbox.signals).toEqual([1]);
  });

  it('answers a resolved call unchanged and announces nothing', async () => {
    const { service, repository, outbox } = setup();
    const resolved = repository.add({ status: 'RESOLVED', resolvedAt: '2026-11-21T09:40:00.000Z' });
    await expect(service.resolve(admin, resolved.id)).resolves.toEqual(resolved);
    expect(outbox.events).toEqual([]);
    expect(outbox.signals).toEqual([]);
  });

  it('answers 404 STAFF_CALL_NOT_FOUND for an unknown call or another store’s', async () => {
    const { service, repository } = setup();
    const foreign = repository.add({}, 's2');
    for (const id of ['c9', foreign.id]) {
      expect(await rejectionOf(service.resolve(admin, id))).toEqual({
        status: 404,
        code: 'STAFF_CALL_NOT_FOUND',
      });
    }
    expect(repository.calls[0].status).toBe('OPEN');
  });

  it('lists OPEN calls by default, RESOLVED ones when asked', async () => {
    const { service, repository } = setup();
    const open = repository.add();
    const resolved = repository.add({
      reason: 'BILL',
      status: 'RESOLVED',
      resolvedAt: '2026-11-21T09:40:00.000Z',
    });
    repository.add({}, 's2');
    expect(await service.list(admin)).toEqual([open]);
    expect(await service.list(admin, 'RESOLVED')).toEqual([resolved]);
  });
});
