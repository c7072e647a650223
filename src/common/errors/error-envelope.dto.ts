import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './error-codes';

export class ValidationErrorItemDto {
  @ApiProperty({ example: 'items.0.quantity' }) field: string;
  @ApiProperty({ example: 'must not be greater than 100' }) message: string;
}

/** API.md's error envelope: every response with status >= 400 has this shape. */
export class ErrorEnvelopeDto {
  @ApiProperty({ type: 'integer', example: 400 }) status: number;
  @ApiProperty({ enum: Object.values(ErrorCode), example: 'VALIDATION_ERROR' }) error_code: string;
  @ApiProperty({ example: 'items.0.quantity must not be greater than 100' }) detail: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) timestamp: string;
  @ApiProperty({ example: '/api/v1/orders' }) path: string;
  @ApiProperty({ example: '0b9c6a6e-2f0e-4c53-9a63-6d0cf0b1c1f2' }) request_id: string;
  @ApiPropertyOptional({ type: [ValidationErrorItemDto], description: 'only for VALIDATION_ERROR' })
  errors?: ValidationErrorItemDto[];
}
