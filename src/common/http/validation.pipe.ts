import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from '../errors';
import { cacheValidationMetadata } from '../validation/metadata-cache';

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

/**
 * Deeper than any body of the API (an order is three levels). class-transformer and class-validator recurse into
 * whatever they are given, so a 2,000-deep array (4 KB of JSON) overflowed the stack: a 500. Refused first, by a
 * walk that stops at this depth.
 */
export const MAX_NESTING = 16;

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  // Parsed JSON is plain objects and arrays; anything else (an uploaded file's Buffer) is not walked.
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
  if (levels === 0) return true;
  for (const child of Object.values(value)) if (nestedDeeperThan(child, levels - 1)) return true;
  return false;
}

class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestedDeeperThan(value, MAX_NESTING)) {
      const field = metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type);
      return Promise.reject(
        AppError.validation([{ field, message: `must not be nested more than ${MAX_NESTING} levels deep` }]),
      );
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** whitelist + forbidNonWhitelisted: an unknown field is a 400, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppError.validation(flattenValidationErrors(errors)),
  });
}
