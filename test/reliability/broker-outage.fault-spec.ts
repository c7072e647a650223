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
  observeOnce,
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

  /** The outage and the recovery, run once; each test below checks one claim about what was seen. */
  async function outage() {
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

    return {
      outcome,
      attempts,
      keys,
      committed,
      placedDuringOutage,
      onA,
      onB,
      streams,
      check,
      log,
      probe,
      metrics: { before: metricsBefore, during: metricsDuring, after: metricsAfter },
    };
  }

  const o = observeOnce(outage);

  it('answers every attempt with 201 or a clean 503: none hung or was cut off', () => {
    expect(o.attempts.filter((x) => x.status !== 201 && x.status !== 503)).toEqual([]);
  });

  it('takes orders while the broker is down', () => {
    expect(o.placedDuringOutage).toBeGreaterThan(0);
  });

  it('makes exactly one order of each idempotency key', () => {
    expectOneOrderPerKey(o.outcome, o.committed);
  });

  it('delivers every committed order to both dashboards once: none lost, duplicated or unexpected', () => {
    for (const events of [o.onA, o.onB]) {
      expect(events).toMatchObject({ expected: o.keys.length, lost: 0, duplicated: 0, unexpected: 0 });
    }
  });

  it('keeps store order on each stream: ids increase by one, no gap and no repeat', () => {
    for (const s of o.streams) {
      const ids = s.ids();
      expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    }
  });

  it('writes every order whole', () => {
    expectWholeOrders(o.check, o.keys.length);
  });

  it('logs no error line and no stack', () => {
    expect(o.log.errors).toEqual([]);
    expect(o.log.withStack).toBe(0);
  });

  it('logs the outage as one warn line when it starts and one info line when it ends', () => {
    expect(o.log.outageStarted).toHaveLength(1);
    expect(o.log.outageEnded).toHaveLength(1);
  });

  it('logs each readiness 503 as an access-log line at warn', () => {
    expect(Object.keys(o.log.access503ByLevel)).toEqual(['warn']);
  });

  it('reports the child not ready during the outage and ready again after it', () => {
    expect(o.probe.sequence()).toEqual([200, 503, 200]);
  });

  it('shows the outage in the dependency metric: up 1, 0, 1 and one outage counted', () => {
    expect(o.metrics.before).toEqual({ up: 1, outages: 0 });
    expect(o.metrics.during).toEqual({ up: 0, outages: 1 });
    expect(o.metrics.after).toEqual({ up: 1, outages: 1 });
  });
});
