import { createMock } from '../../../test/utils/automock';
import { codeOf, rejectionOf } from '../../../test/utils/app-errors';
import { OutboxFake, orderMetricsFake, TransactionFake } from '../../../test/utils/fakes';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { OrderDto, OrderStatus } from './dto/order.dto';
import { assertTransition } from './order-rules';
import type { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const table: TablePrincipal = { role: 'table', storeId: 's1', tableId: 't1', exp: 0 };
const admin: AdminPrincipal = { role: 'admin', storeId: 's1', adminId: 'a1', exp: 0 };

describe('status transitions', () => {
  const allowed: Array<[OrderStatus, OrderStatus]> = [
    ['PENDING', 'PREPARING'],
    ['PENDING', 'COMPLETED'],
    ['PREPARING', 'COMPLETED'],
  ];
  const refused: Array<[OrderStatus, OrderStatus]> = [
    ['PENDING', 'PENDING'],
    ['PREPARING', 'PREPARING'],
    ['COMPLETED', 'COMPLETED'],
    ['PREPARING', 'PENDING'],
    ['COMPLETED', 'PENDING'],
    ['COMPLETED', 'PREPARING'],
  ];
  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(codeOf(() => assertTransition(from, to))).toBeUndefined();
  });
  it.each(refused)('refuses %s → %s with 409 INVALID_STATUS_TRANSITION', (from, to) => {
    expect(codeOf(() => assertTransition(from, to))).toEqual({
      status: 409,
      code: 'INVALID_STATUS_TRANSITION',
    });
  });
});

/**
 * The store's live orders in memory, as OrdersRepository locks, changes and deletes them; `audits` holds the
 * order_deletions rows.
 */
class LiveOrdersFake {
  readonly orders = new Map<string, OrderDto & { storeId: string }>();
  readonly audits: Array<{ orderId: string; storeId: string; actor: { role: string; id: string } }> = [];

  add(values: Partial<OrderDto> & { storeId?: string } = {}): OrderDto {
    const order = { storeId: 's1', id: 'o1', tableId: 't1', status: 'PENDING', totalAmount: 1000, ...values };
    this.orders.set(order.id, order as OrderDto & { storeId: string });
    return this.view(order.id)!;
  }

  view(id: string): OrderDto | undefined {
    const found = this.orders.get(id);
    if (!found) return undefined;
    const { storeId: _, ...order } = found;
    return order;
  }

  private live(storeId: string, id: string) {
    const found = this.orders.get(id);
    return found?.storeId === storeId ? found : undefined;
  }

  readonly repository = createMock<OrdersRepository>({
    lockOrderStatus: (_em, storeId, id) => {
      const found = this.live(storeId, id);
      return Promise.resolve(found && { status: found.status });
    },
    lockTableOrder: (_em, storeId, tableId, id) => {
      const found = this.live(storeId, id);
      return Promise.resolve(found?.tableId === tableId ? { status: found.status } : undefined);
    },
    updateStatus: (_em, id, status) => {
      this.orders.get(id)!.status = status;
      return Promise.resolve();
    },
    findOrder: (storeId, id) => Promise.resolve(this.live(storeId, id) && this.view(id)),
    deleteWithAudit: (_em, order, storeId, actor) => {
      this.orders.delete(order.id);
      this.audits.push({ orderId: order.id, storeId, actor });
      return Promise.resolve();
    },
  });
}

function ordersSetup() {
  const live = new LiveOrdersFake();
  const tx = new TransactionFake();
  const outbox = new OutboxFake(tx);
  const { metrics, counted } = orderMetricsFake();
  const service = new OrdersService(
    live.repository,
    createMock<TransactionService>(tx),
    createMock<OutboxService>(outbox),
    metrics,
  );
  return { service, live, outbox, counted };
}

