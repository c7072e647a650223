import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from '../../common/errors';

/** `:id` path parameters: a malformed UUID is 400 VALIDATION_ERROR, never a database error. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () => AppError.validation([{ field: 'id', message: 'must be a UUID' }]),
});
