import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one error type services throw. The global filter renders it as API.md's envelope.
 * `headers` carries e.g. `Retry-After` for 429s.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }

  static validation(errors: FieldError[]): AppError {
    const first = errors[0];
    const detail = first ? `${first.field} ${first.message}` : 'request is invalid';
    return new AppError(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_ERROR, detail, { errors });
  }

  static badRequest(detail: string, field?: string): AppError {
    return AppError.validation([{ field: field ?? 'request', message: detail }]);
  }

  static notFound(code: ErrorCode = ErrorCode.NOT_FOUND, detail = 'resource not found'): AppError {
    return new AppError(HttpStatus.NOT_FOUND, code, detail);
  }

  static conflict(code: ErrorCode, detail: string): AppError {
    return new AppError(HttpStatus.CONFLICT, code, detail);
  }

  static unauthorized(code: ErrorCode, detail: string): AppError {
    return new AppError(HttpStatus.UNAUTHORIZED, code, detail);
  }

  static forbidden(detail = 'this role may not use this endpoint'): AppError {
    return new AppError(HttpStatus.FORBIDDEN, ErrorCode.INSUFFICIENT_PERMISSIONS, detail);
  }

  static tooManyRequests(code: ErrorCode, detail: string, retryAfterSeconds: number): AppError {
    return new AppError(HttpStatus.TOO_MANY_REQUESTS, code, detail, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }

  static unavailable(detail = 'a required dependency is unavailable'): AppError {
    return new AppError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE, detail);
  }
}
