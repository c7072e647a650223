import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from './order.dto';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

@ClosedSchema()
export class UpdateOrderStatusDto {
  @ApiProperty({ enum: ORDER_STATUSES, description: 'forward only: PENDING → PREPARING → COMPLETED' })
  @IsIn(ORDER_STATUSES)
  status: OrderStatus;
}
