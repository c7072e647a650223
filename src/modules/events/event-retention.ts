import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config';
import { OutboxRepository } from './outbox.repository';

const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 5000;

/**
 * Deletes published event rows older than EVENT_RETENTION_HOURS, in small batches so no statement holds many
 * locks. Unpublished rows are never pruned. Every instance prunes; the deletes are idempotent.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRetention.name);
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.first = setTimeout(() => void this.prune(), 30_000);
    this.first.unref();
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.first);
    clearInterval(this.timer);
  }

  /** Returns how many rows were deleted. */
  async prune(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const deleted = await this.outbox.prune(this.config.eventRetentionHours, PRUNE_BATCH);
        total += deleted;
        if (deleted < PRUNE_BATCH) break;
      }
      if (total > 0) this.logger.log({ deleted: total }, 'pruned old events');
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'event pruning failed; retrying later');
    }
    return total;
  }
}
