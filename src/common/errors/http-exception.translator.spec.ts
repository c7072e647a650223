import {
  BadRequestException,
  InternalServerErrorException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { translateBodyParserError } from './body-parser.translator';
import { translateHttpException } from './http-exception.translator';

describe('translateHttpException', () => {
  it('maps Nest HTTP exceptions by status, and body-parser failures by their type', () => {
    expect(translateHttpException(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Cannot GET /x',
    });
    const tooLarge = new BadRequestException('too large', {
      cause: Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }),
    });
    expect(translateHttpException(tooLarge)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('names the body in a 400, and says nothing about a 500', () => {
    expect(translateHttpException(new BadRequestException(['a is bad', 'b is bad']))).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      detail: 'a is bad; b is bad',
      errors: [{ field: 'body', message: 'a is bad; b is bad' }],
    });
    expect(translateHttpException(new InternalServerErrorException('pool exhausted at …'))).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'internal server error',
    });
  });

  it('keeps the checks of a failed readiness probe', () => {
    const r = translateHttpException(
      new ServiceUnavailableException({
        status: 'error',
        info: {},
        error: { redis: { status: 'down' } },
        details: { database: { status: 'up' }, redis: { status: 'down' } },
      }),
    );
    expect(r).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'failed checks: redis' });
    expect(r?.extra).toEqual({ checks: { database: { status: 'up' }, redis: { status: 'down' } } });
  });
});

describe('translateBodyParserError', () => {
  const parserError = (type: string, status: number, message = 'x') =>
    Object.assign(new Error(message), { type, status });

  it('maps each failure by its type', () => {
    expect(translateBodyParserError(parserError('entity.parse.failed', 400))).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      errors: [{ field: 'body', message: 'is not valid JSON' }],
    });
    expect(
      translateBodyParserError(parserError('charset.unsupported', 415, 'unsupported charset "X"')),
    ).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: 'unsupported charset "X"',
    });
    expect(translateBodyParserError(parserError('request.aborted', 400))).toMatchObject({ status: 400 });
  });

  it('leaves what is not a body-parser failure alone', () => {
    expect(translateBodyParserError(new Error('x'))).toBeUndefined();
    expect(translateBodyParserError(parserError('stream.broken', 500))).toBeUndefined();
    expect(translateBodyParserError('entity.parse.failed')).toBeUndefined();
  });
});
