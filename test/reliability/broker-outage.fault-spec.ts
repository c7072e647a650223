import { Child, startMain } from '../utils/main-process';
import { rabbitmq, sleep, waitUntil } from '../utils/servers';
import {
  committedAndDelivered,
  delivery,
  dependencyMetrics,
  expectOneOrderPerKey,
  expectWholeOrders,
  integrity,
  LogWatch,
  newOrderIds,
  openAdminStream,
  outboxDrained,
  ReadinessWatch,
  report,
  startLoad,
  logSummary,
  summarizeLogs,
  tally,
  twoInstancesUnderFault,
} from './support';

const TABLES = 20;
const DOWN_MS = 10_000;

/**
 * RabbitMQ stopped for 10 s and started again while 20 tablets order steadily through two instances, each with
 * an admin dashboard connected. Orders do not need the broker: every one succeeds (or, at worst, fails cleanly
 * and is retried with its key), and every committed order reaches both dashboards exactly once. A third instance,
 * the real entry point in a child process, takes its share of the orders and a readiness probe every 250 ms: its
 * log has the outage as one warn line and one info line, no error line and no stack, and its metric goes 1, 0, 1.
 */
describe('reliability: RabbitMQ outage under a steady stream of orders', () => {
  const d = twoInstancesUnderFault(TABLES, 6000);
  let c: Child | undefined;
  beforeAll(async () => {
    c = await startMain(d.env, { LOG_LEVEL: 'info' });
  }, 120_000);
  afterAll(async () => {
    if (c && c.proc.exitCode === null && c.proc.signalCode === null) {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
  });

  it('loses no order and no event, and duplicates none, and logs the outage once', async () => {
    const { a, b, f, menuId, streams } = d;
    const child = c!;
    const began = Date.now();
    const logs = new LogWatch(child);
    const probe = new ReadinessWatch(child.url).start();
    await waitUntil(() => probe.sequence()[0] === 200, 10_000, 'the child ready before the outage');
    for (const on of [a, b]) {
      const s = await openAdminStream(on.url, f.admin.token);
      expect(s.status).toBe(200);
      streams.push(s);
    }

    const load = startLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      targets: () => [a.url, b.url, child.url],
      periodMs: 1000,
      keyPrefix: 'mq',
    });

    let stopBegan = 0;
    let stoppedAt = 0;
    let startBegan = 0;
    let startedAt = 0;
    await sleep(3000);
    const metricsBefore = await dependencyMetrics(child.url, 'rabbitmq');
    let metricsDuring = {};
    const mark = logs.mark();
    try {
      stopBegan = Date.now();
      await rabbitmq.stop();
      stoppedAt = Date.now();
      await sleep(DOWN_MS);
      metricsDuring = await dependencyMetrics(child.url, 'rabbitmq');
    } finally {
      startBegan = Date.now();
      await rabbitmq.start();
      startedAt = Date.now();
    }
    await sleep(5000);
    await waitUntil(() => probe.firstAt(200, stoppedAt) !== undefined, 30_000, 'the child ready again');
    await probe.stop();
    const metricsAfter = await dependencyMetrics(child.url, 'rabbitmq');
    const log = summarizeLogs(logs.since(mark), 'rabbitmq');
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
      // the child instance's log from the stop on, and its metric
      log: logSummary(log),
      readinessOfChild: probe.sequence(),
      dependencyMetric: { before: metricsBefore, during: metricsDuring, after: metricsAfter },
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
    // Quiet: one warn line when the outage starts, one info line with its duration when it ends, no error line
    // and no stack; each readiness 503 is an access-log line at warn.
    expect(log.errors).toEqual([]);
    expect(log.withStack).toBe(0);
    expect(log.outageStarted).toHaveLength(1);
    expect(log.outageEnded).toHaveLength(1);
    expect(Object.keys(log.access503ByLevel)).toEqual(['warn']);
    expect(probe.sequence()).toEqual([200, 503, 200]);
    expect(metricsBefore).toEqual({ up: 1, outages: 0 });
    expect(metricsDuring).toEqual({ up: 0, outages: 1 });
    expect(metricsAfter).toEqual({ up: 1, outages: 1 });
  });
});
