import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisThrottlerStorage } from '../../src/modules/auth/redis-throttler.storage';
import { REDIS_URL } from '../utils/app';

/**
 * RedisThrottlerStorage on the real Redis, two stores standing for two instances: small limits are counted in
 * Redis hit by hit; a large limit far from its end is counted locally and sent within FLUSH_MS, and from half of
 * it on every hit goes to Redis first.
 */
describe('RedisThrottlerStorage on Redis', () => {
  const MINUTE = 60_000;
  let clients: Redis[] = [];
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const client of [...clients, raw]) client.disconnect();
  });

  function instance(): RedisThrottlerStorage {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return new RedisThrottlerStorage(client);
  }

  const hits = async (store: RedisThrottlerStorage, key: string, n: number, limit: number) => {
    const answers = [];
    for (let i = 0; i < n; i++) answers.push(await store.increment(key, MINUTE, limit, MINUTE, 'default'));
    return answers;
  };
  const counted = async (key: string) => Number(await raw.get(`throttle:default:${key}`));
  const settle = () => new Promise((r) => setTimeout(r, 60));

  it('counts a small limit in Redis on every hit, so two instances refuse exactly past it', async () => {
    const [a, b] = [instance(), instance()];
    const key = `t-${randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      expect((await a.increment(key, MINUTE, 6, MINUTE, 'default')).isBlocked).toBe(false);
      expect(await counted(key)).toBe(2 * i + 1);
      expect((await b.increment(key, MINUTE, 6, MINUTE, 'default')).isBlocked).toBe(false);
    }
    const refused = await a.increment(key, MINUTE, 6, MINUTE, 'default');
    expect(refused).toMatchObject({ isBlocked: true, totalHits: 7 });
    expect(refused.timeToBlockExpire).toBeGreaterThan(55);
    expect((await b.increment(key, MINUTE, 6, MINUTE, 'default')).isBlocked).toBe(true);
  });

  it('sends the hits it admitted locally within moments, in one pipeline', async () => {
    const [a, b] = [instance(), instance()];
    const key = `t-${randomUUID()}`;
    const fromA = await hits(a, key, 30, 1000);
    await hits(b, key, 10, 1000);
    expect(fromA.map((r) => r.totalHits)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await settle();
    expect(await counted(key)).toBe(40);
    // An instance learns the deployment's count when it last talked to Redis: its own hits, some of the other's.
    const next = (await a.increment(key, MINUTE, 1000, MINUTE, 'default')).totalHits;
    expect(next).toBeGreaterThanOrEqual(31);
    expect(next).toBeLessThanOrEqual(41);
  });

  it('from half the limit on, counts in Redis first: one instance refuses exactly past the limit', async () => {
    const a = instance();
    const key = `t-${randomUUID()}`;
    const answers = await hits(a, key, 101, 100);
    expect(answers.filter((r) => r.isBlocked)).toHaveLength(1);
    expect(answers[100]).toMatchObject({ isBlocked: true, totalHits: 101 });
    expect(await counted(key)).toBe(101);
  });

  it('two instances admit at most what the other held unsent past the limit, and Redis has every hit', async () => {
    const [a, b] = [instance(), instance()];
    const key = `t-${randomUUID()}`;
    let admitted = 0;
    for (let round = 0; round < 30; round++) {
      for (const store of [a, b]) {
        for (const r of await hits(store, key, 3, 100)) if (!r.isBlocked) admitted++;
      }
      await settle();
    }
    // Each instance holds at most the 3 hits of one round unsent when the other counts in Redis.
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(103);
    expect(await counted(key)).toBe(180);
  });
});
