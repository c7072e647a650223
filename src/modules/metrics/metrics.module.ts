import { Global, Module, OnModuleInit } from '@nestjs/common';
import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { DependencyStatus } from './dependency-status';
import { HttpMetricsObserver } from './http-metrics.observer';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { HTTP_BUCKETS, METRIC, MetricsService } from './metrics.service';
import { RuntimeMetricsSampler } from './runtime-metrics.sampler';

/**
 * prom-client's default metrics include three gauges named `*_total`, which `promtool check metrics` rejects
 * (the suffix is reserved for counters). Their information stays available as `nodejs_active_handles`,
 * `nodejs_active_requests` and `nodejs_active_resources`, labelled by type.
 */
const NON_COUNTER_TOTALS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

@Global()
@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      controller: MetricsController,
      defaultMetrics: { enabled: true },
    }),
  ],
  providers: [
    makeCounterProvider({ name: METRIC.ordersCreated, help: 'Orders placed' }),
    makeCounterProvider({
      name: METRIC.orderStatusChanges,
      help: 'Order status changes by new status',
      labelNames: ['status'],
    }),
    makeCounterProvider({ name: METRIC.tableCompletions, help: 'Table sessions completed' }),
    makeGaugeProvider({
      name: METRIC.sseStreams,
      help: 'Open SSE streams on this instance',
      labelNames: ['role'],
    }),
    makeHistogramProvider({
      name: METRIC.sseDeliveryLag,
      help: 'Delay from an event being committed to its frame being written to an SSE client',
      buckets: LAG_BUCKETS,
    }),
    makeCounterProvider({
      name: METRIC.cacheRequests,
      help: 'Cache lookups by cache and result (hit, miss, error)',
      labelNames: ['cache', 'result'],
    }),
    makeHistogramProvider({
      name: METRIC.outboxPublishLag,
      help: 'Delay from an event being committed to it being published',
      buckets: LAG_BUCKETS,
    }),
    makeGaugeProvider({
      name: METRIC.outboxBacklog,
      help: 'Events committed but not yet published (sampled at scrape)',
    }),
    makeGaugeProvider({
      name: METRIC.outboxOldestAge,
      help: 'Age of the oldest unpublished event in seconds, 0 when none (sampled at scrape)',
    }),
    makeCounterProvider({ name: METRIC.slowQueries, help: 'Database queries slower than SLOW_QUERY_MS' }),
    makeGaugeProvider({
      name: METRIC.dbPool,
      help: 'PostgreSQL pool connections by state (in_use, idle, waiting); absent on the embedded database',
      labelNames: ['state'],
    }),
    makeHistogramProvider({
      name: METRIC.httpDuration,
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
    }),
    makeGaugeProvider({
      name: METRIC.ready,
      help: 'Result of the last readiness check: 1 ready, 0 not ready',
    }),
    makeGaugeProvider({
      name: METRIC.dependencyUp,
      help: 'Whether this instance reaches each configured dependency (database, redis, rabbitmq): 1 up, 0 down',
      labelNames: ['dependency'],
    }),
    makeCounterProvider({
      name: METRIC.dependencyOutages,
      help: 'Outages of each configured dependency seen by this instance (counted when one starts)',
      labelNames: ['dependency'],
    }),
    MetricsService,
    DependencyStatus,
    MetricsRepository,
    RuntimeMetricsSampler,
    HttpMetricsObserver,
  ],
  // The sampler is exported because MetricsController lives in PrometheusModule, which sees only globals.
  exports: [MetricsService, DependencyStatus, RuntimeMetricsSampler, HttpMetricsObserver],
})
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    for (const name of NON_COUNTER_TOTALS) register.removeSingleMetric(name);
  }
}
