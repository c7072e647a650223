import type { EntityManager } from 'typeorm';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import { AppError } from '../../common/errors';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { MetricsService } from '../metrics/metrics.service';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OrderDto, OrderStatus } from './dto/order.dto';
import { OrderPlacementService } from './order-placement.service';
import { assertTransition, parseIdempotencyKey, requestHash } from './order-rules';
import type { OptionGroupsRepository } from '../menus/option-groups.repository';
import type { IdempotencyKeysRepository } from './idempotency-keys.repository';
import type { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const em = {} as EntityManager;
const tx = {
  run: (work: (m: EntityManager) => Promise<unknown>) => work(em),
} as unknown as TransactionService;
const outbox = () => ({ append: jest.fn().mockResolvedValue({ id: 1, eventId: 1 }), committed: jest.fn() });
const metrics = () => ({ orderCreated: jest.fn(), orderStatusChanged: jest.fn() });

const table: TablePrincipal = { role: 'table', storeId: 's1', tableId: 't1', exp: 0 };
const admin: AdminPrincipal = { role: 'admin', storeId: 's1', adminId: 'a1', exp: 0 };
const MENU_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

function codeOf(fn: () => unknown): { status: number; code: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  return undefined;
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

  function setup(repo: Partial<Record<keyof OrdersRepository | keyof IdempotencyKeysRepository, jest.Mock>>) {
    const o = outbox();
    const m = metrics();
    const service = new OrderPlacementService(
      repo as unknown as OrdersRepository,
      repo as unknown as IdempotencyKeysRepository,
      {} as OptionGroupsRepository,
      tx,
      o as unknown as OutboxService,
      m as unknown as MetricsService,
    );
    return { service, o, m };
  }

  it('writes order, number and new_order event in one last statement, then signals the relay', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: true, menus: [menuA], session }),
      insertOrder: jest.fn().mockResolvedValue(12),
    };
    const { service, o, m } = setup(repo);
    const result = await service.place(table, body);
    expect(result.replayed).toBe(false);
    expect(result.body).toMatchObject({
      orderNumber: 12,
      totalAmount: 18000,
      tableNumber: 4,
      sessionId: 'ss',
    });
    expect(repo.prepareOrder).toHaveBeenCalledWith(em, {
      storeId: 's1',
      tableId: 't1',
      menuIds: [MENU_A],
      claim: undefined,
    });
    // 00:30 in Seoul on the 22nd: the business day is the Seoul one.
    expect(repo.insertOrder.mock.calls[0][1]).toMatchObject({
      businessDate: '2026-11-22',
      totalAmount: 18000,
      document: result.body,
      idempotencyKey: undefined,
    });
    expect(o.append).not.toHaveBeenCalled();
    expect(o.committed).toHaveBeenCalled();
    expect(m.orderCreated).toHaveBeenCalled();
  });

  it('claims the key in the statement that reads the menus and the session', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: true, menus: [menuA], session }),
      insertOrder: jest.fn().mockResolvedValue(3),
      findIdempotencyKey: jest.fn(),
    };
    const { service } = setup(repo);
    const result = await service.place(table, body, 'k1');
    expect(repo.prepareOrder.mock.calls[0][1].claim).toEqual({ key: 'k1', requestHash: requestHash(body) });
    expect(repo.prepareOrder).toHaveBeenCalledTimes(1);
    expect(repo.findIdempotencyKey).not.toHaveBeenCalled();
    expect(repo.insertOrder.mock.calls[0][1]).toMatchObject({ idempotencyKey: 'k1', document: result.body });
  });

  it('starts over for the session when the first one was lost to a concurrent order', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: true, menus: [menuA], session: undefined }),
      lockOrStartSession: jest.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce(session),
      insertOrder: jest.fn().mockResolvedValue(1),
    };
    const { service } = setup(repo);
    await expect(service.place(table, body)).resolves.toMatchObject({ status: 201 });
    expect(repo.lockOrStartSession).toHaveBeenCalledTimes(2);
  });

  it('checks the menus before the session: 404 MENU_NOT_FOUND writes nothing', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: true, menus: [], session: undefined }),
      lockOrStartSession: jest.fn(),
      insertOrder: jest.fn(),
    };
    const { service, o } = setup(repo);
    expect(await rejectionOf(service.place(table, body))).toEqual({ status: 404, code: 'MENU_NOT_FOUND' });
    expect(repo.lockOrStartSession).not.toHaveBeenCalled();
    expect(repo.insertOrder).not.toHaveBeenCalled();
    expect(o.committed).not.toHaveBeenCalled();
  });

  it('replays a committed response to the same key and body without creating anything', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: false, menus: [menuA], session: undefined }),
      findIdempotencyKey: jest.fn().mockResolvedValue({
        requestHash: requestHash(body),
        responseStatus: 201,
        responseBody: stored,
        expired: false,
      }),
      insertOrder: jest.fn(),
    };
    const { service, o, m } = setup(repo);
    await expect(service.place(table, body, 'k1')).resolves.toEqual({
      status: 201,
      body: stored,
      replayed: true,
    });
    expect(repo.prepareOrder).toHaveBeenCalledTimes(1);
    expect(repo.insertOrder).not.toHaveBeenCalled();
    expect(o.committed).not.toHaveBeenCalled();
    expect(m.orderCreated).not.toHaveBeenCalled();
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: false, menus: [menuA], session: undefined }),
      findIdempotencyKey: jest.fn().mockResolvedValue({
        requestHash: 'f'.repeat(64),
        responseStatus: 201,
        responseBody: stored,
        expired: false,
      }),
    };
    const { service } = setup(repo);
    expect(await rejectionOf(service.place(table, body, 'k1'))).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request is in flight', async () => {
    const repo = {
      prepareOrder: jest.fn().mockResolvedValue({ claimed: false, menus: [menuA], session: undefined }),
      findIdempotencyKey: jest.fn().mockResolvedValue(undefined),
      tryIdempotencyLock: jest.fn().mockResolvedValue(false),
    };
    const { service } = setup(repo);
    expect(await rejectionOf(service.place(table, body, 'k1'))).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_KEY_IN_USE',
    });
  });

  it('takes over an expired key', async () => {
    const repo = {
      prepareOrder: jest
        .fn()
        .mockResolvedValueOnce({ claimed: false, menus: [menuA], session: undefined })
        .mockResolvedValueOnce({ claimed: true, menus: [menuA], session }),
      claimIdempotencyKey: jest.fn().mockResolvedValue(true),
      findIdempotencyKey: jest.fn().mockResolvedValue({
        requestHash: 'f'.repeat(64),
        responseStatus: 201,
        responseBody: stored,
        expired: true,
      }),
      tryIdempotencyLock: jest.fn().mockResolvedValue(true),
      deleteExpiredIdempotencyKey: jest.fn().mockResolvedValue(undefined),
      insertOrder: jest.fn().mockResolvedValue(1),
    };
    const { service } = setup(repo);
    const result = await service.place(table, body, 'k1');
    expect(result).toMatchObject({ status: 201, replayed: false });
    expect(repo.deleteExpiredIdempotencyKey).toHaveBeenCalled();
    // The second look reads menus and session only: the key is claimed under the advisory lock by then.
    expect(repo.prepareOrder.mock.calls[1][1].claim).toBeUndefined();
    expect(repo.insertOrder.mock.calls[0][1]).toMatchObject({ idempotencyKey: 'k1', document: result.body });
  });
});

