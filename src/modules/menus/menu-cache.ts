import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import type Redis from 'ioredis';
import { Keyv } from 'keyv';
import { RedisKeyvStore, textSerialization } from '../../common/redis/redis-keyv-store';
import { MetricsService } from '../metrics/metrics.service';

/** Seeds: cache-aside, TTL 5 minutes plus explicit deletion on every change. */
export const MENU_CACHE_TTL_MS = 5 * 60 * 1000;
/** Outlives every value written under it, so a value can never be older than the generation it carries. */
const GENERATION_TTL_MS = 24 * 60 * 60 * 1000;
/** A cache call slower than this counts as a failure and the read goes to the database. */
export const CACHE_TIMEOUT_MS = 300;
const RETRY_INVALIDATION_MS = 1000;

interface CachedMenu {
  generation: string | null;
  /** The response body, byte for byte. */
  body: string;
}

/**
 * The Keyv store behind CACHE_MANAGER when REDIS_URL is set: the instance's one Redis client (RedisModule), with its
 * key prefix, its reconnect loop and its outage reporting. That client has no offline queue, so while Redis is down
 * every cache call fails at once and the read goes to the database. Errors are thrown, not swallowed, so MenuCache
 * can count and log them.
 */
export function createRedisMenuStore(redis: Redis): Keyv {
  const keyv = new Keyv(new RedisKeyvStore(redis), {
    useKeyPrefix: false,
    throwOnErrors: true,
    ...textSerialization,
  });
  // Failures reach MenuCache as rejections; Keyv's 'error' event copies would otherwise be unhandled.
  keyv.on('error', () => undefined);
  return keyv;
}

/**
 * Cache-aside for GET /api/v1/menu, one entry per store: `<storeId>:menu:view` holds the exact response body,
 * `<storeId>:menu:generation` a random token replaced on every change (on Redis both under REDIS_KEY_PREFIX, which
 * the client adds).
 *
 * An explicit service-level cache rather than CacheInterceptor: the interceptor keys by URL, which is the same
 * for every store (the store comes from the token), cannot be invalidated by the writes that change a store's
 * menu, and hides cache failures. Here the key is the store, every committed write calls `invalidate`, and a
 * failing or slow Redis is a counted, logged fallback to the database.
 *
 * Why a generation and not just a delete: a read that missed, loaded the old menu and stored it after a
 * concurrent write's invalidation would leave a stale menu for 5 minutes. The read fetches the generation in the
 * same round trip as the value and stores what it loaded under the generation it saw, so such a late write is
 * ignored by every later read.
 */
@Injectable()
export class MenuCache implements OnModuleDestroy {
  private readonly logger = new Logger(MenuCache.name);
  private readonly store: Keyv;
  /** Stores whose invalidation failed (Redis down): retried until it succeeds, and never read from meanwhile. */
  private readonly pending = new Set<string>();
  private retryTimer?: NodeJS.Timeout;
  private degraded = false;
  /** Per store, the lookup about to be sent, which every read arriving until then shares. */
  private readonly batches = new Map<string, Promise<[CachedMenu | undefined, string | undefined]>>();
  /** A store across the network (Redis): lookups are shared; an in-process one answers at once. */
  private readonly remote: boolean;

  constructor(
    // cache-manager's own get/mget swallow store errors (they return "not found"); the store itself throws them,
    // which is what the hit/miss/error metric and the fallback need. It is the store CacheModule configured.
    @Inject(CACHE_MANAGER) cache: Cache,
    private readonly metrics: MetricsService,
  ) {
    this.store = cache.stores[0];
    this.remote = !(this.store.store instanceof Map);
  }

  // The Redis connection is RedisModule's, closed at application shutdown; only the retry timer is ours.
  onModuleDestroy(): void {
    clearInterval(this.retryTimer);
  }

  private keys(storeId: string): { value: string; generation: string } {
    return {
      value: `${storeId}:menu:view`,
      generation: `${storeId}:menu:generation`,
    };
  }

  /** The cached body, or the one `load` builds from the database (then cached). Never fails because of the cache. */
  async getOrLoad(storeId: string, load: () => Promise<string>): Promise<string> {
    const keys = this.keys(storeId);
    let generation: string | null | undefined;
    if (!this.pending.has(storeId)) {
      try {
        const [entry, current] = await this.lookup(storeId);
        this.succeeded();
        if (entry && entry.generation === (current ?? null)) {
          this.metrics.cacheRequest('menu', 'hit');
          return entry.body;
        }
        this.metrics.cacheRequest('menu', 'miss');
        generation = current ?? null;
      } catch (error) {
        this.failed('read', error);
      }
    } else {
      this.failed('read', new Error('an invalidation of this store is still pending'));
    }
    const body = await load();
    if (generation !== undefined) {
      const entry: CachedMenu = { generation, body };
      await bounded(this.store.set(keys.value, entry, MENU_CACHE_TTL_MS)).catch((error: unknown) =>
        this.logger.warn({ err: errorMessage(error), storeId }, 'menu cache write failed'),
      );
    }
    return body;
  }

  /**
   * The entry and the generation of a store, in one round trip. On Redis, the reads of one store that arrive in the
   * same turn of the event loop share one lookup, sent once that turn is over: under load that is one round trip
   * for many requests instead of one each. Every read sharing it arrived before it was sent, so each still sees
   * every change committed (and invalidated) before the read arrived.
   */
  private lookup(storeId: string): Promise<[CachedMenu | undefined, string | undefined]> {
    const keys = this.keys(storeId);
    const fetch = () =>
      this.store.getMany([keys.value, keys.generation]) as Promise<
        [CachedMenu | undefined, string | undefined]
      >;
    // An in-process store answers within the call: no timer to bound it, no turn to share.
    if (!this.remote) return fetch();
    let batch = this.batches.get(storeId);
    if (!batch) {
      batch = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batches.delete(storeId);
        return bounded(fetch());
      });
      this.batches.set(storeId, batch);
    }
    return batch;
  }

  /** Call after every committed change to the store's categories or menus. */
  async invalidate(storeId: string): Promise<void> {
    if (await this.tryInvalidate(storeId)) {
      this.pending.delete(storeId);
      return;
    }
    this.pending.add(storeId);
    this.retryTimer ??= setInterval(() => void this.retryPending(), RETRY_INVALIDATION_MS).unref();
  }

  private async tryInvalidate(storeId: string): Promise<boolean> {
    const keys = this.keys(storeId);
    try {
      await bounded(
        Promise.all([
          this.store.set(keys.generation, randomUUID(), GENERATION_TTL_MS),
          this.store.delete(keys.value),
        ]),
      );
      return true;
    } catch (error) {
      if (!this.pending.has(storeId)) {
        this.logger.warn({ err: errorMessage(error), storeId }, 'menu cache invalidation failed, will retry');
      }
      return false;
    }
  }

  private async retryPending(): Promise<void> {
    for (const storeId of this.pending) {
      if (await this.tryInvalidate(storeId)) this.pending.delete(storeId);
    }
    if (this.pending.size === 0) {
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  /** Logged once per outage, not once per request; the metric counts every fallback. */
  private failed(operation: string, error: unknown): void {
    this.metrics.cacheRequest('menu', 'error');
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn({ err: errorMessage(error), operation }, 'menu cache unavailable, reading the database');
  }

  private succeeded(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.log('menu cache available again');
  }
}

function bounded<T>(work: Promise<T>, ms = CACHE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cache call timed out after ${ms} ms`)), ms);
  });
  // The losing promise may still reject later; that must not become an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
