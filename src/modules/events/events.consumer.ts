import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext, Transport } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';
import { EventHub } from './event-hub';
import type { BusEvent } from './event-types';

/**
 * This instance's RabbitMQ consumer (hybrid app, see event-bus.connect.ts). Its exclusive queue is bound with
 * `#` to the topic exchange, so every instance receives every event. The message is acknowledged once the hub
 * has handled it; an event the hub could not deliver (database unreachable during a catch-up) is still
 * acknowledged, because the hub's reconciliation reads it from the event table later anyway.
 */
@Controller()
export class EventsConsumer {
  private readonly logger = new Logger(EventsConsumer.name);

  constructor(private readonly hub: EventHub) {}

  @EventPattern<string>('#', Transport.RMQ)
  async handle(@Payload() event: BusEvent, @Ctx() context: RmqContext): Promise<void> {
    try {
      if (isBusEvent(event)) await this.hub.receive(event);
      else this.logger.warn('ignored a malformed event message');
    } finally {
      try {
        (context.getChannelRef() as Channel).ack(context.getMessage() as Message);
      } catch {
        // The channel closed meanwhile; the broker redelivers and the hub drops the duplicate.
      }
    }
  }
}

function isBusEvent(value: unknown): value is BusEvent {
  const e = value as Partial<BusEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.storeId === 'string' &&
    typeof e.seq === 'number' &&
    typeof e.type === 'string' &&
    typeof e.payload === 'object'
  );
}
