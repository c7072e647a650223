import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis, Result } from 'ioredis';
import type { DependencyStatus } from '../metrics/dependency-status';
import { MemoryThrottlerStorage, windowRecord } from './memory-throttler.storage';
import { SharedOrLocal } from './shared-or-local';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// One round trip, atomic across instances: count the hits, start the window on the first, report the time left.
const HIT = `
local hits = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}`;

/** Below this limit every hit is counted in Redis as it happens. */
const LOCAL_MIN_LIMIT = 100;
/** Hits counted here are sent to Redis at most this long after they were admitted. */
const FLUSH_MS = 20;

interface Window {
  /** Hits of the deployment in this window, as Redis last answered. */
  shared: number;
  /** Hits admitted here and not yet sent. */
  pending: number;
  /** Epoch ms at which the window ends. */
  endsAt: number;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** HIT above, defined on the client by RedisThrottlerStorage: [hits in the window, ms left]. */
    throttleHit(key: string, ttlMs: number, hits: number): Result<[number, number], Context>;
  }
}

/**
 * @nestjs/throttler storage over the shared Redis, so RATE_LIMIT_PER_MINUTE holds for the deployment and not per
 * pod. A fixed window per key: the first hit starts a `ttl` window, hits beyond `limit` are refused until it
 * ends (Retry-After = the rest of the window). Written here rather than taken from
 * @nest-lab/throttler-storage-redis, whose peer dependencies stop at Nest 11. Fails while Redis is unreachable:
 * FallbackThrottlerStorage counts in memory meanwhile.
 *
 * A Redis round trip per request is what a principal far from its limit does not need. With a limit of at least
 * LOCAL_MIN_LIMIT, while the deployment's count Redis last answered plus this instance's unsent hits stays within
 * half the limit, a hit is admitted here and sent with the others in one pipeline within FLUSH_MS; past half, every
 * hit goes to Redis first, carrying the unsent ones, as with a small limit (a login's, a test's), where counting
 * is always immediate and exact. The count can only run past the limit if the instances together admit more
 * than half of it within one FLUSH_MS (at the default 100 a minute, 50 requests of one principal in 20 ms).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private flushTimer?: NodeJS.Timeout;
  private nextSweep = 0;

  constructor(private readonly redis: Redis) {
    if (typeof redis.throttleHit !== 'function')
      redis.defineCommand('throttleHit', { numberOfKeys: 1, lua: HIT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const id = `throttle:${throttlerName}:${key}`;
    const now = Date.now();
    this.sweep(now, ttl);
    const window = this.windows.get(id);
    const current = window && window.endsAt > now ? window : undefined;
    if (current && limit >= LOCAL_MIN_LIMIT && current.shared + current.pending + 1 <= limit / 2) {
      current.pending++;
      this.flushSoon();
      return windowRecord(current.shared + current.pending, current.endsAt - now, limit);
    }
    const carried = current?.pending ?? 0;
    if (current) current.pending = 0;
    let hits: number;
    let msLeft: number;
    try {
      [hits, msLeft] = await this.redis.throttleHit(id, ttl, carried + 1);
    } catch (error) {
      if (current) current.pending += carried;
      throw error;
    }
    this.learned(id, hits, msLeft);
    return windowRecord(hits, msLeft, limit);
  }

  /** What Redis answered for a key: its count (ours included) and the time left in its window. */
  private learned(id: string, hits: number, msLeft: number): void {
    const now = Date.now();
    const window = this.windows.get(id);
    if (window && window.endsAt > now) window.shared = Math.max(window.shared, hits);
    else this.windows.set(id, { shared: hits, pending: 0, endsAt: now + msLeft });
  }

  private flushSoon(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Sends every key's unsent hits in one pipeline; on failure they stay unsent, for the next hit to carry. */
  async flush(): Promise<void> {
    const sent: Array<[string, Window, number]> = [];
    for (const [id, window] of this.windows) {
      if (window.pending === 0) continue;
      sent.push([id, window, window.pending]);
      window.pending = 0;
    }
    if (sent.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [id, window, n] of sent) pipeline.throttleHit(id, Math.max(1, window.endsAt - Date.now()), n);
    const results = await pipeline.exec().catch(() => null);
    sent.forEach(([id, window, n], i) => {
      const [error, answer] = results?.[i] ?? [new Error('not sent')];
      if (!error && Array.isArray(answer)) this.learned(id, Number(answer[0]), Number(answer[1]));
      else window.pending += n;
    });
  }

  private sweep(now: number, ttl: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + ttl;
    for (const [id, window] of this.windows)
      if (window.endsAt <= now && window.pending === 0) this.windows.delete(id);
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
