import { HttpException, HttpStatus } from '@nestjs/common';
import { translateBodyParserError } from './body-parser.translator';
import { ErrorCode } from './error-codes';
import { internalError, type RenderedError } from './rendered-error';

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

/**
 * Nest's own HTTP exceptions (404 for an unknown route, Multer's limits, ValidationPipe's 400, Terminus' 503), by
 * status. Express-level failures (body-parser) arrive wrapped by the adapter, with the original as `cause`.
 */
export function translateHttpException(exception: unknown): RenderedError | undefined {
  if (!(exception instanceof HttpException)) return undefined;
  const fromBodyParser = translateBodyParserError(exception.cause);
  if (fromBodyParser) return fromBodyParser;
  const status = exception.getStatus();
  if (status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE) return { ...internalError(), status };
  const code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.CONFLICT);
  const body = exception.getResponse();
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
