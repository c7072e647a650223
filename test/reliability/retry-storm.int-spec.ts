import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import type { StoreFixture } from '../utils/auth';
import type { SseClient } from '../utils/sse';
import {
  Attempt,
  committedOrderIds,
  delivery,
  integrity,
  newOrderIds,
  openAdminStream,
  placeOrder,
  report,
  storeWithMenu,
  tally,
} from './support';

const TABLES = 20;
const KEYS = 1000;
const CONCURRENCY = 30;

/**
 * A retry storm over two instances: 1,000 orders, each sent three times with its Idempotency-Key, one third with
 * all three at once, one third two at once then a retry, one third one after another. Exactly one order per key;
 * every 201 of a key carries the same order; the others are 409 IDEMPOTENCY_KEY_IN_USE; one event per order.
 */
describe('reliability: retry storm on Idempotency-Key', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  let f: StoreFixture;
  let menuId: string;
  let admin: SseClient | undefined;

  beforeAll(async () => {
    env = await createTestEnv();
    a = await startApp(env);
    b = await startApp(env);
    ({ f, menuId } = await storeWithMenu(a, TABLES, 5000));
  });

  afterAll(async () => {
    admin?.close();
    await a?.close();
    await b?.close();
    await env?.dispose();
  });

  it('creates exactly one order per key', async () => {
    const began = Date.now();
    admin = await openAdminStream(b.url, f.admin.token);
    expect(admin.status).toBe(200);
    const byKey = new Map<string, Array<Attempt & { key: string }>>();
    const send = async (i: number, copy: number): Promise<void> => {
      const key = `storm-${i}`;
      const attempt = await placeOrder([a.url, b.url][(i + copy) % 2], f.tables[i % TABLES].token, menuId, {
        key,
        quantity: (i % 5) + 1,
      });
      byKey.get(key)!.push({ ...attempt, key });
    };
    const storm = async (i: number): Promise<void> => {
      byKey.set(`storm-${i}`, []);
      switch (i % 3) {
        case 0:
          await Promise.all([send(i, 0), send(i, 1), send(i, 2)]);
          break;
        case 1:
          await Promise.all([send(i, 0), send(i, 1)]);
          await send(i, 2);
          break;
        default:
          for (let copy = 0; copy < 3; copy++) await send(i, copy);
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < KEYS) await storm(next++);
      }),
    );
    const stormMs = Date.now() - began;

    const attempts = [...byKey.values()].flat();
    const keysWithout201 = [...byKey.values()].filter((list) => !list.some((x) => x.status === 201));
    // A key whose concurrent copies all lost to each other never got its 201: the client's next retry does.
    for (const list of keysWithout201) {
      const first = list[0];
      const i = Number(first.key.slice('storm-'.length));
      list.push({
        ...(await placeOrder(a.url, f.tables[i % TABLES].token, menuId, {
          key: first.key,
          quantity: (i % 5) + 1,
        })),
        key: first.key,
      });
    }
    const orderIdsPerKey = [...byKey.values()].map(
      (list) => new Set(list.filter((x) => x.status === 201).map((x) => x.body.id as string)),
    );
    const committed = await committedOrderIds(a.dataSource, f.store.id);
    await admin.waitFor(
      (c) => newOrderIds(c).length >= committed.length,
      60_000,
      'every order on the stream',
    );
    const events = delivery(committed, newOrderIds(admin));
    const check = await integrity(a.dataSource, f.store.id);
    const inUse = attempts.filter((x) => x.status === 409 && x.body?.error_code === 'IDEMPOTENCY_KEY_IN_USE');

    report('retry-storm', {
      keys: KEYS,
      httpRequests: attempts.length,
      concurrency: CONCURRENCY,
      instances: 2,
      outcomes: tally(attempts),
      created: attempts.filter((x) => x.status === 201 && !x.replayed).length,
      replayed: attempts.filter((x) => x.status === 201 && x.replayed).length,
      inUse409: inUse.length,
      keysNeedingAFourthTry: keysWithout201.length,
      ordersInDatabase: committed.length,
      duplicateOrders: committed.length - byKey.size,
      events,
      integrity: check,
      stormMs,
      runtimeMs: Date.now() - began,
    });

    expect(attempts.filter((x) => x.status !== 201 && x.status !== 409)).toEqual([]);
    expect(inUse).toHaveLength(attempts.filter((x) => x.status === 409).length);
    // One order per key, the same one in every 201 of that key; one new order per key created, the rest replays.
    expect(orderIdsPerKey.every((ids) => ids.size === 1)).toBe(true);
    expect(attempts.filter((x) => x.status === 201 && !x.replayed)).toHaveLength(KEYS);
    expect(committed).toHaveLength(KEYS);
    expect(new Set(orderIdsPerKey.map((ids) => [...ids][0]))).toEqual(new Set(committed));
    expect(check).toMatchObject({
      orders: KEYS,
      ordersWithoutItems: 0,
      wrongTotals: 0,
      ordersWithoutOneEvent: 0,
      unfinishedKeys: 0,
      keysWithoutOrder: 0,
    });
    expect(events).toMatchObject({ expected: KEYS, received: KEYS, lost: 0, duplicated: 0, unexpected: 0 });
  });
});
