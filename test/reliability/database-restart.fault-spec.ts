import { OutboxRepository } from '../../src/modules/events/outbox.repository';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import type { StoreFixture } from '../utils/auth';
import { Child, startMain } from '../utils/main-process';
import { PrivatePostgres, sleep, waitUntil } from '../utils/servers';
import type { SseClient } from '../utils/sse';
import {
  Attempt,
  committedAndDelivered,
  delivery,
  dependencyMetrics,
  expectOneOrderPerKey,
  expectWholeOrders,
  get,
  holdOrderNumbers,
  integrity,
  LogWatch,
  newOrderIds,
  openAdminStream,
  outboxDrained,
  ReadinessWatch,
  report,
  startLoad,
  storeWithMenu,
  logSummary,
  summarizeLogs,
  tally,
  observeOnce,
} from './support';

const TABLES = 10;
const DOWN_MS = 8000;

/**
 * PostgreSQL stopped (fast shutdown: sessions terminated, open transactions rolled back) and started again while
 * ten tablets keep ordering and a dashboard keeps reading. Requests meanwhile answer 503 SERVICE_UNAVAILABLE
 * promptly, readiness goes 503 and back to 200 by itself, every tablet's retry with the same Idempotency-Key
 * ends in exactly one order, and the database holds no half-written order. The PostgreSQL is the test's own
 * (initdb into a temporary directory, a free port), so the one this machine shares is never stopped. A second instance, the real entry
 * point in a child process, takes its share of the orders and a readiness probe every 250 ms: its log has the
 * outage as one warn line and one info line, each 503 as an access-log line at warn, no error line and no stack,
 * and its metric goes 1, 0, 1.
 */
