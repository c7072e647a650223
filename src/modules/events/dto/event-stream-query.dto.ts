import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class EventStreamQueryDto {
  @ApiPropertyOptional({
    description:
      'Resume after this event id (same as the `Last-Event-ID` header, which wins when both are sent)',
    example: '42',
  })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'must be a non-negative integer' })
  lastEventId?: string;

  @ApiPropertyOptional({
    description:
      'Admin stream only: a single-use ticket from POST /api/v1/admin/events/ticket, instead of the Authorization header',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  ticket?: string;
}
