import { EventEmitter } from 'node:events';
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
  const make = (backlog: () => Promise<{ count: number; oldestAgeSeconds: number }>) => {
    const metrics = { outboxBacklogSampled: jest.fn(), dbPoolSampled: jest.fn(), slowQuery: jest.fn() };
    const repository = {
      outboxBacklog: jest.fn(backlog),
      poolStats: jest.fn(() => ({ total: 5, idle: 2, waiting: 1 })),
    };
    const dataSource = Object.assign(new EventEmitter(), { isInitialized: true, logger: {} });
    const sampler = new RuntimeMetricsSampler(
      repository as unknown as MetricsRepository,
      metrics as unknown as MetricsService,
      dataSource as never,
    );
    return { sampler, metrics, repository };
  };

  it('samples the outbox backlog and the pool', async () => {
    const { sampler, metrics } = make(async () => ({ count: 7, oldestAgeSeconds: 3.5 }));
    await sampler.sample();
    expect(metrics.outboxBacklogSampled).toHaveBeenCalledWith(7, 3.5);
    expect(metrics.dbPoolSampled).toHaveBeenCalledWith(5, 2, 1);
  });

  it('answers within its timeout when the database hangs, and shares one query between scrapes', async () => {
    const { sampler, metrics, repository } = make(() => new Promise(() => undefined));
    const started = Date.now();
    await Promise.all([sampler.sample(), sampler.sample()]);
    expect(Date.now() - started).toBeLessThan(SAMPLE_TIMEOUT_MS + 500);
    expect(repository.outboxBacklog).toHaveBeenCalledTimes(1);
    expect(metrics.outboxBacklogSampled).not.toHaveBeenCalled();
  });
});