describe('OrdersService', () => {
  function setup(repo: Partial<Record<keyof OrdersRepository, jest.Mock>>) {
    const o = outbox();
    const m = metrics();
    const service = new OrdersService(
      repo as unknown as OrdersRepository,
      tx,
      o as unknown as OutboxService,
      m as unknown as MetricsService,
    );
    return { service, o, m };
  }

  it('moves an order forward under its row lock and writes order_updated', async () => {
    const updated = { id: 'o1', tableId: 't1', status: 'PREPARING' } as OrderDto;
    const repo = {
      lockOrderStatus: jest.fn().mockResolvedValue({ status: 'PENDING' }),
      updateStatus: jest.fn().mockResolvedValue(undefined),
      findOrder: jest.fn().mockResolvedValue(updated),
    };
    const { service, o, m } = setup(repo);
    await expect(service.updateStatus(admin, 'o1', 'PREPARING')).resolves.toBe(updated);
    expect(o.append).toHaveBeenCalledWith(em, {
      storeId: 's1',
      type: 'order_updated',
      tableId: 't1',
      data: { order: updated },
    });
    expect(m.orderStatusChanged).toHaveBeenCalledWith('PREPARING');
  });

  it('refuses a backward move without writing', async () => {
    const repo = {
      lockOrderStatus: jest.fn().mockResolvedValue({ status: 'COMPLETED' }),
      updateStatus: jest.fn(),
    };
    const { service, o } = setup(repo);
    expect(await rejectionOf(service.updateStatus(admin, 'o1', 'PREPARING'))).toEqual({
      status: 409,
      code: 'INVALID_STATUS_TRANSITION',
    });
    expect(repo.updateStatus).not.toHaveBeenCalled();
    expect(o.append).not.toHaveBeenCalled();
  });

  it('answers 404 ORDER_NOT_FOUND for an order outside the store', async () => {
    const { service } = setup({ lockOrderStatus: jest.fn().mockResolvedValue(undefined) });
    expect(await rejectionOf(service.delete(admin, 'o1'))).toEqual({ status: 404, code: 'ORDER_NOT_FOUND' });
  });

  it('sums the active session’s orders for the table, and reports no session as empty', async () => {
    const repo = {
      findActiveSessionId: jest.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce('ss'),
      findSessionOrders: jest.fn().mockResolvedValue([{ totalAmount: 1000 }, { totalAmount: 2500 }]),
    };
    const { service } = setup(repo);
    await expect(service.tableOrders(table)).resolves.toEqual({
      sessionId: null,
      totalAmount: 0,
      orders: [],
    });
    await expect(service.tableOrders(table)).resolves.toMatchObject({ sessionId: 'ss', totalAmount: 3500 });
  });
});

