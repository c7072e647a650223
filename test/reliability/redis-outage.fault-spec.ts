import { PrivateRedis, sleep, waitUntil } from '../utils/servers';
import type { SseClient } from '../utils/sse';
import {
  Attempt,
  committedOrderIds,
  delivery,
  dependencyMetrics,
  get,
  instanceAndChild,
  integrity,
  LogWatch,
  newOrderIds,
  openAdminStream,
  placeOrder,
  ReadinessWatch,
  report,
  logSummary,
  summarizeLogs,
  tally,
  observeOnce,
} from './support';

const TABLES = 6;
/** Low enough to reach in a test: each burst below goes one past it on every instance. */
const RATE_LIMIT = 60;
const LOGIN_RATE_LIMIT = 20;

async function login(url: string, path: string, body: object, ip?: string): Promise<Attempt> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${url}/api/v1/auth/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(ip ? { 'X-Forwarded-For': ip } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.json(), sentAt, ms: Date.now() - sentAt };
  } catch (error) {
    return { error: (error as Error).message, sentAt, ms: Date.now() - sentAt };
  }
}

async function cacheHits(url: string): Promise<number> {
  const text = (await get(url, '/metrics')).body as string;
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

/** What one client (one address) got from a burst: requests let through and refused, per instance. */
interface Burst {
  [url: string]: { passed: number; limited: number };
}

/**
 * `perInstance` requests from the client at `ip` to each of `urls`, taking turns: GET /api/v1/auth/me without a
 * token (401 once counted), or, with `logins`, a table login to a store that does not exist (401 once counted;
 * a different table each time, so the login lockout never answers instead).
 */
async function burst(urls: string[], ip: string, perInstance: number, logins = false): Promise<Burst> {
  const out: Burst = Object.fromEntries(urls.map((u) => [u, { passed: 0, limited: 0 }]));
  for (let i = 0; i < perInstance; i++) {
    for (const url of urls) {
      const status = logins
        ? (
            await login(
              url,
              'table-login',
              { storeCode: 'no-such-store', tableNumber: i + 1, password: 'x-x-x-x' },
              ip,
            )
          ).status
        : (
            await fetch(`${url}/api/v1/auth/me`, {
              headers: { 'X-Forwarded-For': ip },
              signal: AbortSignal.timeout(10_000),
            })
          ).status;
      if (status === 429) out[url].limited++;
      else if (status === 401) out[url].passed++;
      else throw new Error(`unexpected ${status} in a burst from ${ip}`);
    }
  }
  return out;
}

const total = (b: Burst): { passed: number; limited: number } =>
  Object.values(b).reduce((t, x) => ({ passed: t.passed + x.passed, limited: t.limited + x.limited }), {
    passed: 0,
    limited: 0,
  });

/**
 * Redis stopped and started again under a mixed load on two instances: one in this process, one the real entry
 * point in a child process whose JSON logs and metrics are read. The Redis is the test's own (a redis-server on
 * a free port), so the Redis this machine shares is never touched. The menu is served from the database, logins
 * and orders keep working, the rate limits and the login lockout are enforced per instance meanwhile and shared
 * again afterwards, token checks read the database, readiness reports Redis down, and the outage is one warn
 * line when it starts and one info line when it ends: no error line, no stack.
 */
describe('reliability: Redis outage', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  const d = instanceAndChild(TABLES, 7000, { LOG_LEVEL: 'info' }, () => ({
    REDIS_URL: redis.url,
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_RATE_LIMIT),
    // Each client below is told apart by its X-Forwarded-For address, as behind the production proxy.
    TRUST_PROXY: '1',
  }));
  afterAll(async () => {
    await redis?.dispose();
  });

  /** The outage and the recovery, run once; each test below checks one claim about what was seen. */
  async function outage() {
    const { app, child, f, menuId } = d;
    const a = app.url;
    const b = child.url;
    const urls = [a, b];
    const logs = new LogWatch(child);
    const began = Date.now();
    // Every tablet, the admin and the lockout victim log in from an address of their own, so that the logins
    // of the scenario stay within LOGIN_RATE_LIMIT_PER_MINUTE, which the bursts below are there to exceed.
    const tableIp = (i: number): string => `10.0.1.${i + 1}`;
    const table = (i: number) => ({
      storeCode: f.store.code,
      tableNumber: f.tables[i].number,
      password: f.tables[i].password,
    });
    const warm = await get(a, '/api/v1/menu', f.tables[0].token);
    expect(warm.status).toBe(200);
    await get(b, '/api/v1/menu', f.tables[0].token);
    const before = await streamOn(a);
    const watches = urls.map((x) => new ReadinessWatch(x).start());
    await waitUntil(() => watches.every((w) => w.sequence()[0] === 200), 10_000, 'ready before the outage');

    // Shared through Redis: one budget for the client, whichever instance it reaches.
    const metricsBefore = await Promise.all(urls.map((u) => dependencyMetrics(u, 'redis')));
    const limitBefore = await burst(urls, '203.0.113.1', RATE_LIMIT / 2 + 10);
    const loginLimitBefore = await burst(urls, '203.0.113.11', LOGIN_RATE_LIMIT / 2 + 3, true);

    const menus: Attempt[] = [];
    const logins: Attempt[] = [];
    const orders: Attempt[] = [];
    let lockout: Record<string, number | string | undefined> = {};
    let during: SseClient | undefined;
    let limitDuring: Burst = {};
    let loginLimitDuring: Burst = {};
    let metricsDuring: Array<{ up?: number; outages?: number }> = [];
    const mark = logs.mark();
    let stoppedAt = 0;
    let startBegan = 0;
    try {
      await redis.stop();
      stoppedAt = Date.now();
      // A few rounds of what tablets and the dashboard do, on both instances.
      for (let round = 0; round < 4; round++) {
        await Promise.all(
          f.tables.map(async (t, i) => {
            const on = urls[(i + round) % 2];
            menus.push(await get(on, '/api/v1/menu', t.token));
            const fresh = await login(on, 'table-login', table(i), tableIp(i));
            logins.push(fresh);
            const token = fresh.status === 200 ? (fresh.body.accessToken as string) : t.token;
            orders.push(await placeOrder(on, token, menuId, { key: `redis-${i}-${round}` }));
          }),
        );
        logins.push(
          await login(
            urls[round % 2],
            'admin-login',
            { storeCode: f.store.code, username: f.admin.username, password: f.admin.password },
            '10.0.2.1',
          ),
        );
      }
      // A dashboard connecting now: the stream limit is counted per instance.
      during = await streamOn(b);
      // Lockout, per instance: five failures on A lock the login on A; B has not seen them.
      const victim = TABLES - 1;
      const wrong = { ...table(victim), password: 'wrong-password' };
      const failures = [];
      for (let i = 0; i < 5; i++) failures.push((await login(a, 'table-login', wrong, '10.0.3.1')).status);
      const lockedOnA = await login(a, 'table-login', table(victim), '10.0.3.1');
      const onB = await login(b, 'table-login', table(victim), '10.0.3.1');
      lockout = {
        failures: failures.join(','),
        sixthOnA: lockedOnA.status,
        sixthOnACode: lockedOnA.body?.error_code,
        rightPasswordOnB: onB.status,
      };
      // Rate limits, per instance: a client over the limit on an instance is refused there.
      limitDuring = await burst(urls, '203.0.113.2', RATE_LIMIT + 10);
      loginLimitDuring = await burst(urls, '203.0.113.12', LOGIN_RATE_LIMIT + 3, true);
      metricsDuring = await Promise.all(urls.map((u) => dependencyMetrics(u, 'redis')));
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
    const hitsBefore = await Promise.all(urls.map(cacheHits));
    let turn = 0;
    const cacheBackMs = await waitUntil(
      async () => {
        const hits = await Promise.all(
          urls.map(async (x, i) => {
            await get(x, '/api/v1/menu', f.tables[turn++ % TABLES].token);
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
    // Shared again, without a restart.
    const limitAfter = await burst(urls, '203.0.113.3', RATE_LIMIT / 2 + 10);
    const loginLimitAfter = await burst(urls, '203.0.113.13', LOGIN_RATE_LIMIT / 2 + 3, true);
    const metricsAfter = await Promise.all(urls.map((u) => dependencyMetrics(u, 'redis')));
    const after = await Promise.all(
      f.tables.map((t, i) => placeOrder(urls[i % 2], t.token, menuId, { key: `redis-after-${i}` })),
    );
    const loginAfter = await login(a, 'table-login', table(0), tableIp(0));

    const committed = await committedOrderIds(app.dataSource, f.store.id);
    // The stream opened during the outage expects what was ordered after it opened.
    const afterIds = after.filter((o) => o.status === 201).map((o) => o.body.id as string);
    await before.waitFor((c) => committed.every((id) => newOrderIds(c).includes(id)), 20_000, 'every order');
    await during!.waitFor((c) => afterIds.every((id) => newOrderIds(c).includes(id)), 20_000, 'later orders');
    const check = await integrity(app.dataSource, f.store.id);
    const eventsBefore = delivery(committed, newOrderIds(before));
    const eventsDuring = delivery(afterIds, newOrderIds(during!));
    const log = summarizeLogs(logs.since(mark), 'redis');

    report('redis-outage', {
      instances: 2,
      outageMs: startBegan - stoppedAt,
      menuReads: tally(menus),
      menuSameAsWarm: menus.every((m) => JSON.stringify(m.body) === JSON.stringify(warm.body)),
      logins: tally(logins),
      orders: tally(orders),
      streamOpenedDuringOutage: during!.status,
      lockout,
      // per client: requests let through and refused (429) across both instances, before, during and after
      rateLimit: { before: total(limitBefore), during: limitDuring, after: total(limitAfter) },
      loginRateLimit: {
        before: total(loginLimitBefore),
        during: loginLimitDuring,
        after: total(loginLimitAfter),
      },
      readiness: watches.map((w) => w.sequence()),
      readyAgainAfterStartMs: Math.max(...watches.map((w) => w.firstAt(200, stoppedAt)!)) - startBegan,
      waitedForReadyMs: readyMs,
      cacheHitsAgainAfterReadyMs: cacheBackMs,
      ordersAfter: tally(after),
      loginAfter: loginAfter.status,
      events: { openedBefore: eventsBefore, openedDuring: eventsDuring },
      integrity: check,
      // the child instance's log from the stop on, and the metric on [in-process, child]
      log: logSummary(log),
      dependencyMetric: { before: metricsBefore, during: metricsDuring, after: metricsAfter },
      runtimeMs: Date.now() - began,
    });

    return {
      urls,
      warm,
      menus,
      logins,
      orders,
      during: during!,
      lockout,
      limitBefore,
      loginLimitBefore,
      limitDuring,
      loginLimitDuring,
      limitAfter,
      loginLimitAfter,
      watches,
      after,
      loginAfter,
      committed,
      eventsBefore,
      eventsDuring,
      check,
      log,
      metrics: { before: metricsBefore, during: metricsDuring, after: metricsAfter },
    };
  }

  const o = observeOnce(outage);

  describe('while Redis is down', () => {
    it('serves the menu from the database, the same as the cached one', () => {
      expect(o.menus.every((m) => m.status === 200)).toBe(true);
      expect(o.menus.every((m) => JSON.stringify(m.body) === JSON.stringify(o.warm.body))).toBe(true);
    });

    it('lets tablets and the admin log in', () => {
      expect(o.logins.every((l) => l.status === 200)).toBe(true);
    });

    it('takes every order', () => {
      expect(o.orders.every((x) => x.status === 201)).toBe(true);
    });

    it('opens a dashboard stream', () => {
      expect(o.during.status).toBe(200);
    });

    it('locks a login per instance: five failures on one lock it there, not on the other', () => {
      expect(o.lockout).toEqual({
        failures: '401,401,401,401,401',
        sixthOnA: 429,
        sixthOnACode: 'LOGIN_LOCKED',
        rightPasswordOnB: 200,
      });
    });

    it('counts the rate limits per instance', () => {
      for (const url of o.urls) {
        expect(o.limitDuring[url]).toEqual({ passed: RATE_LIMIT, limited: 10 });
        expect(o.loginLimitDuring[url]).toEqual({ passed: LOGIN_RATE_LIMIT, limited: 3 });
      }
    });
  });

  describe('before and after the outage', () => {
    it('counts one rate-limit budget for a client across both instances', () => {
      expect(total(o.limitBefore)).toEqual({ passed: RATE_LIMIT, limited: 20 });
      expect(total(o.loginLimitBefore)).toEqual({ passed: LOGIN_RATE_LIMIT, limited: 6 });
      expect(total(o.limitAfter)).toEqual({ passed: RATE_LIMIT, limited: 20 });
      expect(total(o.loginLimitAfter)).toEqual({ passed: LOGIN_RATE_LIMIT, limited: 6 });
    });

    it('takes orders and logins again once Redis is back', () => {
      expect(o.after.every((x) => x.status === 201)).toBe(true);
      expect(o.loginAfter.status).toBe(200);
    });
  });

  it('reports each instance not ready during the outage and ready again by itself', () => {
    for (const w of o.watches) expect(w.sequence()).toEqual([200, 503, 200]);
  });

  it('commits every order, each whole and with one event', () => {
    expect(o.committed).toHaveLength(o.orders.length + o.after.length);
    expect(o.check).toMatchObject({
      ordersWithoutItems: 0,
      wrongTotals: 0,
      ordersWithoutOneEvent: 0,
      unfinishedKeys: 0,
    });
  });

  it('delivers every order to the dashboards opened before and during the outage, once', () => {
    expect(o.eventsBefore).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
    expect(o.eventsDuring).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
  });

  it('logs no error line and no stack', () => {
    expect(o.log.errors).toEqual([]);
    expect(o.log.withStack).toBe(0);
  });

  it('logs the outage as one warn line when it starts and one info line with its duration when it ends', () => {
    expect(o.log.outageStarted).toHaveLength(1);
    expect(o.log.outageEnded).toHaveLength(1);
    expect(o.log.outageEnded[0].durationMs).toBeGreaterThan(0);
  });

  it('logs each readiness 503 as an access-log line at warn', () => {
    expect(Object.keys(o.log.access503ByLevel)).toEqual(['warn']);
  });

  it('shows the outage in the dependency metric of each instance: up, down with one outage counted, up again', () => {
    expect(o.metrics.before).toEqual([
      { up: 1, outages: 0 },
      { up: 1, outages: 0 },
    ]);
    expect(o.metrics.during).toEqual([
      { up: 0, outages: 1 },
      { up: 0, outages: 1 },
    ]);
    expect(o.metrics.after).toEqual([
      { up: 1, outages: 1 },
      { up: 1, outages: 1 },
    ]);
  });

  async function streamOn(url: string): Promise<SseClient> {
    const s = await openAdminStream(url, d.f.admin.token);
    d.streams.push(s);
    return s;
  }
});
