import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AppConfig } from '../../config';
import { TransactionService } from '../../database/transaction.service';
import { DependencyStatus } from '../metrics/dependency-status';
import { MetricsService } from '../metrics/metrics.service';
import { EventBus } from './event-bus';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** Rows claimed per relay transaction. */
const BATCH = 200;
/**
 * The least time between the starts of two rounds. Under a steady stream of orders, a round per commit would
 * cost the database a transaction per event; waiting this long lets a round take every event committed
 * meanwhile. An order arriving after a quiet spell is relayed at once; under load an event waits at most this
 * long more on its way to the dashboard (API.md allows 500 ms). At 5 ms, 800 orders a second meant 200 rounds
 * (600 statements, each holding a pooled connection) beside the orders' 3,200 statements, and the order's p99
 * in bench/orders.bench.ts stood at 1.36-1.56× the raw server's; at 20 ms, 50 rounds and 1.27-1.42×.
 */
const MIN_ROUND_INTERVAL_MS = 20;

/**
 * Publishes committed, unpublished event rows in id order and marks them published. It is woken right after
 * each commit (OutboxService.committed), when the bus reconnects, and by a poll every OUTBOX_POLL_MS, so an
 * instance that dies between commit and publish only delays its events: any instance's relay finds them.
 *
 * Each batch is one short transaction around a single statement: `FOR UPDATE SKIP LOCKED` claims rows and
 * marks them published, they are published (broker confirms awaited), then the transaction commits; a refused
 * publish rolls it back, so a row committed as published has been confirmed. Wake-ups during a round only ask
 * for one more round. Relays of several instances thus split the rows between them; a row is published at
 * least once and normally once (twice only if a commit fails after the broker confirmed).
 * Two relays may publish neighbouring ids of a store out of order; consumers heal that by id (EventHub).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private running: Promise<void> | null = null;
  private again = false;
  private paused = false;
  private stopped = false;
  private failing = false;
  private lastRoundAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly outbox: OutboxService,
    private readonly repository: OutboxRepository,
    private readonly bus: EventBus,
    private readonly tx: TransactionService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly dependencies?: DependencyStatus,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriptions.push(this.outbox.commits$.subscribe(() => void this.wake()));
    this.subscriptions.push(this.bus.connected$.subscribe(() => void this.wake()));
    this.timer = setInterval(() => void this.wake(), this.config.outboxPollMs);
    this.timer.unref();
    void this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.unsubscribe();
    await this.running;
  }

  /** Stops publishing (tests simulate an instance that dies between commit and publish). */
  async pause(): Promise<void> {
    this.paused = true;
    await this.running;
  }

  resume(): void {
    this.paused = false;
    void this.wake();
  }

  /** Runs the relay now; a wake-up during a run makes it go round once more. Resolves when it is idle. */
  wake(): Promise<void> {
    if (this.stopped || this.paused) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      // A wake-up that arrived after the last round's check still gets its round.
      if (this.again) void this.wake();
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      let published = 0;
      do {
        const wait = this.lastRoundAt + MIN_ROUND_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastRoundAt = performance.now();
        published = await this.publishBatch();
      } while (published === BATCH && !this.stopped && !this.paused);
    } while (this.again && !this.stopped && !this.paused);
  }

  /** Returns how many rows went out (0 when none was waiting or the bus refused them). */
  private async publishBatch(): Promise<number> {
    try {
      const lags = await this.tx.run(async (em) => {
        const claimed = await this.repository.claimForPublishing(em, BATCH);
        if (claimed.length === 0) return [];
        const started = performance.now();
        // A rejection rolls the claim back: the rows stay unpublished for the next round.
        await this.bus.publish(claimed.map((c) => c.event));
        const publishing = (performance.now() - started) / 1000;
        return claimed.map((c) => c.lag + publishing);
      }, 1);
      for (const lag of lags) this.metrics.outboxPublished(lag);
      // Only a batch that went out ends a failure: finding nothing to claim (another instance's relay holds
      // the rows) says nothing about the bus.
      if (lags.length > 0) {
        if (this.failing) this.logger.log('outbox relay publishing again');
        this.failing = false;
      }
      return lags.length;
    } catch (error) {
      // The rows stay unpublished; the next poll or reconnect tries again. Orders are unaffected. A broker or
      // database known to be down has had its outage logged already (DependencyStatus).
      const explained = this.dependencies?.isDown('rabbitmq') || this.dependencies?.isDown('database');
      if (!this.failing && !explained)
        this.logger.warn({ err: (error as Error).message }, 'outbox relay could not publish');
      this.failing = true;
      return 0;
    }
  }
}
