export { AppError, type FieldError } from './app-error';
export { ErrorCode, CONSTRAINT_ERRORS } from './error-codes';
export { ErrorEnvelopeDto, ValidationErrorItemDto } from './error-envelope.dto';
export { AllExceptionsFilter } from './all-exceptions.filter';
