import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config';

export const REDIS = Symbol('REDIS');

/**
 * One Redis connection per instance when REDIS_URL is set, `null` otherwise; inject with `@Inject(REDIS)`.
 * Every key is prefixed with REDIS_KEY_PREFIX. Commands fail fast while Redis is down (no offline queue),
 * so each user of it can fall back (cache → database) or answer 503 instead of hanging.
 */
@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Redis | null => {
        if (!config.redis.url) return null;
        const logger = new Logger('Redis');
        const client = new Redis(config.redis.url, {
          keyPrefix: config.redis.keyPrefix,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        });
        let down = false;
        client.on('error', (error: Error) => {
          if (!down) logger.warn({ err: error.message }, 'redis unavailable');
          down = true;
        });
        client.on('ready', () => {
          if (down) logger.log('redis reconnected');
          down = false;
        });
        return client;
      },
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
