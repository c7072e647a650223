import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerGenerateKeyFunction,
  type ThrottlerGetTrackerFunction,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AppError, ErrorCode } from '../../common/errors';
import { AppConfig } from '../../config';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { FallbackThrottlerStorage, RedisThrottlerStorage } from './redis-throttler.storage';
import type { DependencyStatus } from '../metrics/dependency-status';
import { AccessTokenVerifier, rememberVerifiedToken } from './verified-tokens';
import type Redis from 'ioredis';

export const LOGIN_THROTTLE_KEY = 'auth:login-throttle';
/** Marks a login endpoint: LOGIN_RATE_LIMIT_PER_MINUTE per client IP applies on top of the general limit. */
export const LoginRateLimit = (): MethodDecorator => SetMetadata(LOGIN_THROTTLE_KEY, true);

/** Operational endpoints a load balancer, Prometheus or a browser hits often; never limited. */
const UNLIMITED_PATHS = /^\/(health|metrics|docs|uploads)(\/|$|\?|-)/;
const MINUTE_MS = 60_000;

type Req = {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  originalUrl?: string;
  url?: string;
};

const clientIp = (req: Req): string => `ip:${normalizeIp(req.ip ?? 'unknown')}`;

export function throttlerOptions(
  config: AppConfig,
  redis: Redis | null,
  dependencies?: DependencyStatus,
): ThrottlerModuleOptions {
  const throttlers: ThrottlerOptions[] = [
    { name: 'default', ttl: MINUTE_MS, limit: config.rateLimitPerMinute },
    {
      name: 'login',
      ttl: MINUTE_MS,
      limit: config.loginRateLimitPerMinute,
      getTracker: (req) => clientIp(req as Req),
      skipIf: (context) => Reflect.getMetadata(LOGIN_THROTTLE_KEY, context.getHandler()) !== true,
    },
  ];
  return {
    throttlers,
    // One budget per principal across every route (the library's default key is per route).
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    setHeaders: false,
    storage: redis
      ? new FallbackThrottlerStorage(
          new RedisThrottlerStorage(redis),
          new MemoryThrottlerStorage(),
          dependencies,
        )
      : new MemoryThrottlerStorage(),
  };
}

/**
 * Global and first: counts the request against RATE_LIMIT_PER_MINUTE of its principal (`sub` of a token whose
 * signature, issuer and audience verify; the client IP otherwise, Express `trust proxy` making it the real
 * one), and against LOGIN_RATE_LIMIT_PER_MINUTE per IP on logins. Running before the JWT guard means requests
 * with bad tokens are limited too. The token is verified by AccessTokenVerifier (once per token, not per request)
 * and handed to the JWT strategy for this request (verified-tokens.ts), so it is not verified twice.
 * An SSE stream is one request, so it counts once, at connect.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
  ) {
    super(options, storage, reflector);
  }

  /** Per handler: whether a throttler decorator (`@SkipThrottle`, `@Throttle`, …) is on it or its controller. */
  private readonly decorated = new WeakMap<object, boolean>();

  /**
   * The library's canActivate reads six decorator keys per throttler from the route on every request (twelve
   * Reflector lookups here). A route with no throttler decorator, which is every route but the probes, takes the
   * throttlers' own settings: the same `handleRequest` (tracker, key, storage, refusal) without the lookups.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.hasThrottlerDecorator(context)) return super.canActivate(context);
    if (await this.shouldSkip(context)) return true;
    for (const throttler of this.throttlers) {
      const skipIf = throttler.skipIf ?? this.commonOptions.skipIf;
      if (skipIf?.(context)) continue;
      const { limit, ttl, blockDuration = ttl } = throttler;
      if (typeof limit !== 'number' || typeof ttl !== 'number' || typeof blockDuration !== 'number') {
        return super.canActivate(context);
      }
      await this.handleRequest({
        context,
        limit,
        ttl,
        throttler,
        blockDuration,
        getTracker: throttler.getTracker ?? (this.commonOptions.getTracker as ThrottlerGetTrackerFunction),
        generateKey:
          throttler.generateKey ?? (this.commonOptions.generateKey as ThrottlerGenerateKeyFunction),
      });
    }
    return true;
  }

  private hasThrottlerDecorator(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let found = this.decorated.get(handler);
    if (found === undefined) {
      const keys = [...Reflect.getMetadataKeys(handler), ...Reflect.getMetadataKeys(context.getClass())];
      found = keys.some((key) => typeof key === 'string' && key.startsWith('THROTTLER:'));
      this.decorated.set(handler, found);
    }
    return found;
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Req>();
    return Promise.resolve(UNLIMITED_PATHS.test(req.originalUrl ?? req.url ?? ''));
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as Req;
    const header = r.headers.authorization;
    if (typeof header === 'string') {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (match) {
        try {
          const claims = this.tokens.verify(match[1]);
          rememberVerifiedToken(req, match[1], claims);
          if (typeof claims.sub === 'string') return Promise.resolve(`sub:${claims.sub}`);
        } catch {
          // Not a token of ours: limited by address like any anonymous caller.
        }
      }
    }
    return Promise.resolve(clientIp(r));
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw AppError.tooManyRequests(
      ErrorCode.RATE_LIMIT_EXCEEDED,
      'too many requests; slow down',
      detail.timeToBlockExpire,
    );
  }
}
