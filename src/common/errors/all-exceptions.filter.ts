import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { DependencyStatus } from '../../modules/metrics/dependency-status';
import { AppError } from './app-error';
import { translateBodyParserError } from './body-parser.translator';
import { isConnectionFailure, translateConnectionFailure } from './connection-failure';
import { translateHttpException } from './http-exception.translator';
import { translateQueryFailed } from './query-failed.translator';
import { internalError, type RenderedError } from './rendered-error';

function translateAppError(exception: unknown): RenderedError | undefined {
  if (!(exception instanceof AppError)) return undefined;
  return {
    status: exception.status,
    code: exception.code,
    detail: exception.detail,
    errors: exception.options.errors,
    headers: exception.options.headers,
  };
}

/**
 * Each source of errors, in the order they are asked: the first that recognises an error renders it. A
 * connection failure comes after the query translator, so a statement cut off by a lost connection is a 503.
 */
const TRANSLATORS: ReadonlyArray<(exception: unknown) => RenderedError | undefined> = [
  translateAppError,
  translateHttpException,
  translateQueryFailed,
  translateBodyParserError,
  translateConnectionFailure,
];

/**
 * Renders every error as API.md's envelope. Application errors carry their own code; Nest's HTTP exceptions
 * (404 for unknown routes, body-parser failures, Multer limits) are mapped by status; database constraint
 * violations by constraint name; a lost or refused database connection is 503 SERVICE_UNAVAILABLE; anything
 * else is a logged 500 whose body says nothing about internals.
 *
 * Only what nobody expected is logged here, at error level with its stack: a 500. A 503 is an expected answer
 * (a dependency is down, a readiness probe failed, the instance is draining): its access-log line at warn says
 * enough, and a lost database connection is reported to DependencyStatus, which logs the outage once.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(private readonly dependencies?: DependencyStatus) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string | number }>();
    const res = ctx.getResponse<Response>();
    const rendered = this.render(exception);

    if (rendered.status === HttpStatus.SERVICE_UNAVAILABLE) {
      if (isConnectionFailure(exception)) this.dependencies?.requestFailed('database', exception);
    } else if (rendered.status >= 500) {
      this.logger.error(
        { err: exception, requestId: req.id, errorCode: rendered.code },
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (res.headersSent) {
      // A stream (SSE) already started: the status line is gone, all that is left is to end it.
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(rendered.headers ?? {})) res.setHeader(name, value);
    const requestId = String(req.id ?? res.getHeader('X-Request-Id') ?? '');
    res.status(rendered.status).json({
      status: rendered.status,
      error_code: rendered.code,
      detail: rendered.detail,
      timestamp: new Date().toISOString(),
      path: (req.originalUrl ?? req.url ?? '').split('?')[0],
      request_id: requestId,
      ...(rendered.errors ? { errors: rendered.errors } : {}),
      ...rendered.extra,
    });
  }

  render(exception: unknown): RenderedError {
    for (const translate of TRANSLATORS) {
      const rendered = translate(exception);
      if (rendered) return rendered;
    }
    return internalError();
  }
}
