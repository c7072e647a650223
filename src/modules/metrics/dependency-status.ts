import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../../config';
import { METRIC } from './metrics.service';

/** The servers the service needs, by the name the readiness check, the logs and the metrics give them. */
/** `storage`: the image bucket, with IMAGE_STORAGE=s3. */
export type Dependency = 'database' | 'redis' | 'rabbitmq' | 'storage';

/**
 * A failure seen by a request is not taken as a new outage this soon after the dependency came back: it was
 * most likely started while it was still down.
 */
export const SETTLE_MS = 2000;
/** While a dependency with a registered check is down, it is checked this often (besides the readiness probe). */
export const RECHECK_MS = 1000;

/** What a failure says, in a few words: the message, or the code when there is no message. */
export function failureReason(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof AggregateError && !error.message && error.errors.length > 0) {
    return failureReason(error.errors[0]);
  }
  const e = error as { message?: unknown; code?: unknown } | null;
  if (e && typeof e.message === 'string' && e.message) return e.message;
  if (e && typeof e.code === 'string') return e.code;
  return String(error);
}

/**
 * Whether each dependency is reachable, as this instance last saw it. The Redis client, the RabbitMQ connections,
 * the readiness probe and requests cut off by a lost database report here; an outage is logged once when it
 * starts (warn: dependency and reason) and once when it ends (info: how long it lasted), and counted in
 * `table_order_dependency_up{dependency}` and `table_order_dependency_outages_total{dependency}`. Whoever works
 * around the outage meanwhile (a per-instance limit, the database instead of the cache, a 503) stays quiet.
 */
@Injectable()
export class DependencyStatus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Dependencies');
  /** Dependency → since when it is down; absent while up. */
  private readonly downSince = new Map<Dependency, number>();
  private readonly upSince = new Map<Dependency, number>();
  private readonly checks = new Map<Dependency, () => Promise<boolean>>();
  /** Counts state changes; each dependency remembers the count at its last one (stale probes, `observed`). */
  private changes = 0;
  private readonly changedAt = new Map<Dependency, number>();
  private recheckTimer?: NodeJS.Timeout;
  private rechecking = false;

  constructor(
    @InjectMetric(METRIC.dependencyUp) private readonly upGauge: Gauge<'dependency'>,
    @InjectMetric(METRIC.dependencyOutages) private readonly outages: Counter<'dependency'>,
    private readonly config: AppConfig,
  ) {}

  /** Every configured dependency has its series from the start (the database was reached to start at all). */
  onModuleInit(): void {
    const configured: Dependency[] = ['database'];
    if (this.config.redis.url) configured.push('redis');
    if (this.config.rabbitmq.url) configured.push('rabbitmq');
    if (this.config.images.storage === 's3') configured.push('storage');
    for (const dependency of configured) {
      this.outages.inc({ dependency }, 0);
      if (!this.downSince.has(dependency)) this.upGauge.set({ dependency }, 1);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
  }

  /**
   * How to tell that `dependency` answers again when nothing else would say so (the database has no client of
   * its own that reports a reconnection): checked every RECHECK_MS while it is down.
   */
  setCheck(dependency: Dependency, check: () => Promise<boolean>): void {
    this.checks.set(dependency, check);
  }

  isDown(dependency: Dependency): boolean {
    return this.downSince.has(dependency);
  }

  /** The dependency cannot be reached (its client lost the connection, or a probe failed). */
  down(dependency: Dependency, reason: unknown): void {
    if (this.downSince.has(dependency)) return;
    this.downSince.set(dependency, Date.now());
    this.changedAt.set(dependency, ++this.changes);
    this.upGauge.set({ dependency }, 0);
    this.outages.inc({ dependency });
    this.logger.warn({ dependency, reason: failureReason(reason) }, 'dependency unavailable');
    if (this.checks.has(dependency) && !this.recheckTimer) {
      this.recheckTimer = setInterval(() => void this.recheck(), RECHECK_MS);
      this.recheckTimer.unref();
    }
  }

  /** The dependency answers again. */
  up(dependency: Dependency): void {
    const since = this.downSince.get(dependency);
    this.upGauge.set({ dependency }, 1);
    if (since === undefined) return;
    this.downSince.delete(dependency);
    this.upSince.set(dependency, Date.now());
    this.changedAt.set(dependency, ++this.changes);
    this.logger.log({ dependency, durationMs: Date.now() - since }, 'dependency available again');
  }

  /** Taken before a probe starts, and handed to `observed` with its result. */
  mark(): number {
    return this.changes;
  }

  /**
   * The result of a probe begun at `mark`. A probe answers for the moment it started: one that began before the
   * dependency's client saw it go or come back is stale, and ignored (a ping answered just before Redis stopped
   * does not end the outage its client has just seen start).
   */
  observed(dependency: Dependency, up: boolean, reason: unknown, mark: number): void {
    if ((this.changedAt.get(dependency) ?? 0) > mark) return;
    if (up) this.up(dependency);
    else this.down(dependency, reason);
  }

  /**
   * A request failed because the dependency could not be reached. Marks it down, unless it came back moments ago
   * (the request was already failing then). It is marked up again by its client, its check or the readiness probe.
   */
  requestFailed(dependency: Dependency, error: unknown): void {
    if (Date.now() - (this.upSince.get(dependency) ?? 0) < SETTLE_MS) return;
    this.down(dependency, error);
  }

  private async recheck(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      for (const [dependency, check] of this.checks) {
        if (this.downSince.has(dependency) && (await check().catch(() => false))) this.up(dependency);
      }
    } finally {
      this.rechecking = false;
    }
    if (![...this.checks.keys()].some((d) => this.downSince.has(d))) this.onApplicationShutdown();
  }
}
