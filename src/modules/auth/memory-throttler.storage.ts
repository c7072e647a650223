import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  /** Epoch ms at which the window ends and the count starts again. */
  endsAt: number;
}

/**
 * The in-process rate-limit store (no REDIS_URL, and each instance's own while Redis is unreachable), with the same fixed-window semantics as RedisThrottlerStorage:
 * the first hit starts a `ttl` window, hits beyond `limit` are refused until it ends (Retry-After = the rest of
 * the window). Replaces @nestjs/throttler's default store, which keeps one timestamp per hit and filters the whole
 * list on every request: O(hits in the last minute) per request, so the busier a principal, the slower each of its
 * requests (and `Math.min(...hits)` over ~100k entries overflows the stack). Here a hit is O(1); windows that
 * ended are dropped at most once per `ttl`, without a timer.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    this.sweep(now, ttl);
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(id, window);
    }
    window.hits++;
    return Promise.resolve(windowRecord(window.hits, window.endsAt - now, limit));
  }

  private sweep(now: number, ttl: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + ttl;
    for (const [id, window] of this.windows) if (window.endsAt <= now) this.windows.delete(id);
  }
}

/**
 * The record both stores answer with: a fixed window of `msLeft` holding `hits`; over the limit, the caller is
 * blocked until the window ends (that is the Retry-After).
 */
export function windowRecord(hits: number, msLeft: number, limit: number): ThrottlerStorageRecord {
  const seconds = Math.max(1, Math.ceil(msLeft / 1000));
  const isBlocked = hits > limit;
  return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
}
