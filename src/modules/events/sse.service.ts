import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Principal, StorePrincipal } from '../../common/auth';
import { AppError } from '../../common/errors';
import { AppConfig } from '../../config';
import { TokenRevocationService } from '../auth/token-revocation.service';
import { MetricsService } from '../metrics/metrics.service';
import { EventHub } from './event-hub';
import type { BusEvent } from './event-types';
import { SseStream } from './sse-stream';
import { StreamLimits } from './stream-limits';

/** How often open streams are checked against token revocation and re-counted in Redis. */
export const SWEEP_MS = 20_000;
/** setTimeout's ceiling; a later expiry is caught by a sweep. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The streams this instance serves: opening (limits, replay), heartbeats, closing the streams of revoked or
 * expired tokens, and closing all of them cleanly on shutdown.
 */
@Injectable()
export class SseService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SseService.name);
  private readonly streams = new Set<SseStream>();
  private heartbeat?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private shuttingDown = false;
  private readonly occurred = new WeakMap<BusEvent, number>();

  constructor(
    private readonly hub: EventHub,
    private readonly limits: StreamLimits,
    private readonly revocation: TokenRevocationService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.comment('ping');
    }, this.config.sseHeartbeatMs);
    this.heartbeat.unref();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  get openCount(): number {
    return this.streams.size;
  }

  /**
   * Opens a stream for the caller. Limits are checked before anything is written, so a refusal is an ordinary
   * error response; after that the response belongs to the stream.
   */
  async open(res: Response, principal: StorePrincipal, lastEventId: number | null): Promise<void> {
    if (this.shuttingDown) throw AppError.unavailable('the server is shutting down');
    const stream = new SseStream(res, principal, (event) => this.delivered(event));
    await this.limits.acquire(principal, stream.id);
    const role = principal.role;
    this.streams.add(stream);
    this.metrics.sseStreamOpened(role);
    let expiry: NodeJS.Timeout | undefined;
    stream.onClose(() => {
      clearTimeout(expiry);
      this.streams.delete(stream);
      this.limits.release(principal, stream.id);
      this.metrics.sseStreamClosed(role);
    });
    const msLeft = principal.exp * 1000 - Date.now();
    if (msLeft < MAX_TIMER_MS) {
      expiry = setTimeout(() => stream.close('expired', 'token expired'), Math.max(0, msLeft));
      expiry.unref();
    }
    try {
      await this.hub.attach(stream, lastEventId);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'event stream could not start');
      if (!stream.opened) {
        stream.discard();
        throw AppError.unavailable('live events are temporarily unavailable');
      }
      // Headers are out already; the client reconnects after `retry` with its Last-Event-ID.
      stream.close('error', 'temporarily unavailable');
    }
  }

  /** Closes the streams whose token was revoked or has expired; keeps the others counted. */
  async sweep(): Promise<void> {
    const now = Date.now();
    const checks = [...this.streams].map(async (stream) => {
      if (stream.principal.exp * 1000 <= now) return stream.close('expired', 'token expired');
      let current = true;
      try {
        current = await this.revocation.isCurrent(stream.principal as Principal);
      } catch {
        // Could not tell (database down): keep serving; the next sweep asks again.
      }
      if (!current) stream.close('revoked', 'token revoked');
    });
    await Promise.all(checks);
    await this.limits.refresh();
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    for (const stream of this.streams) stream.close('shutdown', 'server shutting down');
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
  }

  private delivered(event: BusEvent): void {
    let occurredAt = this.occurred.get(event);
    if (occurredAt === undefined) {
      occurredAt = Date.parse(event.payload.occurredAt);
      this.occurred.set(event, occurredAt);
    }
    if (Number.isFinite(occurredAt)) this.metrics.sseDelivered((Date.now() - occurredAt) / 1000);
  }
}
