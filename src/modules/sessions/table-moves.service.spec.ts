import type { EntityManager } from 'typeorm';
import { createMock } from '../../../test/utils/automock';
import { OutboxFake, TransactionFake } from '../../../test/utils/fakes';
import type { AdminPrincipal } from '../../common/auth';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { StaffCallsRepository } from '../staff-calls/staff-calls.repository';
import type { StaffCallsService } from '../staff-calls/staff-calls.service';
import type { SessionsRepository } from './sessions.repository';
import { TableMovesService } from './table-moves.service';
import { rejectionOf } from '../../../test/utils/app-errors';

const admin: AdminPrincipal = { role: 'admin', storeId: 's1', adminId: 'a1', exp: 0 };
// `low` sorts before `high`: locks are taken in that order whichever is the source.
const low = '11111111-1111-4111-8111-111111111111';
const high = '99999999-9999-4999-8999-999999999999';

/** Two tables of store s1, their sessions, orders and open calls in memory, as the repositories keep them. */
class FloorFake {
  readonly tables = new Map([
    [low, { number: 1 }],
    [high, { number: 2 }],
  ]);
  readonly sessions: Array<{ id: string; tableId: string }> = [];
  readonly orders: Array<{ id: string; sessionId: string; tableId: string; totalAmount: number }> = [];
  readonly calls: Array<{ id: string; tableId: string }> = [];
  /** The tables whose active session was locked, in the order the locks were taken. */
  readonly sessionLocks: string[] = [];

  seat(tableId: string, sessionId: string, ...amounts: number[]): void {
    this.sessions.push({ id: sessionId, tableId });
    for (const totalAmount of amounts) {
      this.orders.push({ id: `o${this.orders.length + 1}`, sessionId, tableId, totalAmount });
    }
  }

  private active(tableId: string) {
    return this.sessions.find((s) => s.tableId === tableId);
  }

  readonly repository = createMock<SessionsRepository>({
    lockTablesInOrder: (_em: EntityManager, storeId: string, ids: string[]) =>
      Promise.resolve(
        new Map(
          storeId === 's1'
            ? ids.flatMap((id) => (this.tables.has(id) ? [[id, this.tables.get(id)!]] : []))
            : [],
        ),
      ),
    lockActiveSession: (_em: EntityManager, _storeId: string, tableId: string) => {
      this.sessionLocks.push(tableId);
      const session = this.active(tableId);
      return Promise.resolve(session && { id: session.id, startedAt: new Date() });
    },
    hasActiveSession: (_em: EntityManager, tableId: string) =>
      Promise.resolve(this.active(tableId) !== undefined),
    moveSession: (_em: EntityManager, sessionId: string, toTableId: string) => {
      for (const s of this.sessions) if (s.id === sessionId) s.tableId = toTableId;
      for (const o of this.orders) if (o.sessionId === sessionId) o.tableId = toTableId;
      return Promise.resolve();
    },
    mergeSession: (_em: EntityManager, sourceId: string, into: { sessionId: string; tableId: string }) => {
      for (const o of this.orders) if (o.sessionId === sourceId) Object.assign(o, into);
      this.sessions.splice(
        this.sessions.findIndex((s) => s.id === sourceId),
        1,
      );
      return Promise.resolve();
    },
    sessionTotals: (_em: EntityManager, sessionId: string) => {
      const orders = this.orders.filter((o) => o.sessionId === sessionId);
      return Promise.resolve({
        orderCount: orders.length,
        totalAmount: orders.reduce((sum, o) => sum + o.totalAmount, 0),
      });
    },
  });

  readonly staffCalls = createMock<StaffCallsRepository>({
    moveOpen: (_em: EntityManager, move: { fromTableId: string; toTableId: string }) => {
      for (const c of this.calls) if (c.tableId === move.fromTableId) c.tableId = move.toTableId;
      return Promise.resolve([]);
    },
  });
}