describe('reliability: PostgreSQL restart under load', () => {
  let env: TestEnv;
  let app: TestApp;
  let f: StoreFixture;
  let menuId: string;
  let admin: SseClient | undefined;
  let child: Child | undefined;
  let postgres: PrivatePostgres | undefined;

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    env = await createTestEnv({}, { postgresAdminUrl: postgres.adminUrl });
    app = await startApp(env);
    ({ f, menuId } = await storeWithMenu(app, TABLES, 8000));
    child = await startMain(env, { LOG_LEVEL: 'info' });
  }, 120_000);

  afterAll(async () => {
    admin?.close();
    if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    await postgres?.start();
    await app?.close();
    await env?.dispose();
    await postgres?.dispose();
  });

  /** The outage and the recovery, run once; each test below checks one claim about what was seen. */
  async function outage() {
    const began = Date.now();
    admin = await openAdminStream(app.url, f.admin.token);
    expect(admin.status).toBe(200);
    const readiness = new ReadinessWatch(app.url).start();
    const c = child!;
    const logs = new LogWatch(c);
    const probe = new ReadinessWatch(c.url).start();
    await waitUntil(
      () => readiness.sequence()[0] === 200 && probe.sequence()[0] === 200,
      10_000,
      'ready before the outage',
    );

    const load = startLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      targets: () => [app.url, c.url],
      periodMs: 400,
      retryDelayMs: 250,
      timeoutMs: 15_000,
      keyPrefix: 'pg',
    });
    // The dashboard's reads: they need the database too.
    const reads: Attempt[] = [];
    const reader = (async () => {
      while (!load.stopping) {
        reads.push(await get(app.url, '/api/v1/admin/tables', f.admin.token, 15_000));
        await sleep(200);
      }
    })();

    let stopBegan = 0;
    let stoppedAt = 0;
    let startBegan = 0;
    let startedAt = 0;
    await sleep(3000);
    // Orders in flight when the database dies: a session of ours holds the store's order-number row, so every
    // tablet's next order waits inside its transaction until the shutdown cuts it off.
    const held = await holdOrderNumbers(env.vars.DATABASE_URL, f.store.id);
    const metricsBefore = await dependencyMetrics(c.url, 'database');
    const mark = logs.mark();
    let metricsDuring = {};
    await sleep(1000);
    try {
      stopBegan = Date.now();
      await postgres!.stop();
      stoppedAt = Date.now();
      await sleep(DOWN_MS);
      metricsDuring = await dependencyMetrics(c.url, 'database');
    } finally {
      await held.release();
      startBegan = Date.now();
      await postgres!.start();
      startedAt = Date.now();
    }
    await waitUntil(
      () => readiness.firstAt(200, stoppedAt) !== undefined && probe.firstAt(200, stoppedAt) !== undefined,
      60_000,
      'ready after the restart',
    );
    const readyAt = readiness.firstAt(200, stoppedAt)!;
    await sleep(3000);
    const outcome = await load.finish();
    await reader;
    await readiness.stop();
    await probe.stop();
    const metricsAfter = await dependencyMetrics(c.url, 'database');
    const log = summarizeLogs(logs.since(mark), 'database');

    const { attempts, keys, succeeded } = outcome;
    const during = attempts.filter((a) => a.sentAt >= stoppedAt && a.sentAt < startBegan);
    // Sent before the shutdown began, answered after: their transactions were cut off or had just committed.
    const inFlightAtStop = attempts.filter((a) => a.sentAt < stopBegan && a.sentAt + a.ms > stopBegan);
    const firstOrderAfter = attempts
      .filter((a) => a.status === 201 && a.sentAt >= startBegan)
      .map((a) => a.sentAt + a.ms)
      .sort((x, y) => x - y)[0];

    const committed = await committedAndDelivered(
      app.dataSource,
      f.store.id,
      [admin],
      'every committed order on the admin stream',
    );
    await outboxDrained(app.dataSource, f.store.id);
    const check = await integrity(app.dataSource, f.store.id);
    // Event retention's statement runs on the reconnected pool too (it only logs and retries when it fails).
    const pruned = await app.app.get(OutboxRepository).prune(24, 100);
    const events = delivery(committed, newOrderIds(admin));
    const slowest503 = Math.max(0, ...during.filter((a) => a.status === 503).map((a) => a.ms));

    report('database-restart', {
      tables: TABLES,
      shutdownMs: stoppedAt - stopBegan,
      outageMs: startBegan - stoppedAt,
      ordersAttempted: keys.length,
      ordersSucceeded: succeeded.length,
      httpAttempts: attempts.length,
      attemptsByOutcome: tally(attempts),
      attemptsDuringOutage: tally(during),
      inFlightAtStop: tally(inFlightAtStop),
      dashboardReads: tally(reads),
      slowest503Ms: slowest503,
      replayedAfterRetry: attempts.filter((a) => a.replayed).length,
      readiness: readiness.sequence(),
      // from the start command: PostgreSQL itself takes most of it
      postgresStartMs: startedAt - startBegan,
      readyAgainAfterStartMs: readyAt - startBegan,
      firstOrderAfterStartMs: firstOrderAfter ? firstOrderAfter - startBegan : null,
      events,
      integrity: check,
      // the child instance's log from just before the stop on, and its metric
      log: logSummary(log),
      readinessOfChild: probe.sequence(),
      dependencyMetric: { before: metricsBefore, during: metricsDuring, after: metricsAfter },
      runtimeMs: Date.now() - began,
    });

    return {
      outcome,
      attempts,
      succeeded,
      keys,
      reads,
      during,
      inFlightAtStop,
      committed,
      check,
      pruned,
      events,
      log,
      readiness,
      probe,
      metrics: { before: metricsBefore, during: metricsDuring, after: metricsAfter },
    };
  }

  const o = observeOnce(outage);

  it('answers every order with a 201 or a clean 503: no 500, nothing timed out or was cut off', () => {
    expect(Object.keys(tally(o.attempts)).sort()).toEqual(expect.arrayContaining(['201', '503']));
    expect(o.attempts.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
  });

  it('answers every dashboard read with a 200 or a clean 503', () => {
    expect(o.reads.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
  });

  it('gives every 503 the SERVICE_UNAVAILABLE envelope', () => {
    for (const a of [...o.attempts, ...o.reads].filter((x) => x.status === 503)) {
      expect(a.body).toMatchObject({ status: 503, error_code: 'SERVICE_UNAVAILABLE' });
    }
  });

  it('answers 503 while the database is down', () => {
    expect(o.during.filter((a) => a.status === 503).length).toBeGreaterThan(0);
  });

  it('answers 503 to the orders cut off mid-transaction', () => {
    expect(o.inFlightAtStop.filter((a) => a.status === 503).length).toBeGreaterThan(0);
  });

  it('goes not ready with the database and ready again by itself, on both instances', () => {
    expect(o.readiness.sequence()).toEqual([200, 503, 200]);
    expect(o.probe.sequence()).toEqual([200, 503, 200]);
  });

  it('ends every logical order (retries with the same key included) in exactly one committed order', () => {
    expectOneOrderPerKey(o.outcome, o.committed);
    expect(new Set(o.succeeded.map(([, id]) => id)).size).toBe(o.keys.length);
  });

  it('leaves no half-written order: no orphan item, no key without its order', () => {
    expectWholeOrders(o.check, o.keys.length, { orphanItems: 0, keysWithoutOrder: 0 });
  });

  it('delivers one event per order to the dashboard: none lost, duplicated or unexpected', () => {
    expect(o.events).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
  });

  it('runs event retention on the reconnected pool', () => {
    expect(o.pruned).toBe(0);
  });

  it('logs no error line and no stack', () => {
    expect(o.log.errors).toEqual([]);
    expect(o.log.withStack).toBe(0);
  });

  it('logs the outage as one warn line when it starts and one info line when it ends', () => {
    expect(o.log.outageStarted).toHaveLength(1);
    expect(o.log.outageEnded).toHaveLength(1);
  });

  it('logs each 503 (orders, reads, readiness) as an access-log line at warn', () => {
    expect(o.log.access503ByLevel.warn).toBeGreaterThan(0);
    expect(Object.keys(o.log.access503ByLevel)).toEqual(['warn']);
  });

  it('shows the outage in the dependency metric: up 1, 0, 1 and one outage counted', () => {
    expect(o.metrics.before).toEqual({ up: 1, outages: 0 });
    expect(o.metrics.during).toEqual({ up: 0, outages: 1 });
    expect(o.metrics.after).toEqual({ up: 1, outages: 1 });
  });
});
