import { ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { AppError } from '../errors';

/**
 * A path id that must be a UUID (`@Param('id', uuidParam())`): anything else is 400 VALIDATION_ERROR naming the
 * parameter, never a 500 from SQL; a well-formed id of another store is then the service's 404.
 */
export function uuidParam(name = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => AppError.validation([{ field: name, message: 'must be a UUID' }]),
  });
}

/** Documents a UUID path parameter (`format: uuid`) in the OpenAPI document; pair it with `uuidParam(name)`. */
export function ApiUuidParam(name = 'id'): MethodDecorator & ClassDecorator {
  return ApiParam({ name, format: 'uuid', description: 'UUID' });
}
