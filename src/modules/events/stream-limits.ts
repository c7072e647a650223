import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { StorePrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { REDIS } from '../../common/redis/redis.module';
import { DependencyStatus } from '../metrics/dependency-status';

/** API.md: at most 5 open streams per admin and 2 per table. */
export const STREAM_LIMITS = { admin: 5, table: 2 } as const;
/** An entry not refreshed for this long belongs to a stream of an instance that died; it no longer counts. */
export const STALE_AFTER_MS = 60_000;
const RETRY_AFTER_SECONDS = 5;

/** Drops stale entries, then adds the stream only if the principal is under its limit; 1 when added. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * Open-stream limits per principal. With Redis they hold across instances: one sorted set per principal, one
 * member per open stream scored by its last refresh, so a crashed instance's streams stop counting after
 * STALE_AFTER_MS (open streams are refreshed every sweep, well inside that). If Redis is unreachable, or
 * without it, the count is this instance's own.
 */
@Injectable()
export class StreamLimits {
  private readonly logger = new Logger(StreamLimits.name);
  private readonly local = new Map<string, Set<string>>();
  /** Streams counted in Redis, by key, so release and refresh go to the right place. */
  private readonly shared = new Map<string, string>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly dependencies: DependencyStatus,
  ) {}

  /** Counts the stream against its principal or throws 429 RATE_LIMIT_EXCEEDED. */
  async acquire(principal: StorePrincipal, streamId: string): Promise<void> {
    const key = limitKey(principal);
    const limit = principal.role === 'table' ? STREAM_LIMITS.table : STREAM_LIMITS.admin;
    if (this.redis) {
      try {
        const now = Date.now();
        const added = await this.redis.eval(
          ACQUIRE,
          1,
          key,
          now,
          now - STALE_AFTER_MS,
          limit,
          streamId,
          STALE_AFTER_MS * 2,
        );
        if (added !== 1) throw tooMany(limit);
        this.shared.set(streamId, key);
        return;
      } catch (error) {
        if (error instanceof AppError) throw error;
        // A Redis outage is logged once, by DependencyStatus; only an unexpected failure is worth a line here.
        if (!this.dependencies.isDown('redis'))
          this.logger.warn(
            { err: (error as Error).message },
            'stream limit counted per instance (redis unavailable)',
          );
      }
    }
    const open = this.local.get(key) ?? new Set<string>();
    if (open.size >= limit) throw tooMany(limit);
    open.add(streamId);
    this.local.set(key, open);
  }

  release(principal: StorePrincipal, streamId: string): void {
    const key = limitKey(principal);
    const open = this.local.get(key);
    if (open?.delete(streamId) && open.size === 0) this.local.delete(key);
    if (this.shared.delete(streamId) && this.redis) {
      this.redis.zrem(key, streamId).catch(() => undefined);
    }
  }

  /** Keeps this instance's open streams counted in Redis. */
  async refresh(): Promise<void> {
    if (!this.redis || this.shared.size === 0) return;
    const pipeline = this.redis.pipeline();
    const now = Date.now();
    for (const [streamId, key] of this.shared) {
      pipeline.zadd(key, 'XX', now, streamId);
      pipeline.pexpire(key, STALE_AFTER_MS * 2);
    }
    await pipeline.exec().catch(() => undefined);
  }
}

function limitKey(p: StorePrincipal): string {
  return p.role === 'table' ? `sse:streams:table:${p.tableId}` : `sse:streams:admin:${p.adminId}`;
}

function tooMany(limit: number): AppError {
  return AppError.tooManyRequests(
    ErrorCode.RATE_LIMIT_EXCEEDED,
    `at most ${limit} event streams may be open at once for this login`,
    RETRY_AFTER_SECONDS,
  );
}
