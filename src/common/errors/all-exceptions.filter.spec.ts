import { ArgumentsHost, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { createMock } from '../../../test/utils/automock';
import type { DependencyStatus } from '../../modules/metrics/dependency-status';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { AppError } from './app-error';
import { ErrorCode } from './error-codes';

const queryError = (code: string, constraint?: string): QueryFailedError =>
  new QueryFailedError(
    'INSERT …',
    [],
    Object.assign(new Error(`violates constraint "${constraint}"`), { code, constraint }),
  );

describe('AllExceptionsFilter.render', () => {
  const filter = new AllExceptionsFilter();

  it('keeps an application error as thrown, headers included', () => {
    const r = filter.render(AppError.tooManyRequests(ErrorCode.LOGIN_LOCKED, 'locked', 42.2));
    expect(r).toMatchObject({
      status: 429,
      code: 'LOGIN_LOCKED',
      detail: 'locked',
      headers: { 'Retry-After': '43' },
    });
  });

  it('maps a named constraint, and answers 500 for any other, whatever its SQLSTATE', () => {
    expect(filter.render(queryError('23505', 'uq_tables_store_number'))).toMatchObject({
      status: 409,
      code: 'DUPLICATE_TABLE_NUMBER',
    });
    for (const unnamed of [
      queryError('23505', 'uq_something_else'),
      queryError('23503', 'fk_menus_category'),
      queryError('23514', 'ck_menus_price'),
      queryError('23502'),
    ]) {
      expect(filter.render(unnamed)).toEqual({
        status: 500,
        code: 'INTERNAL_ERROR',
        detail: 'internal server error',
      });
    }
  });

  it('turns any other database error into a 500 that says nothing about SQL', () => {
    const r = filter.render(queryError('42P01'));
    expect(r).toEqual({ status: 500, code: 'INTERNAL_ERROR', detail: 'internal server error' });
  });

  it('turns an unknown error into a bare 500', () => {
    expect(filter.render(new TypeError('cannot read x of undefined'))).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'internal server error',
    });
  });

  it('answers 503 for a statement cut off by a lost connection, 500 for one the server cancelled', () => {
    const lost = new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly'));
    expect(filter.render(lost)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(filter.render(queryError('57P01'))).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(filter.render(queryError('57014'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('maps Nest HTTP exceptions by status, and a bare body-parser failure by its type', () => {
    expect(filter.render(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
    });
    expect(filter.render(tooLarge)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('AllExceptionsFilter.catch: what is logged', () => {
  /** The status the filter answered with. */
  const answer = (filter: AllExceptionsFilter, exception: unknown): number => {
    let status = 0;
    const res = {
      headersSent: false,
      setHeader: () => undefined,
      getHeader: () => undefined,
      status: (code: number) => {
        status = code;
        return res;
      },
      json: () => undefined,
    };
    const host = createMock<ArgumentsHost>({
      getType: <T extends string>() => 'http' as T,
      switchToHttp: () =>
        createMock<ReturnType<ArgumentsHost['switchToHttp']>>({
          getRequest: <T>() => ({ id: 'r-1', url: '/api/v1/orders' }) as T,
          getResponse: <T>() => res as T,
        }),
    });
    filter.catch(exception, host);
    return status;
  };
  /** Each error-level line, as the arguments it was logged with. */
  let logged: unknown[][];

  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs a 500 at error level with its stack', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(answer(new AllExceptionsFilter(), bug)).toBe(500);
    expect(logged).toEqual([
      [expect.objectContaining({ requestId: 'r-1', errorCode: 'INTERNAL_ERROR' }), bug.stack],
    ]);
  });

  it('logs nothing for a 503, and reports a lost database to DependencyStatus', () => {
    const failures: unknown[][] = [];
    const dependencies = createMock<DependencyStatus>({
      requestFailed: (...args: Parameters<DependencyStatus['requestFailed']>) => {
        failures.push(args);
      },
    });
    const filter = new AllExceptionsFilter(dependencies);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(answer(filter, refused)).toBe(503);
    expect(answer(filter, new ServiceUnavailableException({ status: 'error', details: {} }))).toBe(503);
    expect(answer(filter, AppError.unavailable('login protection is unavailable'))).toBe(503);
    expect(logged).toEqual([]);
    expect(failures).toEqual([['database', refused]]);
  });
});
