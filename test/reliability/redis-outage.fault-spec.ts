import type { TestApp } from '../utils/app';
import { redis, sleep, waitUntil } from '../utils/servers';
import type { SseClient } from '../utils/sse';
import {
  Attempt,
  committedOrderIds,
  delivery,
  get,
  integrity,
  newOrderIds,
  openAdminStream,
  placeOrder,
  ReadinessWatch,
  report,
  tally,
  twoInstancesUnderFault,
} from './support';

const TABLES = 6;

async function login(url: string, path: string, body: object): Promise<Attempt> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${url}/api/v1/auth/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.json(), sentAt, ms: Date.now() - sentAt };
  } catch (error) {
    return { error: (error as Error).message, sentAt, ms: Date.now() - sentAt };
  }
}

async function cacheHits(app: TestApp): Promise<number> {
  const text = (await get(app.url, '/metrics')).body as string;
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('table_order_cache_requests_total{') &&
        l.includes('cache="menu"') &&
        l.includes('result="hit"'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Redis stopped and started again under a mixed load on two instances. The menu is served from the database,
 * logins and orders keep working (the rate limit lets requests through, the login lockout counts per instance,
 * token checks read the database), readiness reports Redis down, and everything is back on Redis afterwards.
 */
describe('reliability: Redis outage', () => {
  const d = twoInstancesUnderFault(TABLES, 7000);

  it('keeps menus, logins and orders working while Redis is down, then goes back to it', async () => {
    const { a, b, f, menuId } = d;
    const began = Date.now();
    const apps = [a, b];
    const table = (i: number) => ({
      storeCode: f.store.code,
      tableNumber: f.tables[i].number,
      password: f.tables[i].password,
    });
    const warm = await get(a.url, '/api/v1/menu', f.tables[0].token);
    expect(warm.status).toBe(200);
    await get(b.url, '/api/v1/menu', f.tables[0].token);
    const before = await streamOn(a);
    const watches = apps.map((x) => new ReadinessWatch(x.url).start());
    await waitUntil(() => watches.every((w) => w.sequence()[0] === 200), 10_000, 'ready before the outage');

    const menus: Attempt[] = [];
    const logins: Attempt[] = [];
    const orders: Attempt[] = [];
    let lockout: Record<string, number | string | undefined> = {};
    let during: SseClient | undefined;
    let stoppedAt = 0;
    let startBegan = 0;
    try {
      await redis.stop();
      stoppedAt = Date.now();
      // A few rounds of what tablets and the dashboard do, on both instances.
      for (let round = 0; round < 4; round++) {
        await Promise.all(
          f.tables.map(async (t, i) => {
            const on = apps[(i + round) % 2];
            menus.push(await get(on.url, '/api/v1/menu', t.token));
            const fresh = await login(on.url, 'table-login', table(i));
            logins.push(fresh);
            const token = fresh.status === 200 ? (fresh.body.accessToken as string) : t.token;
            orders.push(await placeOrder(on.url, token, menuId, { key: `redis-${i}-${round}` }));
          }),
        );
        logins.push(
          await login(apps[round % 2].url, 'admin-login', {
            storeCode: f.store.code,
            username: f.admin.username,
            password: f.admin.password,
          }),
        );
      }
      // A dashboard connecting now: the stream limit is counted per instance.
      during = await streamOn(b);
      // Lockout, per instance: five failures on A lock the login on A; B has not seen them.
      const victim = TABLES - 1;
      const wrong = { ...table(victim), password: 'wrong-password' };
      const failures = [];
      for (let i = 0; i < 5; i++) failures.push((await login(a.url, 'table-login', wrong)).status);
      const lockedOnA = await login(a.url, 'table-login', table(victim));
      const onB = await login(b.url, 'table-login', table(victim));
      lockout = {
        failures: failures.join(','),
        sixthOnA: lockedOnA.status,
        sixthOnACode: lockedOnA.body?.error_code,
        rightPasswordOnB: onB.status,
      };
      await sleep(1000);
    } finally {
      startBegan = Date.now();
      await redis.start();
    }
    const readyMs = await waitUntil(
      () => watches.every((w) => w.firstAt(200, stoppedAt) !== undefined),
      30_000,
      'both instances ready again',
    );
    // Back on the cache: each instance gets menu cache hits again.
    const hitsBefore = await Promise.all(apps.map(cacheHits));
    const cacheBackMs = await waitUntil(
      async () => {
        const hits = await Promise.all(
          apps.map(async (x, i) => {
            await get(x.url, '/api/v1/menu', f.tables[0].token);
            return (await cacheHits(x)) > hitsBefore[i];
          }),
        );
        return hits.every(Boolean);
      },
      30_000,
      'menu cache hits on both instances',
      200,
    );
    await Promise.all(watches.map((w) => w.stop()));
    const after = await Promise.all(
      f.tables.map((t, i) => placeOrder(apps[i % 2].url, t.token, menuId, { key: `redis-after-${i}` })),
    );
    const loginAfter = await login(a.url, 'table-login', table(0));

    const committed = await committedOrderIds(a.dataSource, f.store.id);
    // The stream opened during the outage expects what was ordered after it opened.
    const afterIds = after.filter((o) => o.status === 201).map((o) => o.body.id as string);
    await before.waitFor((c) => committed.every((id) => newOrderIds(c).includes(id)), 20_000, 'every order');
    await during!.waitFor((c) => afterIds.every((id) => newOrderIds(c).includes(id)), 20_000, 'later orders');
    const check = await integrity(a.dataSource, f.store.id);
    const eventsBefore = delivery(committed, newOrderIds(before));
    const eventsDuring = delivery(afterIds, newOrderIds(during!));

    report('redis-outage', {
      instances: 2,
      outageMs: startBegan - stoppedAt,
      menuReads: tally(menus),
      menuSameAsWarm: menus.every((m) => JSON.stringify(m.body) === JSON.stringify(warm.body)),
      logins: tally(logins),
      orders: tally(orders),
      streamOpenedDuringOutage: during!.status,
      lockout,
      readiness: watches.map((w) => w.sequence()),
      readyAgainAfterStartMs: Math.max(...watches.map((w) => w.firstAt(200, stoppedAt)!)) - startBegan,
      waitedForReadyMs: readyMs,
      cacheHitsAgainAfterReadyMs: cacheBackMs,
      ordersAfter: tally(after),
      loginAfter: loginAfter.status,
      events: { openedBefore: eventsBefore, openedDuring: eventsDuring },
      integrity: check,
      runtimeMs: Date.now() - began,
    });

    expect(menus.every((m) => m.status === 200)).toBe(true);
    expect(menus.every((m) => JSON.stringify(m.body) === JSON.stringify(warm.body))).toBe(true);
    expect(logins.every((l) => l.status === 200)).toBe(true);
    expect(orders.every((o) => o.status === 201)).toBe(true);
    expect(during!.status).toBe(200);
    expect(lockout).toEqual({
      failures: '401,401,401,401,401',
      sixthOnA: 429,
      sixthOnACode: 'LOGIN_LOCKED',
      rightPasswordOnB: 200,
    });
    for (const w of watches) expect(w.sequence()).toEqual([200, 503, 200]);
    expect(after.every((o) => o.status === 201)).toBe(true);
    expect(loginAfter.status).toBe(200);
    expect(committed).toHaveLength(orders.length + after.length);
    expect(eventsBefore).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
    expect(eventsDuring).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
    expect(check).toMatchObject({
      ordersWithoutItems: 0,
      wrongTotals: 0,
      ordersWithoutOneEvent: 0,
      unfinishedKeys: 0,
    });
  });

  async function streamOn(on: TestApp): Promise<SseClient> {
    const s = await openAdminStream(on.url, d.f.admin.token);
    d.streams.push(s);
    return s;
  }
});
