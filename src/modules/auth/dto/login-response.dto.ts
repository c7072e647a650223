import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StoreSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'demo' }) code: string;
  @ApiProperty({ example: 'Demo Bistro' }) name: string;
}

export class TableSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', example: 1 }) number: number;
}

export class AdminSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'admin' }) username: string;
}

class TokenDto {
  @ApiProperty({ description: 'RS256 JWT for `Authorization: Bearer …`' }) accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', example: 57600, description: 'seconds until the token expires' })
  expiresIn: number;
}

export class TableLoginResponseDto extends TokenDto {
  @ApiProperty({ enum: ['table'] }) role: 'table';
  @ApiProperty({ type: StoreSummaryDto }) store: StoreSummaryDto;
  @ApiProperty({ type: TableSummaryDto }) table: TableSummaryDto;
}

export class AdminLoginResponseDto extends TokenDto {
  @ApiProperty({ enum: ['admin'] }) role: 'admin';
  @ApiProperty({ type: StoreSummaryDto }) store: StoreSummaryDto;
  @ApiProperty({ type: AdminSummaryDto }) admin: AdminSummaryDto;
}

export class SuperadminLoginResponseDto extends TokenDto {
  @ApiProperty({ enum: ['superadmin'] }) role: 'superadmin';
}

export class MeResponseDto {
  @ApiProperty({ enum: ['table', 'admin', 'superadmin'] }) role: 'table' | 'admin' | 'superadmin';
  @ApiPropertyOptional({ format: 'uuid', description: 'absent for the superadmin' }) storeId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'tables only' }) tableId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'admins and the superadmin' }) adminId?: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T01:30:00.000Z' }) expiresAt: string;
}
