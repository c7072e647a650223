import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from '../errors';

/** Flattens class-validator's tree into API.md's `errors: [{field: "items.0.quantity", message}]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
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