function setup() {
  const floor = new FloorFake();
  const tx = new TransactionFake();
  const outbox = new OutboxFake(tx);
  const service = new TableMovesService(
    floor.repository,
    createMock<TransactionService>(tx),
    createMock<OutboxService>(outbox),
    floor.staffCalls,
    createMock<StaffCallsService>({ announceResolved: () => Promise.resolve() }),
  );
  return { service, floor, outbox };
}

describe('TableMovesService', () => {
  it('moves the session, its orders and open calls, writes table_moved and signals the relay after commit', async () => {
    const { service, floor, outbox } = setup();
    floor.seat(high, 'sess', 1000, 2000);
    floor.calls.push({ id: 'c1', tableId: high });
    await expect(service.move(admin, high, low)).resolves.toEqual({
      sessionId: 'sess',
      fromTableId: high,
      toTableId: low,
      orderCount: 2,
      totalAmount: 3000,
    });
    expect(floor.sessions).toEqual([{ id: 'sess', tableId: low }]);
    expect(floor.orders.map((o) => o.tableId)).toEqual([low, low]);
    expect(floor.calls).toEqual([{ id: 'c1', tableId: low }]);
    expect(outbox.events).toEqual([
      {
        storeId: 's1',
        type: 'table_moved',
        tableId: high,
        data: { fromTableId: high, toTableId: low, sessionId: 'sess', merged: false },
        inTransaction: true,
      },
    ]);
    expect(outbox.signals).toEqual([1]);
  });

  it('locks both sessions of a merge in table-id order and merges into the target’s', async () => {
    const { service, floor, outbox } = setup();
    floor.seat(low, 'target', 1000);
    floor.seat(high, 'source', 2000, 500);
    const result = await service.merge(admin, high, low);
    expect(floor.sessionLocks).toEqual([low, high]);
    expect(result).toEqual({
      sessionId: 'target',
      fromTableId: high,
      toTableId: low,
      orderCount: 3,
      totalAmount: 3500,
    });
    expect(floor.sessions).toEqual([{ id: 'target', tableId: low }]);
    expect(floor.orders.every((o) => o.sessionId === 'target' && o.tableId === low)).toBe(true);
    expect(outbox.events.map((e) => e.data)).toEqual([
      { fromTableId: high, toTableId: low, sessionId: 'target', merged: true },
    ]);
  });

  it('refuses the same table with 400 and a table of another store or none with 404', async () => {
    const { service, floor } = setup();
    floor.seat(low, 'sess', 1000);
    expect(await rejectionOf(service.move(admin, low, low.toUpperCase()))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
    });
    floor.tables.delete(high);
    expect(await rejectionOf(service.move(admin, low, high))).toEqual({
      status: 404,
      code: 'TABLE_NOT_FOUND',
    });
    expect(floor.sessions).toEqual([{ id: 'sess', tableId: low }]);
  });

  it('refuses to move an idle table (409 NO_ACTIVE_SESSION)', async () => {
    const { service } = setup();
    expect(await rejectionOf(service.move(admin, low, high))).toEqual({
      status: 409,
      code: 'NO_ACTIVE_SESSION',
    });
  });

  it('refuses to move onto a busy table (409 TABLE_HAS_ACTIVE_SESSION) and changes nothing', async () => {
    const { service, floor, outbox } = setup();
    floor.seat(low, 'mine', 1000);
    floor.seat(high, 'theirs', 2000);
    expect(await rejectionOf(service.move(admin, low, high))).toEqual({
      status: 409,
      code: 'TABLE_HAS_ACTIVE_SESSION',
    });
    expect(floor.sessions).toEqual([
      { id: 'mine', tableId: low },
      { id: 'theirs', tableId: high },
    ]);
    expect(outbox.events).toEqual([]);
  });

  it('refuses to merge into an idle table (409 NO_ACTIVE_SESSION) and changes nothing', async () => {
    const { service, floor, outbox } = setup();
    floor.seat(low, 'sess', 1000);
    expect(await rejectionOf(service.merge(admin, low, high))).toEqual({
      status: 409,
      code: 'NO_ACTIVE_SESSION',
    });
    expect(floor.sessions).toEqual([{ id: 'sess', tableId: low }]);
    expect(outbox.events).toEqual([]);
  });
});
