import { Logger } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AppConfig } from '../../config';
import { DependencyStatus, failureReason, SETTLE_MS } from './dependency-status';

describe('DependencyStatus', () => {
  let registry: Registry;
  let status: DependencyStatus;
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    registry = new Registry();
    const up = new Gauge({
      name: 'dep_up',
      help: 'up',
      labelNames: ['dependency'],
      registers: [registry],
    });
    const outages = new Counter({
      name: 'dep_outages_total',
      help: 'outages',
      labelNames: ['dependency'],
      registers: [registry],
    });
    const config = {
      redis: { url: 'redis://x' },
      rabbitmq: {},
      images: { storage: 'local' },
    } as AppConfig;
    status = new DependencyStatus(up, outages, config);
    status.onModuleInit();
  });

  afterEach(() => {
    status.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  const values = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const metric of await registry.getMetricsAsJSON()) {
      for (const v of metric.values) out[`${metric.name}:${String(v.labels.dependency)}`] = v.value;
    }
    return out;
  };

  it('starts every configured dependency up, with no outage counted', async () => {
    expect(await values()).toEqual({
      'dep_up:database': 1,
      'dep_up:redis': 1,
      'dep_outages_total:database': 0,
      'dep_outages_total:redis': 0,
    });
  });

  it('follows the image bucket as `storage` when the images are in S3', async () => {
    status.onApplicationShutdown();
    const config = { redis: {}, rabbitmq: {}, images: { storage: 's3' } } as AppConfig;
    registry.resetMetrics();
    status = new DependencyStatus(
      registry.getSingleMetric('dep_up') as Gauge<'dependency'>,
      registry.getSingleMetric('dep_outages_total') as Counter<'dependency'>,
      config,
    );
    status.onModuleInit();
    expect(await values()).toEqual({
      'dep_up:database': 1,
      'dep_up:storage': 1,
      'dep_outages_total:database': 0,
      'dep_outages_total:storage': 0,
    });
  });

  it('logs an outage once when it starts and once when it ends, and counts it', async () => {
    status.down('redis', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    status.down('redis', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    status.down('redis', 'connection closed');
    expect(status.isDown('redis')).toBe(true);
    expect(await values()).toMatchObject({ 'dep_up:redis': 0, 'dep_outages_total:redis': 1 });
    now += 4200;
    status.up('redis');
    status.up('redis');
    expect(await values()).toMatchObject({ 'dep_up:redis': 1, 'dep_outages_total:redis': 1 });
    expect(warn.mock.calls).toEqual([
      [{ dependency: 'redis', reason: 'connect ECONNREFUSED 127.0.0.1:6379' }, 'dependency unavailable'],
    ]);
    expect(log.mock.calls).toEqual([
      [{ dependency: 'redis', durationMs: 4200 }, 'dependency available again'],
    ]);
    status.down('redis', 'connection closed');
    expect(await values()).toMatchObject({ 'dep_outages_total:redis': 2 });
  });

  it('does not take a request that failed just as the dependency came back for a new outage', () => {
    status.requestFailed('database', new Error('Connection terminated unexpectedly'));
    now += 1000;
    status.up('database');
    now += SETTLE_MS - 1;
    status.requestFailed('database', new Error('Connection terminated unexpectedly'));
    expect(status.isDown('database')).toBe(false);
    now += 1;
    status.requestFailed('database', new Error('Connection terminated unexpectedly'));
    expect(status.isDown('database')).toBe(true);
  });

  it('ignores a probe that began before the last change', () => {
    const mark = status.mark();
    status.down('redis', 'connection closed');
    // The ping answered just before Redis stopped.
    status.observed('redis', true, undefined, mark);
    expect(status.isDown('redis')).toBe(true);
    const later = status.mark();
    status.observed('redis', true, undefined, later);
    expect(status.isDown('redis')).toBe(false);
    status.observed('redis', false, 'timeout of 1500ms exceeded', later);
    expect(status.isDown('redis')).toBe(false);
  });

  it('checks a dependency found down again until it answers', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    try {
      let answers = false;
      status.setCheck('database', () => Promise.resolve(answers));
      status.requestFailed('database', Object.assign(new Error(''), { code: 'ECONNREFUSED' }));
      await jest.advanceTimersByTimeAsync(3000);
      expect(status.isDown('database')).toBe(true);
      answers = true;
      await jest.advanceTimersByTimeAsync(1000);
      expect(status.isDown('database')).toBe(false);
      expect(warn.mock.calls[0][0]).toEqual({ dependency: 'database', reason: 'ECONNREFUSED' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('names the reason of an AggregateError by its first error', () => {
    const error = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {})], '');
    expect(failureReason(error)).toBe('connect ECONNREFUSED ::1:5432');
  });
});
