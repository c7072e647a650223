import Redis from 'ioredis';
import { createTestEnv, REDIS_URL, startApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture } from '../utils/auth';
import { menuCacheCount, menuCacheKeys, MenuView, storeWithOneMenu, tableMenu } from '../utils/menu-cache';
import { redis } from '../utils/servers';

/** Unlike `waitUntil` of test/utils/servers.ts, a check that throws (a failed assertion) fails at once. */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
    ({ store, categoryId, menuId } = await storeWithOneMenu(a));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await env?.dispose();
  });

  const menuOn = (app: TestApp): Promise<MenuView> => tableMenu(app, store);
  const patch = (app: TestApp, path: string, body: object) =>
    app
      .http()
      .patch(`/api/v1/admin/${path}`)
      .set(...bearer(store.admin.token))
      .send(body);

  it('keeps one entry per store under REDIS_KEY_PREFIX, shared by both instances', async () => {
    await menuOn(a);
    const hitsBefore = await menuCacheCount(b, 'hit');
    await menuOn(b);
    expect(await menuCacheCount(b, 'hit')).toBe(hitsBefore + 1);
    const client = new Redis(REDIS_URL);
    try {
      const prefix = env.vars.REDIS_KEY_PREFIX;
      const keys = await client.keys(`${prefix}${store.store.id}:menu:*`);
      expect(keys.sort()).toEqual(menuCacheKeys(prefix, store.store.id));
      const ttl = await client.pttl(`${prefix}${store.store.id}:menu:view`);
      expect(ttl).toBeGreaterThan(4 * 60 * 1000);
      expect(ttl).toBeLessThanOrEqual(5 * 60 * 1000);
    } finally {
      client.disconnect();
    }
  });

  it('a change made through one instance is seen on the next read from the other', async () => {
    await menuOn(b); // warm
    await patch(a, `menus/${menuId}`, { price: 9500 }).expect(200);
    expect((await menuOn(b)).categories[0].items[0]).toMatchObject({ price: 9500 });
    await patch(b, `menus/${menuId}`, { isAvailable: false }).expect(200);
    expect((await menuOn(a)).categories[0].items[0]).toMatchObject({ price: 9500, isAvailable: false });
    await patch(a, `categories/${categoryId}`, { name: 'Main dishes' }).expect(200);
    expect((await menuOn(b)).categories[0].name).toBe('Main dishes');
  });

  describe('while Redis is down, and once it is back', () => {
    let warm: MenuView;
    let errorsBefore: number;
    let during: MenuView;
    let readsOnB: number;
    let errorsDuring: number;
    let changeStatus: number;
    let changedOnB: MenuView;
    let afterOnA: MenuView;
    let afterOnB: MenuView;
    let hits: { before: number; after: number };

    beforeAll(async () => {
      warm = await menuOn(a);
      errorsBefore = await menuCacheCount(a, 'error');
      try {
        await redis.stop({ waitMs: 5000 });
        during = await menuOn(a);
        // Reads never fail and never hang (the hook's timeout would catch a hang).
        readsOnB = 0;
        for (let i = 0; i < 5; i++) {
          await menuOn(b);
          readsOnB++;
        }
        errorsDuring = await menuCacheCount(a, 'error');
        changeStatus = (await patch(a, `menus/${menuId}`, { price: 9900 })).status;
        changedOnB = await menuOn(b);
      } finally {
        await redis.start();
      }
      // Back to cache hits once the clients have reconnected.
      const hitsBefore = await menuCacheCount(b, 'hit');
      await waitFor(async () => {
        await menuOn(b);
        return (await menuCacheCount(b, 'hit')) > hitsBefore;
      }, 15_000);
      hits = { before: hitsBefore, after: await menuCacheCount(b, 'hit') };
      afterOnB = await menuOn(b);
      afterOnA = await menuOn(a);
    }, 60_000);

    it('serves the menu from the database, the same as the cached one', () => {
      expect(during).toEqual(warm);
      expect(readsOnB).toBe(5);
    });

    it('counts the fallbacks as cache errors', () => {
      expect(errorsDuring).toBeGreaterThan(errorsBefore);
    });

    it('takes a change, and readers see it at once (they read the database meanwhile)', () => {
      expect(changeStatus).toBe(200);
      expect(changedOnB.categories[0].items[0]).toMatchObject({ price: 9900 });
    });

    it('goes back to cache hits once Redis is back, with the change made during the outage', () => {
      expect(hits.after).toBeGreaterThan(hits.before);
      expect(afterOnB.categories[0].items[0]).toMatchObject({ price: 9900 });
      expect(afterOnA.categories[0].items[0]).toMatchObject({ price: 9900 });
    });
  });
});
