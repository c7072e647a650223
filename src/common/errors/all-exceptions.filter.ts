import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import type { DependencyStatus } from '../../modules/metrics/dependency-status';
import { UNSTORABLE_TEXT } from '../http/json-body';
import { AppError, FieldError } from './app-error';
import { isConnectionFailure } from './connection-failure';
import { CONSTRAINT_ERRORS, ErrorCode } from './error-codes';

interface Rendered {
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_ERROR,
  401: ErrorCode.TOKEN_MISSING,
  403: ErrorCode.INSUFFICIENT_PERMISSIONS,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMIT_EXCEEDED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** PostgreSQL SQLSTATEs of constraint violations and of values the database refused to parse. */
const PG_UNIQUE = '23505';
const PG_FOREIGN_KEY = '23503';
const PG_CHECK = '23514';
const PG_NOT_NULL = '23502';

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

  render(exception: unknown): Rendered {
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        code: exception.code,
        detail: exception.detail,
        errors: exception.options.errors,
        headers: exception.options.headers,
      };
    }
    if (exception instanceof HttpException) {
      // Express-level failures (body-parser) reach us wrapped by the adapter, with the original as `cause`.
      return this.fromBodyParser(exception.cause) ?? this.fromHttpException(exception);
    }
    if (exception instanceof QueryFailedError) {
      const mapped = this.fromConstraint(exception);
      if (mapped) return mapped;
    }
    const bodyParserError = this.fromBodyParser(exception);
    if (bodyParserError) return bodyParserError;
    // The database (or its pool) is unreachable or dropped the connection. A transaction cut off before COMMIT rolled
    // back; orders are safe to retry with their Idempotency-Key either way.
    if (isConnectionFailure(exception)) {
      return {
        status: 503,
        code: ErrorCode.SERVICE_UNAVAILABLE,
        detail: 'a required dependency is unavailable; try again shortly',
        headers: { 'Retry-After': '1' },
      };
    }
    return { status: 500, code: ErrorCode.INTERNAL_ERROR, detail: 'internal server error' };
  }

  private fromHttpException(exception: HttpException): Rendered {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.CONFLICT);
    if (status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE) {
      return { status, code: ErrorCode.INTERNAL_ERROR, detail: 'internal server error' };
    }
    let detail = exception.message;
    let extra: Record<string, unknown> | undefined;
    if (typeof body === 'object' && body !== null) {
      const b = body as Record<string, unknown>;
      if (typeof b.message === 'string') detail = b.message;
      else if (Array.isArray(b.message)) detail = b.message.map(String).join('; ');
      // Terminus answers 503 with the state of each check; the envelope keeps them so the failed one is named.
      if (b.details && typeof b.details === 'object') {
        extra = { checks: b.details };
        const failed = Object.keys((b.error as object | undefined) ?? {});
        detail = failed.length > 0 ? `failed checks: ${failed.join(', ')}` : 'service unavailable';
      }
    }
    if (status === 400 && code === ErrorCode.VALIDATION_ERROR) {
      return { status, code, detail, errors: [{ field: 'body', message: detail }] };
    }
    return { status, code, detail, extra };
  }

  private fromConstraint(exception: QueryFailedError): Rendered | undefined {
    const driverError = exception.driverError as { code?: string; constraint?: string } | undefined;
    const sqlState = driverError?.code;
    const constraint = driverError?.constraint ?? constraintFromMessage(exception.message);
    const known = constraint ? CONSTRAINT_ERRORS[constraint] : undefined;
    if (known) return { status: known.status, code: known.code, detail: known.detail };
    switch (sqlState) {
      case PG_UNIQUE:
        return {
          status: 409,
          code: ErrorCode.CONFLICT,
          detail: 'the resource conflicts with an existing one',
        };
      case PG_FOREIGN_KEY:
        return { status: 404, code: ErrorCode.NOT_FOUND, detail: 'a referenced resource does not exist' };
      case PG_CHECK:
      case PG_NOT_NULL:
        return {
          status: 400,
          code: ErrorCode.VALIDATION_ERROR,
          detail: 'a value is outside the allowed range',
          errors: [{ field: constraint ?? 'body', message: 'is outside the allowed range' }],
        };
      default:
        return undefined;
    }
  }

  private fromBodyParser(exception: unknown): Rendered | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const e = exception as { type?: unknown; status?: unknown; message?: unknown };
    if (typeof e.type !== 'string' || typeof e.status !== 'number') return undefined;
    switch (e.type) {
      case 'entity.parse.failed':
        for (const text of Object.values(UNSTORABLE_TEXT)) {
          if (e.message !== text.detail) continue;
          return {
            status: 400,
            code: ErrorCode.VALIDATION_ERROR,
            detail: text.detail,
            errors: [{ field: 'body', message: text.message }],
          };
        }
        return {
          status: 400,
          code: ErrorCode.VALIDATION_ERROR,
          detail: 'request body is not valid JSON',
          errors: [{ field: 'body', message: 'is not valid JSON' }],
        };
      case 'entity.too.large':
        return {
          status: 413,
          code: ErrorCode.PAYLOAD_TOO_LARGE,
          detail: 'request body is larger than 100 KB',
        };
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return { status: 415, code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, detail: String(e.message) };
      default:
        return e.status >= 400 && e.status < 500
          ? { status: 400, code: ErrorCode.VALIDATION_ERROR, detail: 'request body could not be read' }
          : undefined;
    }
  }
}

function constraintFromMessage(message: string): string | undefined {
  return /constraint "([^"]+)"/.exec(message)?.[1];
}
