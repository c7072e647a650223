import Redis from 'ioredis';
import { createTestEnv, REDIS_URL, startApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';
import { redis } from '../utils/servers';

/** Unlike `waitUntil` of test/utils/servers.ts, a check that throws (a failed assertion) fails at once. */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function menuCacheCount(app: TestApp, result: 'hit' | 'miss' | 'error'): Promise<number> {
  const res = await app.http().get('/metrics').expect(200);
  const line = res.text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('table_order_cache_requests_total{') &&
        l.includes('cache="menu"') &&
        l.includes(`result="${result}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('menu cache on Redis, shared by two instances', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  let store: StoreFixture;
  let categoryId: string;
  let menuId: string;

  beforeAll(async () => {
    env = await createTestEnv();
    a = await startApp(env);
    b = await startApp(env);
    store = await storeFixture(a, 1);
    const admin = bearer(store.admin.token);
    categoryId = (
      await a
        .http()
        .post('/api/v1/admin/categories')
        .set(...admin)
        .send({ name: 'Mains' })
        .expect(201)
    ).body.id;
    menuId = (
      await a
        .http()
        .post('/api/v1/admin/menus')
        .set(...admin)
        .send({ categoryId, name: 'Bibimbap', price: 9000 })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await env?.dispose();
  });

  const menuOn = async (
    app: TestApp,
  ): Promise<{ categories: Array<{ name: string; items: Array<Record<string, unknown>> }> }> =>
    (
      await app
        .http()
        .get('/api/v1/menu')
        .set(...bearer(store.tables[0].token))
        .expect(200)
    ).body;

  it('keeps one entry per store under REDIS_KEY_PREFIX, shared by both instances', async () => {
    await menuOn(a);
    const hitsBefore = await menuCacheCount(b, 'hit');
    await menuOn(b);
    expect(await menuCacheCount(b, 'hit')).toBe(hitsBefore + 1);
    const redis = new Redis(REDIS_URL);
    try {
      const prefix = env.vars.REDIS_KEY_PREFIX;
      const keys = await redis.keys(`${prefix}${store.store.id}:menu:*`);
      expect(keys.sort()).toEqual([
        `${prefix}${store.store.id}:menu:generation`,
        `${prefix}${store.store.id}:menu:view`,
      ]);
      const ttl = await redis.pttl(`${prefix}${store.store.id}:menu:view`);
      expect(ttl).toBeGreaterThan(4 * 60 * 1000);
      expect(ttl).toBeLessThanOrEqual(5 * 60 * 1000);
    } finally {
      redis.disconnect();
    }
  });

  it('a change made through one instance is seen on the next read from the other', async () => {
    const admin = bearer(store.admin.token);
    await menuOn(b); // warm
    await a
      .http()
      .patch(`/api/v1/admin/menus/${menuId}`)
      .set(...admin)
      .send({ price: 9500 })
      .expect(200);
    expect((await menuOn(b)).categories[0].items[0]).toMatchObject({ price: 9500 });

    await b
      .http()
      .patch(`/api/v1/admin/menus/${menuId}`)
      .set(...admin)
      .send({ isAvailable: false })
      .expect(200);
    expect((await menuOn(a)).categories[0].items[0]).toMatchObject({ price: 9500, isAvailable: false });

    await a
      .http()
      .patch(`/api/v1/admin/categories/${categoryId}`)
      .set(...admin)
      .send({ name: 'Main dishes' })
      .expect(200);
    expect((await menuOn(b)).categories[0].name).toBe('Main dishes');
  });

  it('serves the menu from the database while Redis is down, counts the fallbacks, and recovers', async () => {
    const admin = bearer(store.admin.token);
    const warm = await menuOn(a);
    const errorsBefore = await menuCacheCount(a, 'error');
    try {
      await redis.stop({ waitMs: 5000 });
      const during = await menuOn(a);
      expect(during).toEqual(warm);
      // Reads never fail and never hang (the test timeout would catch a hang).
      for (let i = 0; i < 5; i++) await menuOn(b);
      expect(await menuCacheCount(a, 'error')).toBeGreaterThan(errorsBefore);
      // A change while Redis is down still reaches readers (who read the database meanwhile).
      await a
        .http()
        .patch(`/api/v1/admin/menus/${menuId}`)
        .set(...admin)
        .send({ price: 9900 })
        .expect(200);
      expect((await menuOn(b)).categories[0].items[0]).toMatchObject({ price: 9900 });
    } finally {
      await redis.start();
    }
    // Back to cache hits once the clients have reconnected, with the change made during the outage.
    const hitsBefore = await menuCacheCount(b, 'hit');
    await waitFor(async () => {
      await menuOn(b);
      return (await menuCacheCount(b, 'hit')) > hitsBefore;
    }, 15_000);
    expect((await menuOn(b)).categories[0].items[0]).toMatchObject({ price: 9900 });
    expect((await menuOn(a)).categories[0].items[0]).toMatchObject({ price: 9900 });
  });
});
