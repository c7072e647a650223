import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

export const METRIC = {
  ordersCreated: 'table_order_orders_created_total',
  orderStatusChanges: 'table_order_order_status_changes_total',
  tableCompletions: 'table_order_table_completions_total',
  sseStreams: 'table_order_sse_open_streams',
  sseDeliveryLag: 'table_order_sse_delivery_lag_seconds',
  cacheRequests: 'table_order_cache_requests_total',
  outboxPublishLag: 'table_order_outbox_publish_lag_seconds',
  outboxBacklog: 'table_order_outbox_backlog_events',
  outboxOldestAge: 'table_order_outbox_oldest_unpublished_age_seconds',
  slowQueries: 'table_order_db_slow_queries_total',
  dbPool: 'table_order_db_pool_connections',
  httpDuration: 'http_request_duration_seconds',
  ready: 'table_order_ready',
  dependencyUp: 'table_order_dependency_up',
  dependencyOutages: 'table_order_dependency_outages_total',
} as const;

/** Seconds; fine below 100 ms where most requests land, up to the 3 s alert threshold and past it. */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

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
    @InjectMetric(METRIC.sseDeliveryLag) private readonly sseDeliveryLag: Histogram,
    @InjectMetric(METRIC.cacheRequests) private readonly cacheRequests: Counter<'cache' | 'result'>,
    @InjectMetric(METRIC.outboxPublishLag) private readonly publishLag: Histogram,
    @InjectMetric(METRIC.outboxBacklog) private readonly backlog: Gauge,
    @InjectMetric(METRIC.outboxOldestAge) private readonly oldestAge: Gauge,
    @InjectMetric(METRIC.slowQueries) private readonly slowQueries: Counter,
    @InjectMetric(METRIC.dbPool) private readonly dbPool: Gauge<'state'>,
    @InjectMetric(METRIC.httpDuration)
    private readonly httpDuration: Histogram<'method' | 'route' | 'status'>,
    @InjectMetric(METRIC.ready) private readonly ready: Gauge,
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

  /** Seconds from an event's commit (its `occurredAt`) to its frame being written to an SSE client. */
  sseDelivered(lagSeconds: number): void {
    this.sseDeliveryLag.observe(Math.max(0, lagSeconds));
  }

  /** result: hit | miss | error (the store was unreachable and the read fell back to the database). */
  cacheRequest(cache: string, result: 'hit' | 'miss' | 'error'): void {
    this.cacheRequests.inc({ cache, result });
  }

  /** Seconds from an event's commit to its publication on the bus. */
  outboxPublished(lagSeconds: number): void {
    this.publishLag.observe(lagSeconds);
  }

  /** Unpublished events and the age of the oldest one, sampled at scrape time. */
  outboxBacklogSampled(count: number, oldestAgeSeconds: number): void {
    this.backlog.set(count);
    this.oldestAge.set(oldestAgeSeconds);
  }

  slowQuery(): void {
    this.slowQueries.inc();
  }

  /** pg pool: `in_use` = total - idle, `idle`, `waiting` (callers queued for a connection). */
  dbPoolSampled(total: number, idle: number, waiting: number): void {
    this.dbPool.set({ state: 'in_use' }, Math.max(0, total - idle));
    this.dbPool.set({ state: 'idle' }, idle);
    this.dbPool.set({ state: 'waiting' }, waiting);
  }

  /** `route` is the route template (`/api/v1/admin/orders/:id`), never the raw path. */
  httpRequestObserved(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /**
   * Updated on every readiness probe: 1 when every configured dependency answered. Each dependency's own state
   * is DependencyStatus's.
   */
  readinessObserved(isReady: boolean): void {
    this.ready.set(isReady ? 1 : 0);
  }
}
