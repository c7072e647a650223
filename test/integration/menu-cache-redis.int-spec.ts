import Redis from 'ioredis';
import { RedisKeyvStore } from '../../src/common/redis/redis-keyv-store';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import type { StoreFixture } from '../utils/auth';
import { menuCacheCount, menuCacheKeys, storeWithOneMenu, tableMenu } from '../utils/menu-cache';
import { PrivateRedis, waitUntil } from '../utils/servers';

/**
 * The menu cache on the instance's one Redis client, against a Redis of the test's own (stopped and started here
 * without touching the shared one): one connection per instance, keys under REDIS_KEY_PREFIX with the cache TTL,
 * reads served by the database at once while Redis is down, and from the cache again once it is back.
 */
describe('menu cache over the shared Redis client', () => {
  let redisServer: PrivateRedis;
  let raw: Redis;
  let env: TestEnv;
  let app: TestApp;
  let store: StoreFixture;
  let prefix: string;

  beforeAll(async () => {
    redisServer = await PrivateRedis.start();
    raw = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    raw.on('error', () => undefined);
    await raw.connect();
    env = await createTestEnv();
    prefix = env.vars.REDIS_KEY_PREFIX;
    app = await startApp(env, { REDIS_URL: redisServer.url });
    ({ store } = await storeWithOneMenu(app));
  });

  afterAll(async () => {
    await app?.close();
    raw?.disconnect();
    await redisServer?.dispose();
    await env?.dispose();
  });

  const readMenu = async (): Promise<{ ms: number; names: string[] }> => {
    const startedAt = Date.now();
    const body = await tableMenu(app, store);
    return { ms: Date.now() - startedAt, names: body.categories.flatMap((c) => c.items.map((i) => i.name)) };
  };

  it('keeps the entry under REDIS_KEY_PREFIX, with the cache TTL, through the one connection of the instance', async () => {
    await readMenu();
    const hits = await menuCacheCount(app, 'hit');
    expect((await readMenu()).names).toEqual(['Bibimbap']);
    expect(await menuCacheCount(app, 'hit')).toBe(hits + 1);
    const keys = (await raw.keys(`${prefix}${store.store.id}:menu:*`)).sort();
    expect(keys).toEqual(menuCacheKeys(prefix, store.store.id));
    const ttl = await raw.pttl(`${prefix}${store.store.id}:menu:view`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60 * 1000);
    // Every client but this test's own `raw` is the instance's: the cache opened none of its own.
    const clients = (await raw.client('LIST')) as string;
    expect(clients.trim().split('\n')).toHaveLength(2);
  });

  it('reads from the database within milliseconds while Redis is down, and from the cache once it is back', async () => {
    await redisServer.stop();
    const errors = await menuCacheCount(app, 'error');
    const during = [await readMenu(), await readMenu(), await readMenu()];
    for (const read of during) {
      expect(read.names).toEqual(['Bibimbap']);
      expect(read.ms).toBeLessThan(1000);
    }
    expect(await menuCacheCount(app, 'error')).toBeGreaterThanOrEqual(errors + 3);

    await redisServer.start();
    // The instance's client reconnects by itself (at most 2 s between attempts); then the cache fills and hits.
    await waitUntil(
      async () => {
        const hits = await menuCacheCount(app, 'hit');
        await readMenu();
        return (await menuCacheCount(app, 'hit')) > hits;
      },
      15_000,
      'menu cache hit after Redis is back',
      200,
    );
  });

  it("the store keeps to its client's prefix: TTLs in milliseconds, and clear() leaves other prefixes alone", async () => {
    const client = new Redis(redisServer.url, { keyPrefix: 'store-test:', maxRetriesPerRequest: 1 });
    try {
      const store = new RedisKeyvStore(client);
      await raw.set('other:kept', '1');
      await store.set('a', '"one"', 60_000);
      await store.set('b', '"two"');
      expect(await store.getMany(['a', 'b', 'c'])).toEqual(['"one"', '"two"', undefined]);
      expect(await raw.pttl('store-test:a')).toBeGreaterThan(59_000);
      expect(await raw.pttl('store-test:b')).toBe(-1);
      expect([await store.has('a'), await store.delete('a'), await store.has('a')]).toEqual([
        true,
        true,
        false,
      ]);
      await store.clear();
      expect(await raw.keys('store-test:*')).toEqual([]);
      expect(await raw.get('other:kept')).toBe('1');
    } finally {
      client.disconnect();
    }
  });
});
