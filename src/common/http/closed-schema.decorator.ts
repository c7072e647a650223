import { ApiSchema, type ApiSchemaOptions } from '@nestjs/swagger';

/**
 * Marks a request body DTO's schema `additionalProperties: false`: the validation pipe refuses unknown fields
 * (forbidNonWhitelisted, 400 VALIDATION_ERROR), and the document says so. @nestjs/swagger spreads the options of
 * @ApiSchema into the schema, though its type names only `name` and `description`.
 */
export const ClosedSchema = (): ClassDecorator =>
  ApiSchema({ additionalProperties: false } as ApiSchemaOptions);
