export { AppError, type FieldError } from './app-error';
export { ErrorCode } from './error-codes';
export { CONSTRAINT_ERRORS } from './constraint-errors';
export { ErrorEnvelopeDto, ValidationErrorItemDto } from './error-envelope.dto';
export { AllExceptionsFilter } from './all-exceptions.filter';
