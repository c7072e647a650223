import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config';
import type { BusEvent, StoredEvent } from './event-types';
import { OutboxRepository } from './outbox.repository';
import type { SseStream } from './sse-stream';

/** Rows read per query while replaying or filling a gap. */
const PAGE = 500;

/**
 * This instance's live streams of one store, and the store event id up to which they have been fed.
 * `tail` serialises everything that moves the cursor, so events reach the streams once and in order.
 */
class StoreFeed {
  readonly streams = new Set<SseStream>();
  cursor = 0;
  ready: Promise<void>;
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly storeId: string) {}

  run(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * Feeds the SSE streams of this instance from the bus and, whenever the bus cannot be trusted, from the event
 * table, which stays the source of truth:
 * - each store's feed delivers store ids strictly in order: an event older than the cursor is a duplicate
 *   (several relays, broker redelivery) and dropped; one that skips ids means something was missed or
 *   reordered, so the missing range is read from the database first;
 * - after the broker comes back, and every few seconds anyway, the feeds compare their cursor with the store's
 *   committed last id and read what they missed (an exclusive queue does not exist while its connection is
 *   down, so messages published then never reach it; the event table still has them).
 */
@Injectable()
export class EventHub implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventHub.name);
  private readonly feeds = new Map<string, StoreFeed>();
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const every = Math.max(1000, this.config.outboxPollMs * 5);
    this.reconcileTimer = setInterval(() => void this.reconcile(), every);
    this.reconcileTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.reconcileTimer);
  }

  get openStreams(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.streams.size;
    return n;
  }

  /** An event from the bus (RabbitMQ consumer or the in-process bus). Resolves once it has been handled. */
  receive(event: BusEvent): Promise<void> {
    const feed = this.feeds.get(event.storeId);
    if (!feed) return Promise.resolve();
    return feed.run(async () => {
      if (event.seq <= feed.cursor) return;
      if (event.seq === feed.cursor + 1) return this.dispatch(feed, event);
      await this.catchUp(feed, event.seq);
    });
  }

  /**
   * Adds a stream to its store's feed. Without `lastEventId` it starts with the next event. With it, the
   * stream is subscribed first (live events are held), every later event of the store is replayed from the
   * table, then the held ones newer than the last replayed id follow: no gap and no duplicate.
   * An id older than the retained events (or newer than any) gets `reset` first.
   */
  async attach(stream: SseStream, lastEventId: number | null): Promise<void> {
    const feed = await this.feedOf(stream.storeId);
    // The client sees the stream open only now, with the feed's cursor fixed: every event committed after this
    // point reaches it. Opened earlier, an event committed in between would fall before a new feed's cursor.
    stream.open();
    if (lastEventId === null) {
      stream.lastSent = feed.cursor;
      feed.streams.add(stream);
      stream.onClose(() => this.detach(stream));
      return;
    }
    stream.buffering = true;
    feed.streams.add(stream);
    stream.onClose(() => this.detach(stream));
    const { lastSeq, oldestSeq } = await this.outbox.window(stream.storeId);
    const pruned = oldestSeq === null ? lastEventId < lastSeq : lastEventId < oldestSeq - 1;
    if (pruned || lastEventId > lastSeq) {
      stream.reset(lastSeq);
    } else {
      stream.lastSent = lastEventId;
      for (let after = lastEventId; !stream.closed;) {
        const page = await this.outbox.eventsAfter(stream.storeId, after, {
          tableId: stream.tableId ?? undefined,
          limit: PAGE,
        });
        for (const event of page) await stream.replay(event);
        if (page.length < PAGE) break;
        after = page[page.length - 1].seq;
      }
    }
    stream.flushBuffer();
  }

  /** The broker connection came back: read what was published while this instance's queue did not exist. */
  busReconnected(): void {
    for (const delay of [500, 2000]) setTimeout(() => void this.reconcile(), delay).unref();
  }

  /** Compares every feed with its store's committed last id and fills the difference from the table. */
  async reconcile(): Promise<void> {
    if (this.reconciling || this.feeds.size === 0) return;
    this.reconciling = true;
    try {
      const last = await this.outbox.lastSeqs([...this.feeds.keys()]);
      await Promise.all(
        [...last].map(([storeId, seq]) => {
          const feed = this.feeds.get(storeId);
          if (!feed || seq <= feed.cursor) return Promise.resolve();
          return feed.run(() => this.catchUp(feed, seq));
        }),
      );
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'event reconciliation failed; retrying later');
    } finally {
      this.reconciling = false;
    }
  }

  private async feedOf(storeId: string): Promise<StoreFeed> {
    for (;;) {
      const feed = this.feedEntry(storeId);
      await feed.ready;
      // The last stream of the store may have closed meanwhile, taking the feed out of the map.
      if (this.feeds.get(storeId) === feed) return feed;
    }
  }

  private feedEntry(storeId: string): StoreFeed {
    let feed = this.feeds.get(storeId);
    if (!feed) {
      const created = new StoreFeed(storeId);
      // Starts at the last committed id: a stream that connects now expects what happens from now on;
      // anything older is the replay's job.
      created.ready = created.run(async () => {
        created.cursor = (await this.outbox.lastSeqs([storeId])).get(storeId) ?? 0;
      });
      this.feeds.set(storeId, created);
      feed = created;
      created.ready.catch(() => {
        if (this.feeds.get(storeId) === created) this.feeds.delete(storeId);
      });
    }
    return feed;
  }

  private detach(stream: SseStream): void {
    const feed = this.feeds.get(stream.storeId);
    if (!feed?.streams.has(stream)) return;
    feed.streams.delete(stream);
    if (feed.streams.size === 0) this.feeds.delete(stream.storeId);
  }

  /** Reads (cursor, upTo] from the table and delivers it in order. On a database error the cursor stays. */
  private async catchUp(feed: StoreFeed, upTo: number): Promise<void> {
    while (feed.cursor < upTo) {
      let page: StoredEvent[];
      try {
        page = await this.outbox.eventsAfter(feed.storeId, feed.cursor, { uptoSeq: upTo, limit: PAGE });
      } catch (error) {
        this.logger.warn(
          { err: (error as Error).message },
          'could not read missed events; reconciling later',
        );
        return;
      }
      if (page.length === 0) {
        // Pruned in between (only possible after a very long outage): nothing left to deliver below upTo.
        feed.cursor = upTo;
        return;
      }
      for (const event of page) this.dispatch(feed, event);
    }
  }

  private dispatch(feed: StoreFeed, event: BusEvent): void {
    feed.cursor = Math.max(feed.cursor, event.seq);
    for (const stream of feed.streams) stream.deliver(event);
  }
}
