import { Global, Module } from '@nestjs/common';
import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import { METRIC, MetricsService } from './metrics.service';

@Global()
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [
    makeCounterProvider({ name: METRIC.ordersCreated, help: 'Orders placed' }),
    makeCounterProvider({
      name: METRIC.orderStatusChanges,
      help: 'Order status changes by new status',
      labelNames: ['status'],
    }),
    makeCounterProvider({ name: METRIC.tableCompletions, help: 'Table sessions completed (이용 완료)' }),
    makeGaugeProvider({
      name: METRIC.sseStreams,
      help: 'Open SSE streams on this instance',
      labelNames: ['role'],
    }),
    makeCounterProvider({
      name: METRIC.cacheRequests,
      help: 'Cache lookups by cache and result (hit, miss, error)',
      labelNames: ['cache', 'result'],
    }),
    makeHistogramProvider({
      name: METRIC.outboxPublishLag,
      help: 'Delay from an event being committed to it being published',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    makeCounterProvider({ name: METRIC.slowQueries, help: 'Database queries slower than SLOW_QUERY_MS' }),
    MetricsService,
  ],
  exports: [MetricsService],
})
export class MetricsModule {}
