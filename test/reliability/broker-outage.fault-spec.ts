import { createCategory, createMenu } from '../factories';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import { StoreFixture, storeFixture } from '../utils/auth';
import { openSse, SseClient } from '../utils/sse';
import {
  committedOrderIds,
  delivery,
  ensureServicesUp,
  integrity,
  newOrderIds,
  rabbitmq,
  report,
  sleep,
  steadyLoad,
  tally,
  waitUntil,
} from './support';

const TABLES = 20;
const DOWN_MS = 10_000;

/**
 * RabbitMQ stopped for 10 s and started again while 20 tablets order steadily through two instances, each with
 * an admin dashboard connected. Orders do not need the broker: every one succeeds (or, at worst, fails cleanly
 * and is retried with its key), and every committed order reaches both dashboards exactly once.
 */
describe('reliability: RabbitMQ outage under a steady stream of orders', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  let f: StoreFixture;
  let menuId: string;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    await ensureServicesUp();
    env = await createTestEnv();
    a = await startApp(env);
    b = await startApp(env);
    f = await storeFixture(a, TABLES);
    const category = await createCategory(a.dataSource, f.store.id);
    menuId = (await createMenu(a.dataSource, f.store.id, category.id, { price: 6000 })).id;
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await ensureServicesUp();
    await a?.close();
    await b?.close();
    await env?.dispose();
  });

  it('loses no order and no event, and duplicates none', async () => {
    const began = Date.now();
    for (const on of [a, b]) {
      const s = await openSse(on.url, '/api/v1/admin/events', {
        headers: { Authorization: `Bearer ${f.admin.token}` },
      });
      expect(s.status).toBe(200);
      streams.push(s);
    }

    let stopLoad = false;
    let giveUpAt = Number.POSITIVE_INFINITY;
    const load = steadyLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      targets: () => [a.url, b.url],
      periodMs: 1000,
      stopped: () => stopLoad,
      giveUpAt: () => giveUpAt,
      keyPrefix: 'mq',
    });

    let stopBegan = 0;
    let stoppedAt = 0;
    let startBegan = 0;
    let startedAt = 0;
    await sleep(3000);
    try {
      stopBegan = Date.now();
      await rabbitmq.stop();
      stoppedAt = Date.now();
      await sleep(DOWN_MS);
    } finally {
      startBegan = Date.now();
      await rabbitmq.start();
      startedAt = Date.now();
    }
    await sleep(5000);
    stopLoad = true;
    giveUpAt = Date.now() + 30_000;
    const tablets = await load;

    const attempts = tablets.flatMap((t) => t.attempts);
    const keys = tablets.flatMap((t) => [...t.orders.entries()]);
    const succeeded = keys.filter(([, id]) => id !== undefined);
    const committed = await committedOrderIds(a.dataSource, f.store.id);
    const lastCommitted = Math.max(...attempts.filter((x) => x.status === 201).map((x) => x.sentAt + x.ms));
    for (const s of streams) {
      await s.waitFor(
        (c) => committed.every((id) => newOrderIds(c).includes(id)),
        30_000,
        'every committed order on the stream',
      );
    }
    const allDeliveredAfterLastOrderMs = Math.max(
      ...streams.map((s) => s.events[s.events.length - 1].receivedAt),
    );
    const publishedAfterStartMs = await waitUntil(
      async () => (await integrity(a.dataSource, f.store.id)).unpublishedEvents === 0,
      30_000,
      'every event published',
    );
    const check = await integrity(a.dataSource, f.store.id);
    const onA = delivery(committed, newOrderIds(streams[0]));
    const onB = delivery(committed, newOrderIds(streams[1]));
    const placedDuringOutage = attempts.filter(
      (x) => x.status === 201 && x.sentAt >= stopBegan && x.sentAt < startedAt,
    ).length;

    report('broker-outage', {
      tables: TABLES,
      instances: 2,
      stopAppMs: stoppedAt - stopBegan,
      outageMs: startBegan - stoppedAt,
      startAppMs: startedAt - startBegan,
      ordersAttempted: keys.length,
      ordersSucceeded: succeeded.length,
      httpAttempts: attempts.length,
      attemptsByOutcome: tally(attempts),
      ordersPlacedWhileBrokerDown: placedDuringOutage,
      eventsOnA: onA,
      eventsOnB: onB,
      lastEventAfterLastOrderMs: allDeliveredAfterLastOrderMs - lastCommitted,
      outboxDrainedAfterChecksMs: publishedAfterStartMs,
      integrity: check,
      runtimeMs: Date.now() - began,
    });

    // Every attempt succeeded or failed cleanly (503 with the envelope); none hung or was cut off.
    expect(attempts.filter((x) => x.status !== 201 && x.status !== 503)).toEqual([]);
    expect(succeeded).toHaveLength(keys.length);
    expect(placedDuringOutage).toBeGreaterThan(0);
    expect(committed.sort()).toEqual(succeeded.map(([, id]) => id as string).sort());
    for (const d of [onA, onB]) {
      expect(d).toMatchObject({ expected: keys.length, lost: 0, duplicated: 0, unexpected: 0 });
    }
    // In store order on each stream: ids increase by one, no gap and no repeat.
    for (const s of streams) {
      const ids = s.ids();
      expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    }
    expect(check).toMatchObject({
      orders: keys.length,
      ordersWithoutItems: 0,
      wrongTotals: 0,
      ordersWithoutOneEvent: 0,
      unfinishedKeys: 0,
      unpublishedEvents: 0,
    });
  });
});
