import { hostname } from 'node:os';
import { OutboxRelay } from '../../src/modules/events/outbox-relay';
import { createCategory, createMenu } from '../factories';
import { createTestEnv, SERVICES, startApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';
import { rabbitmq, rabbitmqctl, waitUntil } from '../utils/servers';
import { openSse, SseClient } from '../utils/sse';

/**
 * The event flow across two instances of one deployment, on real RabbitMQ, PostgreSQL and Redis:
 * outbox relay → durable topic exchange → each instance's exclusive queue → SSE.
 */
(SERVICES ? describe : describe.skip)('live events across instances (RabbitMQ)', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  let f: StoreFixture;
  let menuId: string;
  const open: SseClient[] = [];
  const sse = async (on: TestApp, path: string, headers: Record<string, string>): Promise<SseClient> => {
    const client = await openSse(on.url, path, { headers });
    open.push(client);
    expect(client.status).toBe(200);
    await client.waitFor((c) => c.retry !== undefined);
    return client;
  };
  const adminAuth = (): Record<string, string> => ({ Authorization: `Bearer ${f.admin.token}` });
  const placeOrder = async (on: TestApp, table = 0): Promise<{ id: string; returnedAt: number }> => {
    const res = await on
      .http()
      .post('/api/v1/orders')
      .set(...bearer(f.tables[table].token))
      .send({ items: [{ menuId, quantity: 1 }] });
    const returnedAt = Date.now();
    expect(res.status).toBe(201);
    return { id: res.body.id as string, returnedAt };
  };
  const orderIds = (c: SseClient): string[] =>
    c.events.filter((e) => e.event === 'new_order').map((e) => e.json.order.id as string);
  const unpublishedEvents = async (on: TestApp): Promise<number> => {
    const [{ n }] = (await on.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE store_id = $1 AND published_at IS NULL`,
      [f.store.id],
    )) as Array<{ n: number }>;
    return n;
  };

  beforeAll(async () => {
    env = await createTestEnv();
    a = await startApp(env);
    b = await startApp(env);
    f = await storeFixture(a, 2);
    const category = await createCategory(a.dataSource, f.store.id);
    menuId = (await createMenu(a.dataSource, f.store.id, category.id, { price: 9000 })).id;
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await env?.dispose();
  });

  it('declares a durable topic exchange and one exclusive, auto-delete queue per instance', async () => {
    const exchanges = await rabbitmqctl('list_exchanges', 'name', 'type', 'durable');
    expect(exchanges).toMatch(/^table-order-events\ttopic\ttrue$/m);
    const queues = (await rabbitmqctl('list_queues', 'name', 'exclusive', 'auto_delete'))
      .split('\n')
      .filter((line) => line.startsWith(`table-order-events.${hostname()}.${process.pid}.`))
      .map((line) => line.split('\t'));
    expect(queues.length).toBeGreaterThanOrEqual(2);
    for (const [, exclusive, autoDelete] of queues) {
      expect(exclusive).toBe('true');
      expect(autoDelete).toBe('true');
    }
  });

  it('delivers an order placed on instance A to a client on instance B within 500 ms', async () => {
    const onB = await sse(b, '/api/v1/admin/events', adminAuth());
    const onA = await sse(a, '/api/v1/admin/events', adminAuth());
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const order = await placeOrder(a);
      await onB.waitFor((c) => orderIds(c).includes(order.id), 500, `order ${order.id} on B`);
      const event = onB.events.find((e) => e.event === 'new_order' && e.json.order.id === order.id)!;
      delays.push(Math.max(0, event.receivedAt - order.returnedAt));
    }
    console.log(`A → B event delay after POST /orders returned (ms): ${delays.join(', ')}`);
    expect(Math.max(...delays)).toBeLessThan(500);
    await onA.waitForEvents(5);
    expect(onA.ids()).toEqual(onB.ids());
    expect(new Set(onB.ids()).size).toBe(5);
  });

  it("gives a table stream on B only its own table's events", async () => {
    const mine = await sse(b, '/api/v1/orders/events', { Authorization: `Bearer ${f.tables[0].token}` });
    const admin = await sse(b, '/api/v1/admin/events', adminAuth());
    const own1 = await placeOrder(a, 0);
    await placeOrder(a, 1);
    const own2 = await placeOrder(b, 0);
    await placeOrder(b, 1);
    await admin.waitForEvents(4);
    await mine.waitForEvents(2);
    expect(orderIds(mine)).toEqual([own1.id, own2.id]);
    expect(mine.events.every((e) => e.json.tableId === f.tables[0].id)).toBe(true);
  });

  it('replays exactly the missed events when a client reconnects to the other instance with Last-Event-ID', async () => {
    const first = await sse(a, '/api/v1/admin/events', adminAuth());
    const seen = await placeOrder(b);
    await first.waitFor((c) => orderIds(c).includes(seen.id));
    const lastId = first.events[first.events.length - 1].id!;
    first.close();
    const missed = [await placeOrder(a), await placeOrder(b), await placeOrder(a, 1)];
    const again = await sse(b, '/api/v1/admin/events', { ...adminAuth(), 'Last-Event-ID': lastId });
    await again.waitForEvents(3);
    const live = await placeOrder(a);
    await again.waitForEvents(4);
    expect(orderIds(again)).toEqual([...missed.map((o) => o.id), live.id]);
    const ids = again.ids();
    expect(ids).toEqual(ids.map((_, i) => Number(lastId) + 1 + i));
  });

  it('counts the stream limit across instances (Redis)', async () => {
    for (let i = 0; i < 3; i++) await sse(a, '/api/v1/admin/events', adminAuth());
    for (let i = 0; i < 2; i++) await sse(b, '/api/v1/admin/events', adminAuth());
    const sixth = await openSse(a.url, '/api/v1/admin/events', { headers: adminAuth() });
    open.push(sixth);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error_code).toBe('RATE_LIMIT_EXCEEDED');
  });

  describe('while RabbitMQ is stopped and after it is back', () => {
    /** Orders placed before, during and after the outage, and what each instance's dashboard received. */
    let placed: string[];
    let statusesDuring: number[];
    let onA: SseClient;
    let onB: SseClient;
    /** What each dashboard had received once every order placed so far had arrived. */
    let delivered: Array<{ orders: string[]; ids: number[] }>;
    let later: string;
    let laterDeliveredMs: number;

    beforeAll(async () => {
      // Opened here rather than with sse(): afterEach closes those, and these are read by every test below.
      const stream = async (on: TestApp): Promise<SseClient> => {
        const client = await openSse(on.url, '/api/v1/admin/events', { headers: adminAuth() });
        await client.waitFor((c) => c.retry !== undefined);
        return client;
      };
      onA = await stream(a);
      onB = await stream(b);
      const before = await placeOrder(a);
      await onB.waitFor((c) => orderIds(c).includes(before.id));
      placed = [before.id];
      statusesDuring = [];
      await rabbitmq.stop();
      try {
        for (let i = 0; i < 6; i++) {
          const res = await (i % 2 === 0 ? a : b)
            .http()
            .post('/api/v1/orders')
            .set(...bearer(f.tables[i % 2].token))
            .send({ items: [{ menuId, quantity: 1 }] });
          statusesDuring.push(res.status);
          if (res.status === 201) placed.push(res.body.id as string);
        }
      } finally {
        await rabbitmq.start({ waitMs: 60_000 });
      }
      placed.push((await placeOrder(b)).id);
      for (const client of [onA, onB]) {
        await client.waitFor((c) => orderIds(c).length >= placed.length, 20_000, 'every order');
      }
      delivered = [onA, onB].map((c) => ({ orders: orderIds(c), ids: c.ids() }));
      await waitUntil(async () => (await unpublishedEvents(a)) === 0, 20_000, 'every event published', 50);
      const sentAt = Date.now();
      later = (await placeOrder(a)).id;
      await onB.waitFor((c) => orderIds(c).includes(later), 2000, 'an order after the outage');
      laterDeliveredMs = Date.now() - sentAt;
    }, 120_000);
    afterAll(() => {
      onA?.close();
      onB?.close();
    });

    it('takes every order while the broker is down', () => {
      expect(statusesDuring).toEqual([201, 201, 201, 201, 201, 201]);
    });

    it("delivers every order to each instance's dashboard, in the order placed, none lost", () => {
      for (const { orders } of delivered) expect(orders).toEqual(placed);
    });

    it('delivers none twice: event ids on each stream increase by one', () => {
      for (const { ids } of delivered) {
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
      }
    });

    it('publishes what piled up in the outbox once the broker is back', async () => {
      expect(await unpublishedEvents(a)).toBe(0);
    });

    it('carries new events across instances again after the outage', () => {
      expect(orderIds(onB)).toContain(later);
      expect(laterDeliveredMs).toBeLessThan(2000);
    });
  });

  it("publishes the events of an instance that died between commit and publish from another instance's relay", async () => {
    const c = await startApp(env);
    let closed = false;
    try {
      const onB = await sse(b, '/api/v1/admin/events', adminAuth());
      // A and B stop relaying too, so that only what happens after C is gone can publish C's rows.
      await Promise.all([a, b, c].map((x) => x.app.get(OutboxRelay).pause()));
      const orphans = [await placeOrder(c), await placeOrder(c, 1)];
      expect(await unpublishedEvents(c)).toBe(2);
      await c.close();
      closed = true;
      a.app.get(OutboxRelay).resume();
      b.app.get(OutboxRelay).resume();
      await onB.waitFor((x) => orphans.every((o) => orderIds(x).includes(o.id)), 5000, "C's orders");
      await waitUntil(async () => (await unpublishedEvents(a)) === 0, 10_000, "C's events published", 50);
      expect(orderIds(onB)).toEqual(orphans.map((o) => o.id));
    } finally {
      a.app.get(OutboxRelay).resume();
      b.app.get(OutboxRelay).resume();
      if (!closed) await c.close();
    }
  });
});
