import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppError, ErrorCode } from '../../common/errors';
import { REDIS } from '../../common/redis/redis.module';
import { DependencyStatus } from '../metrics/dependency-status';
import { SharedOrLocal } from './shared-or-local';

/** API.md: five consecutive failures lock that login for 60 s. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 60_000;
/** Failures older than this no longer count towards a lock. */
export const FAILURE_WINDOW_MS = 15 * 60_000;

/** Where failure counters and locks live: Redis when configured (every instance agrees), memory otherwise. */
export interface LockoutStore {
  /** Milliseconds left on the lock, 0 when not locked. */
  lockedFor(key: string): Promise<number>;
  /** Counts a failure; the MAX_FAILURES-th one sets the lock and clears the count. */
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export const LOCKOUT_STORE = Symbol('LOCKOUT_STORE');

// INCR and the lock happen in one script, so concurrent failures on several instances lock exactly once.
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if n >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
end
return n`;

export class RedisLockoutStore implements LockoutStore {
  constructor(private readonly redis: Redis) {}

  async lockedFor(key: string): Promise<number> {
    const ttl = await this.redis.pttl(`lockout:lock:${key}`);
    return ttl > 0 ? ttl : 0;
  }

  async recordFailure(key: string): Promise<void> {
    await this.redis.eval(
      RECORD_FAILURE,
      2,
      `lockout:fail:${key}`,
      `lockout:lock:${key}`,
      FAILURE_WINDOW_MS,
      MAX_FAILURES,
      LOCK_MS,
    );
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`lockout:fail:${key}`);
  }
}

export class MemoryLockoutStore implements LockoutStore {
  private readonly failures = new Map<string, { count: number; expiresAt: number }>();
  private readonly locks = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  lockedFor(key: string): Promise<number> {
    const until = this.locks.get(key) ?? 0;
    const left = until - this.now();
    if (left <= 0) this.locks.delete(key);
    return Promise.resolve(Math.max(0, left));
  }

  recordFailure(key: string): Promise<void> {
    const now = this.now();
    this.sweep(now);
    const current = this.failures.get(key);
    const count = current && current.expiresAt > now ? current.count + 1 : 1;
    if (count >= MAX_FAILURES) {
      this.failures.delete(key);
      this.locks.set(key, now + LOCK_MS);
    } else {
      this.failures.set(key, { count, expiresAt: now + FAILURE_WINDOW_MS });
    }
    return Promise.resolve();
  }

  reset(key: string): Promise<void> {
    this.failures.delete(key);
    return Promise.resolve();
  }

  /** Keeps memory bounded under a credential-stuffing run over many usernames. */
  private sweep(now: number): void {
    if (this.failures.size < 10_000) return;
    for (const [key, value] of this.failures) if (value.expiresAt <= now) this.failures.delete(key);
    for (const [key, until] of this.locks) if (until <= now) this.locks.delete(key);
  }
}

/**
 * The shared store, and this instance's memory while the shared one is unreachable: during a Redis outage
 * logins keep working and are still locked after five failures, counted per instance (as the stream limits
 * and the rate limits degrade too), and shared again once Redis is back (SharedOrLocal).
 */
export class FallbackLockoutStore implements LockoutStore {
  private readonly stores: SharedOrLocal<LockoutStore>;

  constructor(
    shared: LockoutStore,
    local: LockoutStore = new MemoryLockoutStore(),
    dependencies?: DependencyStatus,
  ) {
    this.stores = new SharedOrLocal(shared, local, 'LoginLockout', dependencies);
  }

  lockedFor(key: string): Promise<number> {
    return this.stores.run((s) => s.lockedFor(key));
  }

  recordFailure(key: string): Promise<void> {
    return this.stores.run((s) => s.recordFailure(key));
  }

  reset(key: string): Promise<void> {
    return this.stores.run((s) => s.reset(key));
  }
}

export const lockoutStoreProvider = {
  provide: LOCKOUT_STORE,
  inject: [REDIS, DependencyStatus],
  useFactory: (redis: Redis | null, dependencies: DependencyStatus): LockoutStore =>
    redis
      ? new FallbackLockoutStore(new RedisLockoutStore(redis), new MemoryLockoutStore(), dependencies)
      : new MemoryLockoutStore(),
};

/** Login lockout per store+username, store+table number, or superadmin username. */
@Injectable()
export class LoginLockoutService {
  constructor(@Inject(LOCKOUT_STORE) private readonly store: LockoutStore) {}

  /** Throws 429 LOGIN_LOCKED while locked, before any password is checked. */
  async assertNotLocked(key: string): Promise<void> {
    const left = await this.guard(() => this.store.lockedFor(key));
    if (left > 0) {
      throw AppError.tooManyRequests(
        ErrorCode.LOGIN_LOCKED,
        'too many failed logins; try again later',
        left / 1000,
      );
    }
  }

  recordFailure(key: string): Promise<void> {
    return this.guard(() => this.store.recordFailure(key));
  }

  reset(key: string): Promise<void> {
    return this.guard(() => this.store.reset(key));
  }

  /** A store that fails outright (no fallback left) answers 503 rather than run without brute-force protection. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw AppError.unavailable('login protection is unavailable');
    }
  }
}
