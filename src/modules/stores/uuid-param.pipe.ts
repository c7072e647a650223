import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from '../../common/errors';

/** A path id that must be a UUID: anything else is 400 VALIDATION_ERROR naming the parameter, never a 500 from SQL. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => AppError.validation([{ field: name, message: 'must be a UUID' }]),
  });
}
