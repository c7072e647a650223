import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from '../errors';

/**
 * Constraints that say what a value must be come before the ones about its size or content, so the envelope's
 * `detail` (the first message) reads "price must be an integer number" for `"price": "1000"`, not a range error.
 */
const SHAPE_FIRST = [
  'whitelistValidation',
  'isDefined',
  'isNotEmpty',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isUUID',
  'isIn',
  'isEnum',
  'arrayNotEmpty',
  'arrayMinSize',
  'arrayMaxSize',
];

function rank(constraint: string): number {
  const i = SHAPE_FIRST.indexOf(constraint);
  return i === -1 ? SHAPE_FIRST.length : i;
}

/** Flattens class-validator's tree into API.md's `errors: [{field: "items.0.quantity", message}]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property || 'body';
    for (const [, message] of Object.entries(error.constraints ?? {}).sort(([a], [b]) => rank(a) - rank(b))) {
      // class-validator prefixes messages with the property name ("quantity must be …"); the field says it already.
      const text = message.startsWith(`${error.property} `)
        ? message.slice(error.property.length + 1)
        : message;
      out.push({ field, message: text });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** whitelist + forbidNonWhitelisted: an unknown field is a 400, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppError.validation(flattenValidationErrors(errors)),
  });
}
