import { rabbitmq, sleep } from '../utils/servers';
import {
  committedAndDelivered,
  delivery,
  expectOneOrderPerKey,
  expectWholeOrders,
  integrity,
  newOrderIds,
  openAdminStream,
  outboxDrained,
  report,
  startLoad,
  tally,
  twoInstancesUnderFault,
} from './support';

const TABLES = 20;
const DOWN_MS = 10_000;

/**
 * RabbitMQ stopped for 10 s and started again while 20 tablets order steadily through two instances, each with
 * an admin dashboard connected. Orders do not need the broker: every one succeeds (or, at worst, fails cleanly
 * and is retried with its key), and every committed order reaches both dashboards exactly once.
 */
describe('reliability: RabbitMQ outage under a steady stream of orders', () => {
  const d = twoInstancesUnderFault(TABLES, 6000);

  it('loses no order and no event, and duplicates none', async () => {
    const { a, b, f, menuId, streams } = d;
    const began = Date.now();
    for (const on of [a, b]) {
      const s = await openAdminStream(on.url, f.admin.token);
      expect(s.status).toBe(200);
      streams.push(s);
    }

    const load = startLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      targets: () => [a.url, b.url],
      periodMs: 1000,
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
    const outcome = await load.finish();
    const { attempts, keys, succeeded } = outcome;

    const lastCommitted = Math.max(...attempts.filter((x) => x.status === 201).map((x) => x.sentAt + x.ms));
    const committed = await committedAndDelivered(
      a.dataSource,
      f.store.id,
      streams,
      'every committed order on the stream',
    );
    const allDeliveredAfterLastOrderMs = Math.max(
      ...streams.map((s) => s.events[s.events.length - 1].receivedAt),
    );
    const publishedAfterStartMs = await outboxDrained(a.dataSource, f.store.id);
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
    expect(placedDuringOutage).toBeGreaterThan(0);
    expectOneOrderPerKey(outcome, committed);
    for (const events of [onA, onB]) {
      expect(events).toMatchObject({ expected: keys.length, lost: 0, duplicated: 0, unexpected: 0 });
    }
    // In store order on each stream: ids increase by one, no gap and no repeat.
    for (const s of streams) {
      const ids = s.ids();
      expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    }
    expectWholeOrders(check, keys.length);
  });
});
