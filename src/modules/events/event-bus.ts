import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { Subject } from 'rxjs';
import { AppConfig } from '../../config';
import type { DependencyStatus } from '../metrics/dependency-status';
import { EventHub } from './event-hub';
import { EVENT_ROUTING_KEYS, EVENTS_EXCHANGE, type BusEvent } from './event-types';

/** How long the relay waits for the broker to confirm a batch before it leaves the rows for the next try. */
const CONFIRM_TIMEOUT_MS = 5000;

/**
 * Where the relay publishes committed events. Two implementations, chosen once from config (RABBITMQ_URL):
 * RabbitMQ between instances, or in-process for a single instance. Consumers always end in `EventHub.receive`.
 */
export abstract class EventBus {
  /** Emits when the bus (re)connects, so the relay can publish what piled up while it was away. */
  readonly connected$ = new Subject<void>();

  /** Resolves once every event is safely on the bus; rejects otherwise (the rows stay unpublished). */
  abstract publish(events: BusEvent[]): Promise<void>;
}

/** Without RabbitMQ: hands events to this instance's hub. */
@Injectable()
export class InProcessEventBus extends EventBus {
  constructor(private readonly hub: EventHub) {
    super();
  }

  publish(events: BusEvent[]): Promise<void> {
    // Delivered on the next turn, never inside the relay's transaction: on the single embedded connection a
    // consumer's catch-up read would otherwise wait for the very transaction that is waiting for it.
    setImmediate(() => {
      for (const event of events) void this.hub.receive(event);
    });
    return Promise.resolve();
  }
}

/**
 * The publishing side of RabbitMQ. It uses amqp-connection-manager's ChannelWrapper on a confirm channel rather
 * than Nest's ClientRMQ: ClientRMQ.emit() queues messages without a deadline while the broker is away (the relay
 * would hang holding its row locks) and offers no per-message confirm timeout. Here a publish fails fast when
 * disconnected and resolves only on the broker's confirm, so a row is marked published only once RabbitMQ has it.
 * Messages are persistent and shaped as Nest RMQ events (`{pattern, data}`), so the consuming side is the
 * standard RMQ transport (see event-bus.connect.ts).
 */
export class RabbitMqEventBus extends EventBus implements OnApplicationShutdown {
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private closing = false;

  /** The connection's losses and returns are the broker's outages, logged and counted by `dependencies`. */
  constructor(config: AppConfig, dependencies?: DependencyStatus) {
    super();
    this.connection = amqp.connect([config.rabbitmq.url as string], {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
    });
    this.connection.on('connect', () => {
      dependencies?.up('rabbitmq');
      this.connected$.next();
    });
    const lost = ({ err }: { err?: Error }): void => {
      if (!this.closing) dependencies?.down('rabbitmq', err ?? 'connection closed');
    };
    this.connection.on('disconnect', lost);
    this.connection.on('connectFailed', lost);
    this.channel = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: (channel: ConfirmChannel) => channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true }),
    });
  }

  get isConnected(): boolean {
    return this.connection.isConnected();
  }

  async publish(events: BusEvent[]): Promise<void> {
    if (!this.connection.isConnected()) throw new Error('rabbitmq is not connected');
    // One channel keeps the order; the confirms are awaited together.
    await Promise.all(
      events.map((event) => {
        const pattern = EVENT_ROUTING_KEYS[event.type];
        const data: BusEvent = {
          storeId: event.storeId,
          seq: event.seq,
          type: event.type,
          tableId: event.tableId,
          payload: event.payload,
        };
        return this.channel.publish(
          EVENTS_EXCHANGE,
          pattern,
          Buffer.from(JSON.stringify({ pattern, data })),
          {
            persistent: true,
            contentType: 'application/json',
            messageId: `${event.storeId}:${event.seq}`,
            timeout: CONFIRM_TIMEOUT_MS,
          },
        );
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
