import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import { connect } from 'amqplib';
import type Redis from 'ioredis';
import { REDIS } from '../../common/redis/redis.module';
import { AppConfig } from '../../config';
import { IMAGE_STORAGE, type ImageStorage } from '../menus/storage/image-storage';
import { Dependency, DependencyStatus } from '../metrics/dependency-status';
import { MetricsService } from '../metrics/metrics.service';
import { ShutdownState } from './shutdown-state';

/** Each dependency must answer within this; a probe never hangs on a dead server. */
export const CHECK_TIMEOUT_MS = 1500;

/**
 * /health/ready: the database always, Redis when REDIS_URL is set, RabbitMQ when RABBITMQ_URL is set, the image
 * bucket (`storage`) when IMAGE_STORAGE=s3, each with
 * a timeout, plus `shutdown`, which fails as soon as the instance starts draining. Terminus answers 503 when one
 * fails; the global filter renders that as the error envelope with `checks` naming each one. A failed probe is
 * the probe's answer, not an error of the service: Terminus logs nothing (health.module.ts), the filter logs
 * nothing for a 503, and each dependency's outage is logged once by DependencyStatus, which every probe updates.
 */
@Injectable()
export class ReadinessService implements OnModuleInit {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly shutdown: ShutdownState,
    private readonly metrics: MetricsService,
    private readonly dependencies: DependencyStatus,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(IMAGE_STORAGE) private readonly storage: ImageStorage,
  ) {}

  /** A database found down by a request is checked again until it answers, probe or no probe. */
  onModuleInit(): void {
    this.dependencies.setCheck('database', async () => {
      const result = await this.db.pingCheck('database', { timeout: CHECK_TIMEOUT_MS });
      return result.database?.status === 'up';
    });
  }

  async check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => this.shutdownCheck(),
      () => this.db.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
    ];
    const redis = this.redis;
    if (redis) {
      checks.push(() =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await redis.ping();
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
    const rabbitmqUrl = this.config.rabbitmq.url;
    if (rabbitmqUrl) {
      checks.push(() =>
        this.indicators
          .check('rabbitmq')
          .attempt(({ signal }) => amqpHandshake(rabbitmqUrl, signal))
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
    const mark = this.dependencies.mark();
    const storage = this.storage;
    if (storage.check) {
      // IMAGE_STORAGE=s3: the bucket exists and our credentials reach it (HeadBucket).
      checks.push(() =>
        this.indicators
          .check('storage')
          .attempt(({ signal }) => storage.check!(signal))
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
    try {
      const result = await this.health.check(checks);
      this.observe(result.details, mark);
      return result;
    } catch (error) {
      const details = (error as { response?: { details?: HealthIndicatorResult } }).response?.details;
      this.observe(details ?? {}, mark);
      throw error;
    }
  }

  private shutdownCheck(): HealthIndicatorResult {
    const session = this.indicators.check('shutdown');
    return this.shutdown.draining ? session.down({ message: 'instance is shutting down' }) : session.up();
  }

  private observe(details: HealthIndicatorResult, mark: number): void {
    for (const [name, detail] of Object.entries(details)) {
      if (name === 'shutdown') continue;
      const reason = (detail as { message?: unknown }).message ?? 'check failed';
      this.dependencies.observed(name as Dependency, detail.status === 'up', reason, mark);
    }
    const ready = Object.values(details).every((d) => d.status === 'up');
    this.metrics.readinessObserved(ready);
  }
}

/**
 * Opens and closes one AMQP connection: proves the broker accepts our credentials and vhost. Cheap enough for a
 * probe every few seconds; the consumer's own long-lived connection is the events module's business.
 */
async function amqpHandshake(url: string, signal: AbortSignal): Promise<void> {
  const connection = await connect(url, { timeout: CHECK_TIMEOUT_MS });
  // A handshake that completes after the probe timed out must not leak its connection.
  await connection.close().catch(() => undefined);
  signal.throwIfAborted();
}
