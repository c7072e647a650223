import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors';
import { createValidationPipe } from './common/http/validation.pipe';
import type { AppConfig } from './config';
import { ShutdownState } from './modules/health/shutdown-state';
import { DependencyStatus } from './modules/metrics/dependency-status';
import { setupSwagger } from './swagger';
import { connectEventBus } from './modules/events/event-bus.connect';
import { JSON_BODY_LIMIT, verifyStorableText } from './common/http/json-body';
import { AccessLog } from './common/http/logging';
import { requestContext, requestLifecycle } from './common/http/request-lifecycle';
import { HttpMetricsObserver } from './modules/metrics/http-metrics.observer';

type JsonParserOptions = NonNullable<Parameters<(typeof import('express'))['json']>[0]>;

type EtagFunction = (body: string | Buffer, encoding?: BufferEncoding) => string | undefined;

/**
 * Builds the HTTP application exactly as production runs it; main.ts and the end-to-end tests both use this,
 * so the tests exercise the real pipes, filters, limits and headers.
 */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // First, so that graceful shutdown knows every request still being served, every response (a refused body, a
  // Swagger page) carries X-Request-Id, and every request is measured and logged.
  app.use(
    requestLifecycle([app.get(ShutdownState), app.get(HttpMetricsObserver), new AccessLog(PinoLogger.root)]),
  );
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Express hashes every body it sends for an ETag, but only a GET or HEAD answer can be revalidated with one: a
  // POST's (an order's) is hashed for nothing. Outside a request's context it hashes as it always did.
  const etagOf = app.getHttpAdapter().getInstance().get('etag fn') as EtagFunction;
  app.set('etag', ((body, encoding) => {
    const method = requestContext.getStore()?.method;
    return method === undefined || method === 'GET' || method === 'HEAD' ? etagOf(body, encoding) : undefined;
  }) satisfies EtagFunction);
  // `verify` is left out of useBodyParser's type because Nest sets it for `rawBody: true`, which this app does not use.
  const json: JsonParserOptions = { limit: JSON_BODY_LIMIT, verify: verifyStorableText };
  app.useBodyParser('json', json);
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  // CORS only for the configured origins; with none, no cross-origin browser call is allowed, so the middleware
  // would only cost every request a pass through it.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
      maxAge: 600,
    });
  }
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(DependencyStatus)));
  // No enableShutdownHooks(): main.ts installs the graceful shutdown (drain, then app.close(), then exit 0);
  // Nest's own handler would close at once and re-raise the signal.
  setupSwagger(app);
  await connectEventBus(app, config);
  return app;
}
