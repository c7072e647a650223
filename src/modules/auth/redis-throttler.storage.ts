import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { DependencyStatus } from '../metrics/dependency-status';
import { MemoryThrottlerStorage, windowRecord } from './memory-throttler.storage';
import { SharedOrLocal } from './shared-or-local';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// One round trip, atomic across instances: count the hit, start the window on the first one, report the time left.
const HIT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}`;

/**
 * @nestjs/throttler storage over the shared Redis, so RATE_LIMIT_PER_MINUTE holds for the deployment and not per
 * pod. A fixed window per key: the first hit starts a `ttl` window, hits beyond `limit` are refused until it
 * ends (Retry-After = the rest of the window). Written here rather than taken from
 * @nest-lab/throttler-storage-redis, whose peer dependencies stop at Nest 11. Fails while Redis is unreachable:
 * FallbackThrottlerStorage counts in memory meanwhile.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: Redis) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, pttl] = (await this.redis.eval(HIT, 1, `throttle:${throttlerName}:${key}`, ttl)) as [
      number,
      number,
    ];
    return windowRecord(hits, pttl, limit);
  }
}

/**
 * The rate-limit store with REDIS_URL set: Redis, and this instance's MemoryThrottlerStorage while Redis is
 * unreachable, so RATE_LIMIT_PER_MINUTE and LOGIN_RATE_LIMIT_PER_MINUTE hold per instance during an outage and
 * for the deployment again once it is back (SharedOrLocal, as the login lockout).
 */
export class FallbackThrottlerStorage implements ThrottlerStorage {
  private readonly stores: SharedOrLocal<ThrottlerStorage>;

  constructor(
    shared: ThrottlerStorage,
    local: ThrottlerStorage = new MemoryThrottlerStorage(),
    dependencies?: DependencyStatus,
  ) {
    this.stores = new SharedOrLocal(shared, local, 'RateLimit', dependencies);
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return this.stores.run((s) => s.increment(key, ttl, limit, blockDuration, throttlerName));
  }
}
