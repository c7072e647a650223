import { EventEmitter } from 'node:events';
import { createMock } from '../../../test/utils/automock';
import { routeTemplate } from './http-metrics.observer';
import type { MetricsRepository } from './metrics.repository';
import type { MetricsService } from './metrics.service';
import { RuntimeMetricsSampler, SAMPLE_TIMEOUT_MS } from './runtime-metrics.sampler';

describe('routeTemplate', () => {
  it('uses the matched route, never the raw path', () => {
    expect(
      routeTemplate({
        method: 'GET',
        baseUrl: '',
        originalUrl: '/api/v1/admin/orders/6f1c',
        route: { path: '/api/v1/admin/orders/:id' },
      }),
    ).toBe('/api/v1/admin/orders/:id');
  });

  it('labels unknown paths as unmatched and static mounts by their mount point', () => {
    expect(routeTemplate({ method: 'GET', baseUrl: '', originalUrl: '/wp-login.php?x=1' })).toBe('unmatched');
    expect(routeTemplate({ method: 'GET', baseUrl: '', originalUrl: '/docs/swagger-ui.css' })).toBe('/docs');
    expect(routeTemplate({ method: 'GET', baseUrl: '', originalUrl: '/uploads/a1b2.webp' })).toBe('/uploads');
    expect(routeTemplate({ method: 'GET', baseUrl: '', originalUrl: '/docsx' })).toBe('unmatched');
  });
});

describe('RuntimeMetricsSampler', () => {
  /** What the sampler reported, as the gauges would hold it, and how many backlog queries it ran. */
  const make = (backlog: () => Promise<{ count: number; oldestAgeSeconds: number }>) => {
    const reported: { backlog?: [number, number]; pool?: [number, number, number] } = {};
    let backlogQueries = 0;
    const metrics = createMock<MetricsService>({
      outboxBacklogSampled: (count: number, oldestAgeSeconds: number) => {
        reported.backlog = [count, oldestAgeSeconds];
      },
      dbPoolSampled: (total: number, idle: number, waiting: number) => {
        reported.pool = [total, idle, waiting];
      },
    });
    const repository = createMock<MetricsRepository>({
      outboxBacklog: () => {
        backlogQueries++;
        return backlog();
      },
      poolStats: () => ({ total: 5, idle: 2, waiting: 1 }),
    });
    const dataSource = Object.assign(new EventEmitter(), { isInitialized: true, logger: {} });
    const sampler = new RuntimeMetricsSampler(repository, metrics, dataSource as never);
    return { sampler, reported, queries: () => backlogQueries };
  };

  it('samples the outbox backlog and the pool', async () => {
    const { sampler, reported } = make(async () => ({ count: 7, oldestAgeSeconds: 3.5 }));
    await sampler.sample();
    expect(reported).toEqual({ backlog: [7, 3.5], pool: [5, 2, 1] });
  });

  it('answers within its timeout when the database hangs, and shares one query between scrapes', async () => {
    const { sampler, reported, queries } = make(() => new Promise(() => undefined));
    const started = Date.now();
    await Promise.all([sampler.sample(), sampler.sample()]);
    expect(Date.now() - started).toBeLessThan(SAMPLE_TIMEOUT_MS + 500);
    expect(queries()).toBe(1);
    expect(reported.backlog).toBeUndefined();
  });
});
