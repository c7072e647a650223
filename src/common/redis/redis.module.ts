import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config';
import { DependencyStatus } from '../../modules/metrics/dependency-status';

export const REDIS = Symbol('REDIS');

/**
 * One Redis connection per instance when REDIS_URL is set, `null` otherwise; inject with `@Inject(REDIS)`.
 * Every key is prefixed with REDIS_KEY_PREFIX. Commands fail fast while Redis is down (no offline queue),
 * so each user of it can fall back (cache → database, shared counters → this instance's) or answer 503 instead of
 * hanging. The client's connection tells DependencyStatus when Redis goes away and when it is back.
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
      inject: [AppConfig, DependencyStatus],
      useFactory: (config: AppConfig, dependencies: DependencyStatus): Redis | null => {
        if (!config.redis.url) return null;
        const client = new Redis(config.redis.url, {
          keyPrefix: config.redis.keyPrefix,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        });
        client.on('error', (error: Error) => dependencies.down('redis', error));
        // A server that shuts down closes the connection without an error; not emitted after quit().
        client.on('reconnecting', () => dependencies.down('redis', 'connection closed'));
        client.on('ready', () => dependencies.up('redis'));
        return client;
      },
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