describe('OrdersService', () => {
  it('moves an order forward under its row lock and writes order_updated', async () => {
    const { service, live, outbox, counted } = ordersSetup();
    live.add();
    const updated = await service.updateStatus(admin, 'o1', 'PREPARING');
    expect(updated).toMatchObject({ id: 'o1', status: 'PREPARING' });
    expect(live.view('o1')?.status).toBe('PREPARING');
    expect(outbox.events).toEqual([
      { storeId: 's1', type: 'order_updated', tableId: 't1', data: { order: updated }, inTransaction: true },
    ]);
    expect(counted.statusChanges).toEqual(['PREPARING']);
  });

  it('refuses a backward move without writing', async () => {
    const { service, live, outbox } = ordersSetup();
    live.add({ status: 'COMPLETED' });
    expect(await rejectionOf(service.updateStatus(admin, 'o1', 'PREPARING'))).toEqual({
      status: 409,
      code: 'INVALID_STATUS_TRANSITION',
    });
    expect(live.view('o1')?.status).toBe('COMPLETED');
    expect(outbox.events).toEqual([]);
  });

  it('answers 404 ORDER_NOT_FOUND for an order outside the store', async () => {
    const { service, live } = ordersSetup();
    live.add({ storeId: 's2' });
    expect(await rejectionOf(service.delete(admin, 'o1'))).toEqual({ status: 404, code: 'ORDER_NOT_FOUND' });
    expect(live.orders.size).toBe(1);
  });

  it('sums the active session’s orders for the table, and reports no session as empty', async () => {
    const { service, live } = ordersSetup();
    live.repository.findActiveSessionId.mockResolvedValueOnce(undefined).mockResolvedValueOnce('ss');
    live.repository.findSessionOrders.mockResolvedValue([
      live.add({ id: 'o1', totalAmount: 1000 }),
      live.add({ id: 'o2', totalAmount: 2500 }),
    ]);
    await expect(service.tableOrders(table)).resolves.toEqual({
      sessionId: null,
      totalAmount: 0,
      orders: [],
    });
    await expect(service.tableOrders(table)).resolves.toMatchObject({ sessionId: 'ss', totalAmount: 3500 });
  });
});

describe('OrdersService: a table cancelling its own order', () => {
  it('removes a PENDING order of the table with the table as the actor, and writes order_deleted', async () => {
    const { service, live, outbox } = ordersSetup();
    live.add();
    await service.cancel(table, 'o1');
    expect(live.orders.size).toBe(0);
    expect(live.audits).toEqual([{ orderId: 'o1', storeId: 's1', actor: { role: 'table', id: 't1' } }]);
    expect(outbox.events).toEqual([
      { storeId: 's1', type: 'order_deleted', tableId: 't1', data: { orderId: 'o1' }, inTransaction: true },
    ]);
    expect(outbox.signals).toEqual([1]);
  });

  it.each(['PREPARING', 'COMPLETED'] as const)(
    'refuses a %s order with 409 ORDER_NOT_CANCELLABLE, writing nothing',
    async (status) => {
      const { service, live, outbox } = ordersSetup();
      live.add({ status });
      expect(await rejectionOf(service.cancel(table, 'o1'))).toEqual({
        status: 409,
        code: 'ORDER_NOT_CANCELLABLE',
      });
      expect(live.view('o1')?.status).toBe(status);
      expect(live.audits).toEqual([]);
      expect(outbox.events).toEqual([]);
    },
  );

  it('answers 404 ORDER_NOT_FOUND for an order that is not the table’s own live one', async () => {
    const { service, live } = ordersSetup();
    live.add({ tableId: 't2' });
    expect(await rejectionOf(service.cancel(table, 'o1'))).toEqual({ status: 404, code: 'ORDER_NOT_FOUND' });
    expect(live.orders.size).toBe(1);
  });

  it('records an admin deletion with the admin as the actor', async () => {
    const { service, live } = ordersSetup();
    live.add({ status: 'PREPARING' });
    await service.delete(admin, 'o1');
    expect(live.audits).toEqual([{ orderId: 'o1', storeId: 's1', actor: { role: 'admin', id: 'a1' } }]);
  });
});
