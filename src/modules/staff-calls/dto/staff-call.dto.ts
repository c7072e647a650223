import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

export const STAFF_CALL_REASONS = ['CALL', 'WATER', 'CUTLERY', 'NAPKINS', 'BILL', 'OTHER'] as const;
export type StaffCallReason = (typeof STAFF_CALL_REASONS)[number];

export const STAFF_CALL_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type StaffCallStatus = (typeof STAFF_CALL_STATUSES)[number];

/** Trimmed; blank means none (stored as null). */
const trimMessage = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() || undefined : value;

@ClosedSchema()
export class CreateStaffCallDto {
  @ApiProperty({
    enum: STAFF_CALL_REASONS,
    example: 'WATER',
    description: '`CALL` just come over, `WATER`, `CUTLERY`, `NAPKINS`, `BILL`, `OTHER`',
  })
  @IsIn(STAFF_CALL_REASONS)
  reason: StaffCallReason;

  @ApiPropertyOptional({
    maxLength: 100,
    example: '물 두 잔 부탁드려요',
    description: 'up to 100 characters, trimmed; blank means none',
  })
  @IsOptional()
  @Transform(trimMessage)
  @IsString()
  @MaxLength(100)
  message?: string;
}

export class StaffCallsQueryDto {
  @ApiPropertyOptional({
    enum: STAFF_CALL_STATUSES,
    default: 'OPEN',
    description: '`OPEN` (default) oldest first, or `RESOLVED` in the last 24 h newest first by resolvedAt',
  })
  @IsOptional()
  @IsIn(STAFF_CALL_STATUSES)
  status?: StaffCallStatus;
}

/** API.md's staff call (직원 호출). */
export class StaffCallDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'the table the call is for (it follows a moved party)' })
  tableId: string;
  @ApiProperty({ type: 'integer', example: 7 }) tableNumber: number;
  @ApiProperty({ enum: STAFF_CALL_REASONS, example: 'WATER' }) reason: StaffCallReason;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'null when absent' })
  message: string | null;
  @ApiProperty({ enum: STAFF_CALL_STATUSES, example: 'OPEN' }) status: StaffCallStatus;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'null while open',
  })
  resolvedAt: string | null;
}

/** A row selected with STAFF_CALL_COLUMNS. */
export interface StaffCallRow {
  id: string;
  tableId: string;
  tableNumber: number;
  reason: StaffCallReason;
  message: string | null;
  status: StaffCallStatus;
  createdAt: Date | string;
  resolvedAt: Date | string | null;
}

export function toStaffCallDto(row: StaffCallRow): StaffCallDto {
  return {
    id: row.id,
    tableId: row.tableId,
    tableNumber: Number(row.tableNumber),
    reason: row.reason,
    message: row.message ?? null,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
    resolvedAt: row.resolvedAt === null ? null : new Date(row.resolvedAt).toISOString(),
  };
}
