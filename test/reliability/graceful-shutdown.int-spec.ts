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
  report,
  startLoad,
  tally,
} from './support';

const TABLES = 10;

/**
 * SIGTERM to one of two instances while tablets order through both: every request it accepted is answered
 * (201, never an error status), it refuses new connections, which tablets then send to the other instance,
 * and it exits 0 with every committed order's event published and delivered once.
 */
describe('reliability: SIGTERM of one of two instances under load', () => {
  const d = instanceAndChild(TABLES, 4000, { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '10000' });

  it('answers every accepted request and fails none', async () => {
    const { env, app: other, child, f, menuId } = d;
    const began = Date.now();
    const admin = await openAdminStream(other.url, f.admin.token);
    d.streams.push(admin);
    expect(admin.status).toBe(200);
    let exited = false;
    const load = startLoad({
      tokens: f.tables.map((t) => t.token),
      menuId,
      targets: () => (exited ? [other.url] : [child.url, other.url]),
      periodMs: 300,
      retryDelayMs: 100,
      keyPrefix: 'term',
    });
    await ordersFlowing(other.dataSource, f.store.id);
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
    const outcome = await load.finish();
    const { attempts, keys, succeeded } = outcome;
    const onChild = attempts.filter((x) => x.target === child.url);
    const answered = onChild.filter((x) => x.status !== undefined);
    const inFlightAtSigterm = onChild.filter((x) => x.sentAt < sigtermAt && x.sentAt + x.ms >= sigtermAt);
    const refused = onChild.filter((x) => x.error !== undefined);
    const committed = await committedAndDelivered(
      other.dataSource,
      f.store.id,
      [admin],
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
    expectOneOrderPerKey(outcome, committed);
    expect(events).toMatchObject({ expected: keys.length, lost: 0, duplicated: 0, unexpected: 0 });
    expectWholeOrders(check, keys.length);
    expect(child.output()).toContain('"shut down"');
  });
});
