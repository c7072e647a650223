import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from './order.dto';

export class AdminOrdersQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'a table of the caller’s store (another id is 404 TABLE_NOT_FOUND)',
  })
  @IsOptional()
  @IsUUID()
  tableId?: string;

  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}
