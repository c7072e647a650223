import { ApiProperty } from '@nestjs/swagger';
import { OrderDto } from './order.dto';

/** GET /orders: the calling table's active session. */
export class TableOrdersDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null when no session is active',
  })
  sessionId: string | null;
  @ApiProperty({ type: 'integer', example: 27000, description: 'won, the sum of the session’s orders' })
  totalAmount: number;
  @ApiProperty({ type: [OrderDto], description: 'oldest first' }) orders: OrderDto[];
}
