import { UNSTORABLE_TEXT } from '../http/json-body';
import { ErrorCode } from './error-codes';
import type { RenderedError } from './rendered-error';

/**
 * A failure of Express' body parsers (or of a `type`/`status` error shaped like theirs), by its `type`. They reach
 * the filter bare or, through Nest's adapter, as the `cause` of an HttpException.
 */
export function translateBodyParserError(exception: unknown): RenderedError | undefined {
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
