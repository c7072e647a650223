import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TypeOrmLogger } from '../../database/typeorm-logger';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** A scrape must answer even when the database is slow: the backlog keeps its last value past this. */
export const SAMPLE_TIMEOUT_MS = 1000;

/**
 * Gauges that are read from the database or the pool rather than counted as facts happen: sampled when
 * Prometheus scrapes, so an idle instance costs nothing. Also counts slow queries reported by TypeORM's logger.
 */
@Injectable()
export class RuntimeMetricsSampler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Metrics');
  private unsubscribe?: () => void;
  private pending?: Promise<void>;

  constructor(
    private readonly repository: MetricsRepository,
    private readonly metrics: MetricsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const logger = this.dataSource.logger;
    if (logger instanceof TypeOrmLogger) {
      this.unsubscribe = logger.onSlow(() => this.metrics.slowQuery());
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async sample(): Promise<void> {
    const pool = this.repository.poolStats();
    if (pool) this.metrics.dbPoolSampled(pool.total, pool.idle, pool.waiting);
    if (!this.dataSource.isInitialized) return;
    // Concurrent scrapes share one query instead of queueing several on a busy database.
    this.pending ??= this.repository
      .outboxBacklog()
      .then(({ count, oldestAgeSeconds }) => this.metrics.outboxBacklogSampled(count, oldestAgeSeconds))
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error instanceof Error ? error.message : error },
          'outbox backlog sample failed',
        ),
      )
      .finally(() => (this.pending = undefined));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.pending,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SAMPLE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }
}
