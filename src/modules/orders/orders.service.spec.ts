import { createMock } from '../../../test/utils/automock';
import { OutboxFake, TransactionFake } from '../../../test/utils/fakes';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { MetricsService } from '../metrics/metrics.service';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OrderDto, OrderStatus } from './dto/order.dto';
import { OrderPlacementService } from './order-placement.service';
import { assertTransition, parseIdempotencyKey, requestHash } from './order-rules';
import type { OptionGroupsRepository } from '../menus/option-groups.repository';
import type { IdempotencyKeysRepository } from './idempotency-keys.repository';
import type { NewOrder, OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { codeOf, rejectionOf } from '../../../test/utils/app-errors';

/** The order metrics as the counters would hold them. */
function metricsFake() {
  const counted = { created: 0, statusChanges: [] as string[] };
  const metrics = createMock<MetricsService>({
    orderCreated: () => {
      counted.created++;
    },
    orderStatusChanged: (status: string) => {
      counted.statusChanges.push(status);
    },
  });
  return { metrics, counted };
}

const table: TablePrincipal = { role: 'table', storeId: 's1', tableId: 't1', exp: 0 };
const admin: AdminPrincipal = { role: 'admin', storeId: 's1', adminId: 'a1', exp: 0 };
const MENU_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

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

describe('Idempotency-Key validation', () => {
  it.each(['a', 'order-1:retry_2', '!~', 'x'.repeat(255)])('accepts %p', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });
  it('treats an absent header as no key', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });
  it.each(['', 'x'.repeat(256), 'with space', 'tab\t', 'ké', '한글', 'del\x7f', ['a', 'b']])(
    'refuses %p with 400 IDEMPOTENCY_KEY_INVALID',
    (key) => {
      expect(codeOf(() => parseIdempotencyKey(key))).toEqual({
        status: 400,
        code: 'IDEMPOTENCY_KEY_INVALID',
      });
    },
  );
  it('hashes the validated body canonically', () => {
    const a = requestHash({ items: [{ menuId: MENU_A.toUpperCase(), quantity: 1 }] });
    expect(a).toBe(requestHash({ items: [{ quantity: 1, menuId: MENU_A }] } as CreateOrderDto));
    expect(a).not.toBe(requestHash({ items: [{ menuId: MENU_A, quantity: 2 }] }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
  it('binds the key to the set of options and to the notes, not to the order options were sent in', () => {
    const [x, y] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const withOptions = requestHash({ items: [{ menuId: MENU_A, quantity: 1, optionIds: [x, y] }] });
    expect(withOptions).toBe(
      requestHash({ items: [{ menuId: MENU_A, quantity: 1, optionIds: [y, x.toUpperCase()] }] }),
    );
    expect(withOptions).not.toBe(requestHash({ items: [{ menuId: MENU_A, quantity: 1, optionIds: [x] }] }));
    const plain = requestHash({ items: [{ menuId: MENU_A, quantity: 1 }] });
    // No options and no notes: the fingerprint a body had before options existed.
    expect(requestHash({ items: [{ menuId: MENU_A, quantity: 1, optionIds: [], note: null }] })).toBe(plain);
    expect(requestHash({ items: [{ menuId: MENU_A, quantity: 1, note: '덜 맵게' }] })).not.toBe(plain);
    expect(requestHash({ items: [{ menuId: MENU_A, quantity: 1 }], note: '빨리요' })).not.toBe(plain);
  });
});

describe('OrderPlacementService', () => {
  const body: CreateOrderDto = { items: [{ menuId: MENU_A, quantity: 2 }] };
  const stored: OrderDto = {
    id: 'o1',
    orderNumber: 7,
    tableId: 't1',
    tableNumber: 4,
    sessionId: 'ss',
    status: 'PENDING',
    note: null,
    items: [
      {
        menuId: MENU_A,
        menuName: 'A',
        menuPrice: 9000,
        options: [],
        note: null,
        unitPrice: 9000,
        quantity: 2,
        subtotal: 18000,
      },
    ],
    totalAmount: 18000,
    createdAt: '2026-11-21T15:30:00.000Z',
    updatedAt: '2026-11-21T15:30:00.000Z',
  };
  const menuA = { id: MENU_A, name: 'A', price: 9000, isAvailable: true, groups: [] };
  const session = { sessionId: 'ss', tableNumber: 4, now: new Date('2026-11-21T15:30:00Z') };

  /**
   * The placement against repositories whose lookups are set per test (`repo.prepareOrder.mockResolvedValue…`,
   * `keys.findIdempotencyKey…`) and whose writes land in `written` (the order's statement carries its new_order
   * event: OrdersRepository, test/repositories).
   */
  function setup() {
    const tx = new TransactionFake();
    const outbox = new OutboxFake(tx);
    const { metrics, counted } = metricsFake();
    const written: Array<NewOrder & { inTransaction: boolean }> = [];
    const claims: unknown[] = [];
    const repo = createMock<OrdersRepository>({
      insertOrder: (_em, order) => {
        written.push({ ...order, inTransaction: tx.inTransaction });
        return Promise.resolve(nextNumber);
      },
    });
    const keys = createMock<IdempotencyKeysRepository>();
    let nextNumber = 1;
    const service = new OrderPlacementService(
      repo,
      keys,
      createMock<OptionGroupsRepository>(),
      createMock<TransactionService>(tx),
      createMock<OutboxService>(outbox),
      metrics,
    );
    const prepared = (...results: Array<Awaited<ReturnType<OrdersRepository['prepareOrder']>>>) => {
      for (const result of results) {
        repo.prepareOrder.mockImplementationOnce((_em, input) => {
          claims.push(input.claim);
          return Promise.resolve(result);
        });
      }
    };
    return {
      service,
      repo,
      keys,
      written,
      claims,
      outbox,
      counted,
      prepared,
      numberNext: (n: number) => (nextNumber = n),
    };
  }

  it('writes the order and its number in one last statement, then signals the relay', async () => {
    const { service, written, outbox, counted, prepared, numberNext } = setup();
    prepared({ claimed: true, menus: [menuA], session });
    numberNext(12);
    const result = await service.place(table, body);
    expect(result.replayed).toBe(false);
    expect(result.body).toMatchObject({
      orderNumber: 12,
      totalAmount: 18000,
      tableNumber: 4,
      sessionId: 'ss',
    });
    // 00:30 in Seoul on the 22nd: the business day is the Seoul one.
    expect(written).toEqual([
      expect.objectContaining({
        storeId: 's1',
        tableId: 't1',
        businessDate: '2026-11-22',
        totalAmount: 18000,
        document: result.body,
        idempotencyKey: undefined,
        inTransaction: true,
      }),
    ]);
    expect(outbox.events).toEqual([]);
    expect(outbox.signals).toEqual([1]);
    expect(counted.created).toBe(1);
  });

  it('claims the key in the statement that reads the menus and the session', async () => {
    const { service, written, claims, prepared } = setup();
    prepared({ claimed: true, menus: [menuA], session });
    const result = await service.place(table, body, 'k1');
    expect(claims).toEqual([{ key: 'k1', requestHash: requestHash(body) }]);
    expect(result.replayed).toBe(false);
    expect(written).toEqual([expect.objectContaining({ idempotencyKey: 'k1', document: result.body })]);
  });

  it('starts over for the session when the first one was lost to a concurrent order', async () => {
    const { service, repo, written, prepared } = setup();
    prepared({ claimed: true, menus: [menuA], session: undefined });
    repo.lockOrStartSession.mockResolvedValueOnce(undefined).mockResolvedValueOnce(session);
    await expect(service.place(table, body)).resolves.toMatchObject({
      status: 201,
      body: { sessionId: 'ss' },
    });
    expect(written.map((o) => o.sessionId)).toEqual(['ss']);
  });

  it('checks the menus before the session: 404 MENU_NOT_FOUND writes nothing', async () => {
    const { service, repo, written, outbox, prepared } = setup();
    prepared({ claimed: true, menus: [], session: undefined });
    repo.lockOrStartSession.mockResolvedValue(session);
    expect(await rejectionOf(service.place(table, body))).toEqual({ status: 404, code: 'MENU_NOT_FOUND' });
    expect(written).toEqual([]);
    expect(outbox.signals).toEqual([]);
  });

  it('replays a committed response to the same key and body without creating anything', async () => {
    const { service, keys, written, outbox, counted, prepared } = setup();
    prepared({ claimed: false, menus: [menuA], session: undefined });
    keys.findIdempotencyKey.mockResolvedValue({
      requestHash: requestHash(body),
      responseStatus: 201,
      responseBody: stored,
      expired: false,
    });
    await expect(service.place(table, body, 'k1')).resolves.toEqual({
      status: 201,
      body: stored,
      replayed: true,
    });
    expect(written).toEqual([]);
    expect(outbox.signals).toEqual([]);
    expect(counted.created).toBe(0);
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const { service, keys, written, prepared } = setup();
    prepared({ claimed: false, menus: [menuA], session: undefined });
    keys.findIdempotencyKey.mockResolvedValue({
      requestHash: 'f'.repeat(64),
      responseStatus: 201,
      responseBody: stored,
      expired: false,
    });
    expect(await rejectionOf(service.place(table, body, 'k1'))).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(written).toEqual([]);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request is in flight', async () => {
    const { service, keys, written, prepared } = setup();
    prepared({ claimed: false, menus: [menuA], session: undefined });
    keys.findIdempotencyKey.mockResolvedValue(undefined);
    keys.tryIdempotencyLock.mockResolvedValue(false);
    expect(await rejectionOf(service.place(table, body, 'k1'))).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_KEY_IN_USE',
    });
    expect(written).toEqual([]);
  });

  it('takes over an expired key', async () => {
    const { service, keys, written, claims, prepared } = setup();
    prepared(
      { claimed: false, menus: [menuA], session: undefined },
      { claimed: true, menus: [menuA], session },
    );
    const rows = new Map([
      ['k1', { requestHash: 'f'.repeat(64), responseStatus: 201, responseBody: stored, expired: true }],
    ]);
    keys.findIdempotencyKey.mockImplementation((_em, _table, key) => Promise.resolve(rows.get(key)));
    keys.deleteExpiredIdempotencyKey.mockImplementation((_em, _table, key) => {
      rows.delete(key);
      return Promise.resolve();
    });
    keys.tryIdempotencyLock.mockResolvedValue(true);
    keys.claimIdempotencyKey.mockResolvedValue(true);
    const result = await service.place(table, body, 'k1');
    expect(result).toMatchObject({ status: 201, replayed: false });
    expect(rows.has('k1')).toBe(false);
    // The second look reads menus and session only: the key is claimed under the advisory lock by then.
    expect(claims[1]).toBeUndefined();
    expect(written).toEqual([expect.objectContaining({ idempotencyKey: 'k1', document: result.body })]);
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
  const { metrics, counted } = metricsFake();
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
