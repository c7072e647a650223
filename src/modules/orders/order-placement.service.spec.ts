import { createMock } from '../../../test/utils/automock';
import { codeOf, rejectionOf } from '../../../test/utils/app-errors';
import { OutboxFake, orderMetricsFake, TransactionFake } from '../../../test/utils/fakes';
import type { TablePrincipal } from '../../common/auth';
import type { TransactionService } from '../../database/transaction.service';
import type { OutboxService } from '../events/outbox.service';
import type { OptionGroupsRepository } from '../menus/option-groups.repository';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OrderDto } from './dto/order.dto';
import type { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { OrderPlacementService } from './order-placement.service';
import { parseIdempotencyKey, requestHash } from './order-rules';
import type { NewOrder, OrdersRepository } from './orders.repository';

const table: TablePrincipal = { role: 'table', storeId: 's1', tableId: 't1', exp: 0 };
const MENU_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

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
    const { metrics, counted } = orderMetricsFake();
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
