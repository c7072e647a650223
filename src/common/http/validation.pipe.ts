import {
  ArgumentMetadata,
  ValidationError,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { AppError, FieldError } from '../errors';
import { passesCompiledCheck } from '../validation/compiled-check';
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

const TOO_DEEP = 1;
/** Something Nest's own walks over the value would change: a sparse array, or a prototype key to delete. */
const UNUSUAL = 2;
const PROTOTYPE_KEYS = ['__proto__', 'prototype', 'constructor'];

/**
 * One walk over the value before it is validated: TOO_DEEP when it is nested past `levels`, UNUSUAL when it holds
 * what ValidationPipe's two walks of its own are for (closing the gaps of sparse arrays, deleting `__proto__`,
 * `prototype` and `constructor` keys) or anything but plain objects and arrays (an uploaded file's Buffer), which
 * this walk does not enter. Parsed JSON is never sparse and rarely has such keys, so most bodies come out 0.
 */
function survey(value: unknown, levels: number): number {
  if (value === null || typeof value !== 'object') return 0;
  const isArray = Array.isArray(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (!isArray && proto !== Object.prototype && proto !== null) return UNUSUAL;
  if (levels === 0) return TOO_DEEP;
  const keys = Object.keys(value);
  let found = 0;
  if (isArray) {
    // Counted by own keys, never by length: a sparse array's length may be far beyond its items.
    if (keys.length !== value.length) found = UNUSUAL;
  } else if (PROTOTYPE_KEYS.some((key) => Object.hasOwn(value, key))) {
    found = UNUSUAL;
  }
  for (const key of keys) {
    found |= survey((value as Record<string, unknown>)[key], levels - 1);
    if (found & TOO_DEEP) return found;
  }
  return found;
}

class AppValidationPipe extends ValidationPipe {
  /** Values `survey` found plain: the base class's two walks over them would change nothing, and are skipped. */
  private readonly plain = new WeakSet<object>();

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const found = survey(value, MAX_NESTING);
    if (found & TOO_DEEP) {
      const field = metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type);
      return Promise.reject(
        AppError.validation([{ field, message: `must not be nested more than ${MAX_NESTING} levels deep` }]),
      );
    }
    if (found === 0 && value !== null && typeof value === 'object') this.plain.add(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }

  protected override closeArrayGaps(value: unknown): void {
    if (!this.plain.has(value as object)) super.closeArrayGaps(value);
  }

  protected override stripProtoKeys(value: unknown): void {
    if (!this.plain.has(value as object)) super.stripProtoKeys(value);
  }

  /**
   * A value the compiled check passes has nothing class-validator would report (same rules, same constraint
   * functions; compiled for the options below): the validator runs only for the others, to find and word their
   * errors.
   */
  protected override validate(
    object: object,
    options?: ValidationPipeOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    return passesCompiledCheck(object) ? [] : super.validate(object, options);
  }
}

/**
 * whitelist + forbidNonWhitelisted: an unknown field is a 400, never silently dropped. The compiled check
 * (common/validation/compiled-check.ts) follows exactly these options: change them together.
 */
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
