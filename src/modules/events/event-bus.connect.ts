import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { ServerRMQ, type CustomStrategy, type RmqOptions } from '@nestjs/microservices';
import type { AppConfig } from '../../config';
import { DependencyStatus } from '../metrics/dependency-status';
import { EventHub } from './event-hub';
import { EVENTS_EXCHANGE } from './event-types';

/** How long start-up waits for the broker before carrying on without it (it binds once RabbitMQ is back). */
const START_TIMEOUT_MS = 5000;

/**
 * Nest's RMQ server, reporting its connection to DependencyStatus and without the two error lines (and the raw
 * error) it writes each time the broker goes away: a lost connection is the broker's outage, logged once by
 * DependencyStatus. What it logs while connected (a handler that failed) is still logged as it was.
 */
class EventConsumerServer extends ServerRMQ {
  private connected = false;
  private closing = false;
  protected override readonly logger: LoggerService;

  constructor(options: Required<RmqOptions>['options'], dependencies: DependencyStatus) {
    super(options);
    const logger = new Logger(ServerRMQ.name);
    this.logger = {
      log: (message: unknown, ...rest: unknown[]) => logger.log(message, ...rest),
      warn: (message: unknown, ...rest: unknown[]) => logger.warn(message, ...rest),
      error: (message: unknown, ...rest: unknown[]) => {
        if (this.connected) logger.error(message, ...rest);
      },
    };
    this.status.subscribe((status) => {
      this.connected = status === 'connected';
      if (status === 'connected') dependencies.up('rabbitmq');
      else if (status === 'disconnected' && !this.closing)
        dependencies.down('rabbitmq', 'consumer connection lost');
    });
  }

  override async close(): Promise<void> {
    this.closing = true;
    await super.close();
  }
}

/**
 * The consuming side of the RabbitMQ bus, as Nest's RMQ transport in a hybrid app: each instance declares its
 * own exclusive, auto-delete queue (gone with the instance's connection), binds it with `#` to the durable
 * topic exchange `table-order-events`, and acknowledges each message after handling (EventsConsumer).
 * Without RABBITMQ_URL nothing is connected: the in-process bus feeds the hub directly.
 */
export async function connectEventBus(app: INestApplication, config: AppConfig): Promise<void> {
  if (!config.rabbitmq.url) return;
  const logger = new Logger('EventBus');
  const dependencies = app.get(DependencyStatus);
  const queue = `${EVENTS_EXCHANGE}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const microservice = app.connectMicroservice<CustomStrategy>(
    {
      strategy: new EventConsumerServer(
        {
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
        dependencies,
      ),
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
