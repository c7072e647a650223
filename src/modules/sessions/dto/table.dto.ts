import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Max, Min } from 'class-validator';
import { ByteLength } from '../../../common/validation/byte-length.validator';
import { OrderDto } from '../../orders/dto/order.dto';
import type { DashboardRow } from '../sessions.repository';
import { StaffCallDto } from '../../staff-calls/dto/staff-call.dto';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

@ClosedSchema()
export class CreateTableDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 999, example: 7 })
  @IsInt()
  @Min(1)
  @Max(999)
  number: number;

  @ApiProperty({ minLength: 4, maxLength: 64, description: '4-64 bytes (UTF-8)', example: 'table-7-pass' })
  @IsString()
  // Not class-validator's IsByteLength: it measures through encodeURI, which throws (a 500) on a lone surrogate.
  @ByteLength(4, 64, { message: 'must be 4-64 bytes long' })
  password: string;
}

@ClosedSchema()
export class UpdateTablePasswordDto {
  @ApiProperty({
    minLength: 4,
    maxLength: 64,
    description: '4-64 bytes (UTF-8); the tablet must log in again',
  })
  @IsString()
  @ByteLength(4, 64, { message: 'must be 4-64 bytes long' })
  password: string;
}

export class TableDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', example: 7 }) number: number;
}

export class ActiveSessionSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) startedAt: string;
  @ApiProperty({ type: 'integer', example: 54000, description: 'won, the sum of the session’s orders' })
  totalAmount: number;
  @ApiProperty({ type: 'integer', example: 3 }) orderCount: number;
}

export class DashboardTableDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', example: 7 }) number: number;
  @ApiProperty({
    type: ActiveSessionSummaryDto,
    nullable: true,
    description: 'null when the table is idle',
  })
  session: ActiveSessionSummaryDto | null;
  @ApiProperty({ type: [OrderDto], description: 'the active session’s newest 3 orders, newest first' })
  recentOrders: OrderDto[];
  @ApiProperty({ type: [StaffCallDto], description: 'the table’s open staff calls, oldest first' })
  openStaffCalls: StaffCallDto[];
}

export class CompletedSessionDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) tableId: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T11:02:00.000Z' })
  completedAt: string;
  @ApiProperty({ type: 'integer', example: 3 }) orderCount: number;
  @ApiProperty({ type: 'integer', example: 54000, description: 'won' }) totalAmount: number;
}

@ClosedSchema()
export class MoveTableDto {
  @ApiProperty({ format: 'uuid', description: 'a table of the store without an active session' })
  @IsUUID()
  toTableId: string;
}

@ClosedSchema()
export class MergeTableDto {
  @ApiProperty({ format: 'uuid', description: 'a table of the store with an active session' })
  @IsUUID()
  intoTableId: string;
}

/** The result of a move (the moved session) or a merge (the merged, target's session). */
export class TableMoveResultDto {
  @ApiProperty({ format: 'uuid', description: 'move: the moved session; merge: the target’s session' })
  sessionId: string;
  @ApiProperty({ format: 'uuid' }) fromTableId: string;
  @ApiProperty({ format: 'uuid' }) toTableId: string;
  @ApiProperty({ type: 'integer', example: 3, description: 'the session’s orders after the change' })
  orderCount: number;
  @ApiProperty({ type: 'integer', example: 54000, description: 'won, the session’s total after the change' })
  totalAmount: number;
}

export function toTableDto(row: { id: string; number: number }): TableDto {
  return { id: row.id, number: Number(row.number) };
}

/** A dashboard row with the table's recent orders and open calls. */
export function toDashboardTableDto(
  row: DashboardRow,
  recentOrders: OrderDto[],
  openStaffCalls: StaffCallDto[],
): DashboardTableDto {
  return {
    id: row.id,
    number: Number(row.number),
    session:
      row.sessionId && row.startedAt
        ? {
            id: row.sessionId,
            startedAt: new Date(row.startedAt).toISOString(),
            totalAmount: Number(row.totalAmount),
            orderCount: Number(row.orderCount),
          }
        : null,
    recentOrders,
    openStaffCalls,
  };
}
