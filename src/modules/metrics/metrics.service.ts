import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

export const METRIC = {
  ordersCreated: 'table_order_orders_created_total',
  orderStatusChanges: 'table_order_order_status_changes_total',
  tableCompletions: 'table_order_table_completions_total',
  sseStreams: 'table_order_sse_open_streams',
  cacheRequests: 'table_order_cache_requests_total',
  outboxPublishLag: 'table_order_outbox_publish_lag_seconds',
  slowQueries: 'table_order_db_slow_queries_total',
} as const;

/**
 * Business and infrastructure metrics, one method per fact, so modules record what happened without knowing
 * prom-client. Exported globally by MetricsModule.
 */
@Injectable()
export class MetricsService {
  constructor(
    @InjectMetric(METRIC.ordersCreated) private readonly ordersCreated: Counter,
    @InjectMetric(METRIC.orderStatusChanges) private readonly statusChanges: Counter<'status'>,
    @InjectMetric(METRIC.tableCompletions) private readonly tableCompletions: Counter,
    @InjectMetric(METRIC.sseStreams) private readonly sseStreams: Gauge<'role'>,
    @InjectMetric(METRIC.cacheRequests) private readonly cacheRequests: Counter<'cache' | 'result'>,
    @InjectMetric(METRIC.outboxPublishLag) private readonly publishLag: Histogram,
    @InjectMetric(METRIC.slowQueries) private readonly slowQueries: Counter,
  ) {}

  orderCreated(): void {
    this.ordersCreated.inc();
  }

  orderStatusChanged(status: string): void {
    this.statusChanges.inc({ status });
  }

  tableCompleted(): void {
    this.tableCompletions.inc();
  }

  sseStreamOpened(role: string): void {
    this.sseStreams.inc({ role });
  }

  sseStreamClosed(role: string): void {
    this.sseStreams.dec({ role });
  }

  /** result: hit | miss | error (the store was unreachable and the read fell back to the database). */
  cacheRequest(cache: string, result: 'hit' | 'miss' | 'error'): void {
    this.cacheRequests.inc({ cache, result });
  }

  /** Seconds from an event's commit to its publication on the bus. */
  outboxPublished(lagSeconds: number): void {
    this.publishLag.observe(lagSeconds);
  }

  slowQuery(): void {
    this.slowQueries.inc();
  }
}
