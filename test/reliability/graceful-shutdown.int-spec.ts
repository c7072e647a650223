import { createCategory, createMenu } from '../factories';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import { StoreFixture, storeFixture } from '../utils/auth';
import { Child, startMain } from '../utils/main-process';
import { openSse, SseClient } from '../utils/sse';
import {
  committedOrderIds,
  delivery,
  holdOrderNumbers,
  integrity,
  newOrderIds,
  report,
  sleep,
  steadyLoad,
  tally,
  waitUntil,
} from './support';

const TABLES = 10;

/**
 * SIGTERM to one of two instances while tablets order through both: every request it accepted is answered
 * (201, never an error status), it refuses new connections, which tablets then send to the other instance,
 * and it exits 0 with every committed order's event published and delivered once.
 */
describe('reliability: SIGTERM of one of two instances under load', () => {
  let env: TestEnv;
  let other: TestApp;
  let draining: Child | undefined;
  let f: StoreFixture;
  let menuId: string;
  let admin: SseClient | undefined;

  beforeAll(async () => {
    env = await createTestEnv();
    other = await startApp(env);
    draining = await startMain(env, { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '10000' });
    f = await storeFixture(other, TABLES);
    const category = await createCategory(other.dataSource, f.store.id);
    menuId = (await createMenu(other.dataSource, f.store.id, category.id, { price: 4000 })).id;
  }, 120_000);

  afterAll(async () => {
    admin?.close();
    if (draining && draining.proc.exitCode === null && draining.proc.signalCode === null) {
      draining.proc.kill('SIGKILL');
    }
    await other?.close();
    await env?.dispose();
  });

  it('answers every accepted request and fails none', async () => {
    const began = Date.now();
    const child = draining!;
    admin = await openSse(other.url, '/api/v1/admin/events', {
      headers: { Authorization: `Bearer ${f.admin.token}` },
    });
    expect(admin.status).toBe(200);
    let stopLoad = false;
    let giveUpAt = Number.POSITIVE_INFINITY;
    let exited = false;
    const load = steadyLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      targets: () => (exited ? [other.url] : [child.url, other.url]),
      periodMs: 300,
      stopped: () => stopLoad,
      giveUpAt: () => giveUpAt,
      retryDelayMs: 100,
      keyPrefix: 'term',
    });
    await waitUntil(
      async () => (await committedOrderIds(other.dataSource, f.store.id)).length >= 30,
      30_000,
      'orders flowing through both instances',
    );
    // Orders in flight on both instances, waiting inside their transactions when SIGTERM comes; they go on
    // once the draining instance has stopped accepting.
    const held = await holdOrderNumbers(env.vars.DATABASE_URL, f.store.id);
    await sleep(700);
    const sigtermAt = Date.now();
    child.proc.kill('SIGTERM');
    await sleep(1500);
    await held.release();
    const exit = await child.exited;
    exited = true;
    await sleep(2000);
    stopLoad = true;
    giveUpAt = Date.now() + 30_000;
    const tablets = await load;

    const attempts = tablets.flatMap((t) => t.attempts);
    const keys = tablets.flatMap((t) => [...t.orders.entries()]);
    const succeeded = keys.filter(([, id]) => id !== undefined);
    const onChild = attempts.filter((x) => x.target === child.url);
    const answered = onChild.filter((x) => x.status !== undefined);
    const inFlightAtSigterm = onChild.filter((x) => x.sentAt < sigtermAt && x.sentAt + x.ms >= sigtermAt);
    const refused = onChild.filter((x) => x.error !== undefined);
    const committed = await committedOrderIds(other.dataSource, f.store.id);
    await admin.waitFor(
      (c) => committed.every((id) => newOrderIds(c).includes(id)),
      30_000,
      'every committed order on the other instance',
    );
    const check = await integrity(other.dataSource, f.store.id);
    const events = delivery(committed, newOrderIds(admin));

    report('graceful-shutdown', {
      tables: TABLES,
      instances: 2,
      exitCode: exit.code,
      shutdownMs: exit.at - sigtermAt,
      ordersAttempted: keys.length,
      ordersSucceeded: succeeded.length,
      httpAttempts: attempts.length,
      attemptsByOutcome: tally(attempts),
      answeredByDrainingInstance: tally(answered),
      inFlightAtSigterm: tally(inFlightAtSigterm),
      notAcceptedAfterSigterm: tally(refused),
      events,
      integrity: check,
      runtimeMs: Date.now() - began,
    });

    expect(exit.code).toBe(0);
    // Zero failed accepted requests: everything the draining instance answered was a 201, those in flight included.
    expect(answered.filter((x) => x.status !== 201)).toEqual([]);
    expect(inFlightAtSigterm.length).toBeGreaterThan(0);
    expect(inFlightAtSigterm.every((x) => x.status === 201)).toBe(true);
    // Connections it no longer accepted, only after SIGTERM; their tablets retried elsewhere with the same key.
    expect(refused.filter((x) => x.sentAt < sigtermAt)).toEqual([]);
    expect(attempts.filter((x) => x.target !== child.url && x.status !== 201)).toEqual([]);
    expect(succeeded).toHaveLength(keys.length);
    expect(committed.sort()).toEqual(succeeded.map(([, id]) => id as string).sort());
    expect(events).toMatchObject({ expected: keys.length, lost: 0, duplicated: 0, unexpected: 0 });
    expect(check).toMatchObject({
      orders: keys.length,
      ordersWithoutItems: 0,
      wrongTotals: 0,
      ordersWithoutOneEvent: 0,
      unfinishedKeys: 0,
      unpublishedEvents: 0,
    });
    expect(child.output()).toContain('"shut down"');
  });
});
