import { ApiProperty } from '@nestjs/swagger';

export class EventTicketDto {
  @ApiProperty({
    description: 'Single-use credential for GET /api/v1/admin/events?ticket=…',
    example: 'q3V…',
  })
  ticket: string;

  @ApiProperty({ type: 'integer', description: 'Seconds until the ticket expires', example: 60 })
  expiresIn: number;
}
