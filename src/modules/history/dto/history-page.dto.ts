import { ApiProperty } from '@nestjs/swagger';
import { OrderDto } from '../../orders/dto/order.dto';
import type { ArchivedSessionRow } from '../history.repository';

export class HistorySessionDto {
  @ApiProperty({ format: 'uuid', description: 'the archived session' }) sessionId: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) startedAt: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2026-11-21T11:02:00.000Z',
    description: 'when the table was completed (이용 완료)',
  })
  completedAt: string;
  @ApiProperty({ type: 'integer', example: 54000, description: 'won, sum of the session’s orders' })
  totalAmount: number;
  @ApiProperty({ type: [OrderDto], description: 'the session’s orders, oldest first' }) orders: OrderDto[];
}

export class PaginationDto {
  @ApiProperty({ type: 'integer', example: 1 }) page: number;
  @ApiProperty({ type: 'integer', example: 20 }) pageSize: number;
  @ApiProperty({ type: 'integer', example: 42, description: 'sessions in the whole date range' })
  totalCount: number;
  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'ceil(totalCount / pageSize); 0 when there is none',
  })
  totalPages: number;
}

export class HistoryPageDto {
  @ApiProperty({ type: [HistorySessionDto], description: 'newest first (completedAt descending)' })
  items: HistorySessionDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export function toHistorySessionDto(row: ArchivedSessionRow, orders: OrderDto[]): HistorySessionDto {
  return {
    sessionId: row.id,
    startedAt: new Date(row.startedAt).toISOString(),
    completedAt: new Date(row.completedAt).toISOString(),
    totalAmount: Number(row.totalAmount),
    orders,
  };
}
