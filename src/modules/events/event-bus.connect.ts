import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger, type INestApplication } from '@nestjs/common';
import { Transport, type RmqOptions } from '@nestjs/microservices';
import type { AppConfig } from '../../config';
import { EventHub } from './event-hub.service';
import { EVENTS_EXCHANGE } from './event-types';

/** How long start-up waits for the broker before carrying on without it (it binds once RabbitMQ is back). */
const START_TIMEOUT_MS = 5000;

/**
 * The consuming side of the RabbitMQ bus, as Nest's RMQ transport in a hybrid app: each instance declares its
 * own exclusive, auto-delete queue (gone with the instance's connection), binds it with `#` to the durable
 * topic exchange `table-order-events`, and acknowledges each message after handling (EventsConsumer).
 * Without RABBITMQ_URL nothing is connected: the in-process bus feeds the hub directly.
 */
export async function connectEventBus(app: INestApplication, config: AppConfig): Promise<void> {
  if (!config.rabbitmq.url) return;
  const logger = new Logger('EventBus');
  const queue = `${EVENTS_EXCHANGE}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const microservice = app.connectMicroservice<RmqOptions>(
    {
      transport: Transport.RMQ,
      options: {
        urls: [config.rabbitmq.url],
        queue,
        queueOptions: { exclusive: true, autoDelete: true, durable: false },
        exchange: EVENTS_EXCHANGE,
        exchangeType: 'topic',
        // Binds the queue with the handlers' patterns (`#`) and matches routing keys against them.
        wildcards: true,
        noAck: false,
        prefetchCount: 200,
        socketOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 },
      },
    },
    { inheritAppConfig: false },
  );
  const hub = app.get(EventHub);
  microservice.status.subscribe((status) => {
    if (status === 'connected') hub.busReconnected();
  });
  const started = app.startAllMicroservices().then(
    () => true,
    (error: unknown) => {
      logger.error({ err: (error as Error).message }, 'rabbitmq consumer failed to start');
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
  });
  const ok = await Promise.race([started, timedOut]);
  clearTimeout(timer);
  if (!ok) logger.warn('rabbitmq unavailable at start-up; events are consumed once it is back');
}
