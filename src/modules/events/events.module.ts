import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { API_PREFIX } from '../../common/http/api';
import { AppConfig } from '../../config';
import { AuthModule } from '../auth/auth.module';
import { DependencyStatus } from '../metrics/dependency-status';
import { EventBus, InProcessEventBus, RabbitMqEventBus } from './event-bus';
import { EventHub } from './event-hub';
import { EventRetention } from './event-retention';
import { EventsConsumer } from './events.consumer';
import { EventsController } from './events.controller';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { SseTicketMiddleware } from './sse-ticket.middleware';
import { SseTicketService } from './sse-ticket.service';
import { SseService } from './sse.service';
import { StreamLimits } from './stream-limits';

/**
 * Live events: the outbox (written by the business transactions), the relay that publishes it, the bus
 * (RabbitMQ or in-process, chosen here once from config), the hub that feeds this instance's SSE streams,
 * and the SSE endpoints. The RabbitMQ consumer is attached by connectEventBus() in app.factory.ts.
 */
@Module({
  imports: [AuthModule],
  controllers: [EventsController, EventsConsumer],
  providers: [
    OutboxRepository,
    OutboxService,
    OutboxRelay,
    EventHub,
    {
      provide: EventBus,
      inject: [AppConfig, EventHub, DependencyStatus],
      useFactory: (config: AppConfig, hub: EventHub, dependencies: DependencyStatus): EventBus =>
        config.rabbitmq.url ? new RabbitMqEventBus(config, dependencies) : new InProcessEventBus(hub),
    },
    EventRetention,
    StreamLimits,
    SseTicketService,
    SseService,
  ],
  exports: [OutboxService],
})
export class EventsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SseTicketMiddleware)
      .forRoutes({ path: `${API_PREFIX}/admin/events`, method: RequestMethod.GET });
  }
}
