import { AppError } from '../../src/common/errors';

/** What a caller sees of an application error: its HTTP status and error_code. */
export interface ErrorSeen {
  status: number;
  code: string;
}

/** The status and code a function throws, or undefined when it returns; anything but an AppError is rethrown. */
export function codeOf(fn: () => unknown): ErrorSeen | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  return undefined;
}

/** The status and code a promise rejects with; it must reject, and with an AppError. */
export async function rejectionOf(promise: Promise<unknown>): Promise<ErrorSeen> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a rejection');
}
