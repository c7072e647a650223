import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../errors';

/**
 * For actions that take no body (`POST …/complete`, `POST …/ticket`): an empty object or no body at all passes;
 * any field is a 400 naming it, as an unknown field is on every other endpoint. Use `@Body(EmptyBodyPipe)`.
 */
@Injectable()
export class EmptyBodyPipe implements PipeTransform {
  transform(value: unknown): unknown {
    const fields = value !== null && typeof value === 'object' ? Object.keys(value) : [];
    if (fields.length > 0) {
      throw AppError.validation(
        fields.map((field) => ({ field, message: `property ${field} should not exist` })),
      );
    }
    return value;
  }
}
