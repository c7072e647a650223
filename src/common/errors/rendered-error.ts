import type { FieldError } from './app-error';
import { ErrorCode } from './error-codes';

/** What a translator makes of an error: API.md's envelope less the fields that come from the request. */
export interface RenderedError {
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** A 500 says nothing about what failed; the filter logs the error itself. */
export function internalError(): RenderedError {
  return { status: 500, code: ErrorCode.INTERNAL_ERROR, detail: 'internal server error' };
}
