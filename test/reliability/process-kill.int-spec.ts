import { sleep } from '../utils/servers';
import {
  committedAndDelivered,
  ordersFlowing,
  delivery,
  expectOneOrderPerKey,
  expectWholeOrders,
  holdOrderNumbers,
  instanceAndChild,
  integrity,
  newOrderIds,
  openAdminStream,
  outboxDrained,
  report,
  startLoad,
  tally,
} from './support';

const TABLES = 10;

/**
 * Two instances of one deployment (the real entry point in a child process, and one in this process) share a
 * steady stream of orders; the child is killed with SIGKILL mid-load. Requests it had accepted are cut off;
 * tablets retry them on the survivor with the same key. No committed order loses its event: the survivor's
 * relay publishes whatever the dead instance committed but had not published, and its dashboard gets each once.
 */
describe('reliability: SIGKILL of one of two instances under load', () => {
  const d = instanceAndChild(TABLES, 9000, { LOG_LEVEL: 'warn' });

  it('loses no committed order and no event', async () => {
    const { env, app: survivor, child, f, menuId } = d;
    const began = Date.now();
    const admin = await openAdminStream(survivor.url, f.admin.token);
    d.streams.push(admin);
    expect(admin.status).toBe(200);
    let alive = true;
    const load = startLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      // The load balancer stops sending to the dead instance once it has noticed.
      targets: () => (alive ? [child.url, survivor.url] : [survivor.url]),
      periodMs: 300,
      retryDelayMs: 100,
      keyPrefix: 'kill',
    });
    await ordersFlowing(survivor.dataSource, f.store.id);
    // Orders in flight on both instances, waiting inside their transactions when the kill comes.
    const held = await holdOrderNumbers(env.vars.DATABASE_URL, f.store.id);
    await sleep(700);
    const killedAt = Date.now();
    child.proc.kill('SIGKILL');
    const exit = await child.exited;
    alive = false;
    await sleep(500);
    await held.release();
    await sleep(3000);
    const outcome = await load.finish();
    const { attempts, keys, succeeded } = outcome;
    const onVictim = attempts.filter((x) => x.target === child.url);
    const cutOff = onVictim.filter((x) => x.error !== undefined && x.sentAt < killedAt);
    const cutOffKeys = new Set(cutOff.map((x) => x.key));
    // A cut-off request whose order had committed: its retry was answered by replay, not a second order.
    const committedBeforeCut = attempts.filter((x) => cutOffKeys.has(x.key) && x.replayed).length;
    const committed = await committedAndDelivered(
      survivor.dataSource,
      f.store.id,
      [admin],
      'every committed order on the survivor',
    );
    await outboxDrained(survivor.dataSource, f.store.id);
    const check = await integrity(survivor.dataSource, f.store.id);
    const events = delivery(committed, newOrderIds(admin));

    report('process-kill', {
      tables: TABLES,
      instances: 2,
      exitSignal: exit.signal,
      ordersAttempted: keys.length,
      ordersSucceeded: succeeded.length,
      httpAttempts: attempts.length,
      attemptsByOutcome: tally(attempts),
      attemptsOnKilledInstance: tally(onVictim),
      cutOffByKill: cutOff.length,
      cutOffButCommitted: committedBeforeCut,
      inUse409WhileCutOffTransactionsHeldTheirKeys: attempts.filter((x) => x.status === 409).length,
      // the lock of ours that kept them in flight is released 500 ms after the kill
      cutOffKeysOrderedAfterKillMs: Math.max(
        0,
        ...attempts
          .filter((x) => cutOffKeys.has(x.key) && x.status === 201)
          .map((x) => x.sentAt + x.ms - killedAt),
      ),
      ordersInDatabase: committed.length,
      events,
      integrity: check,
      runtimeMs: Date.now() - began,
    });

    expect(exit.signal).toBe('SIGKILL');
    // Some orders died with the instance, mid-transaction; their retries elsewhere made one order each.
    expect(cutOff.length).toBeGreaterThan(0);
    // Answers were 201 or clean failures: 503, or 409 IDEMPOTENCY_KEY_IN_USE while the dead instance's cut-off
    // transaction still held the key (until PostgreSQL noticed its client was gone and rolled it back).
    const unclean = attempts.filter(
      (x) =>
        x.status !== undefined &&
        x.status !== 201 &&
        x.status !== 503 &&
        !(x.status === 409 && x.body?.error_code === 'IDEMPOTENCY_KEY_IN_USE'),
    );
    expect(unclean).toEqual([]);
    expect(attempts.filter((x) => x.error !== undefined && x.target !== child.url)).toEqual([]);
    expectOneOrderPerKey(outcome, committed);
    expect(events).toMatchObject({ expected: keys.length, lost: 0, duplicated: 0, unexpected: 0 });
    expectWholeOrders(check, keys.length);
  });
});
