import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { windowRecord } from './memory-throttler.storage';

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
 * @nest-lab/throttler-storage-redis, whose peer dependencies stop at Nest 11.
 * While Redis is unreachable requests are let through (logged): rate limiting is protection, not a dependency.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private lastWarning = 0;

  constructor(private readonly redis: Redis) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, pttl] = (await this.redis.eval(HIT, 1, `throttle:${throttlerName}:${key}`, ttl)) as [
        number,
        number,
      ];
      return windowRecord(hits, pttl, limit);
    } catch (error) {
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: (error as Error).message }, 'rate limit store unavailable; not limiting');
      }
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