describe('OrdersService: a table cancelling its own order', () => {
  function setup(repo: Partial<Record<keyof OrdersRepository, jest.Mock>>) {
    const o = outbox();
    const service = new OrdersService(
      repo as unknown as OrdersRepository,
      tx,
      o as unknown as OutboxService,
      metrics() as unknown as MetricsService,
    );
    return { service, o };
  }

  it('removes a PENDING order of the table with the table as the actor, and writes order_deleted', async () => {
    const order = { id: 'o1', tableId: 't1', status: 'PENDING' } as OrderDto;
    const repo = {
      lockTableOrder: jest.fn().mockResolvedValue({ status: 'PENDING' }),
      findOrder: jest.fn().mockResolvedValue(order),
      deleteWithAudit: jest.fn().mockResolvedValue(undefined),
    };
    const { service, o } = setup(repo);
    await service.cancel(table, 'o1');
    expect(repo.lockTableOrder).toHaveBeenCalledWith(em, 's1', 't1', 'o1');
    expect(repo.deleteWithAudit).toHaveBeenCalledWith(em, order, 's1', { role: 'table', id: 't1' });
    expect(o.append).toHaveBeenCalledWith(em, {
      storeId: 's1',
      type: 'order_deleted',
      tableId: 't1',
      data: { orderId: 'o1' },
    });
    expect(o.committed).toHaveBeenCalledTimes(1);
  });

  it.each(['PREPARING', 'COMPLETED'])(
    'refuses a %s order with 409 ORDER_NOT_CANCELLABLE, writing nothing',
    async (status) => {
      const repo = { lockTableOrder: jest.fn().mockResolvedValue({ status }), deleteWithAudit: jest.fn() };
      const { service, o } = setup(repo);
      expect(await rejectionOf(service.cancel(table, 'o1'))).toEqual({
        status: 409,
        code: 'ORDER_NOT_CANCELLABLE',
      });
      expect(repo.deleteWithAudit).not.toHaveBeenCalled();
      expect(o.append).not.toHaveBeenCalled();
    },
  );

  it('answers 404 ORDER_NOT_FOUND for an order that is not the table’s own live one', async () => {
    const { service } = setup({ lockTableOrder: jest.fn().mockResolvedValue(undefined) });
    expect(await rejectionOf(service.cancel(table, 'o1'))).toEqual({ status: 404, code: 'ORDER_NOT_FOUND' });
  });

  it('records an admin deletion with the admin as the actor', async () => {
    const order = { id: 'o1', tableId: 't1', status: 'PREPARING' } as OrderDto;
    const repo = {
      lockOrderStatus: jest.fn().mockResolvedValue({ status: 'PREPARING' }),
      findOrder: jest.fn().mockResolvedValue(order),
      deleteWithAudit: jest.fn().mockResolvedValue(undefined),
    };
    const { service } = setup(repo);
    await service.delete(admin, 'o1');
    expect(repo.deleteWithAudit).toHaveBeenCalledWith(em, order, 's1', { role: 'admin', id: 'a1' });
  });
});
