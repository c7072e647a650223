import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';
import { ByteLength } from '../../../common/validation/byte-length.validator';
import type { AdminUserEntity } from '../entities/admin-user.entity';
import type { StoreEntity } from '../entities/store.entity';

@ClosedSchema()
export class CreateStoreDto {
  @ApiProperty({ example: 'gangnam-1', pattern: '^[a-z0-9-]{3,30}$' })
  @IsString()
  @Matches(/^[a-z0-9-]{3,30}$/, { message: 'must be 3-30 characters of a-z, 0-9 and -' })
  code: string;

  @ApiProperty({ example: 'Gangnam Bistro', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'must not be blank' })
  name: string;
}

@ClosedSchema()
export class CreateAdminDto {
  @ApiProperty({ example: 'manager', pattern: '^[a-z0-9._-]{3,30}$' })
  @IsString()
  @Matches(/^[a-z0-9._-]{3,30}$/, { message: 'must be 3-30 characters of a-z, 0-9, ., _ and -' })
  username: string;

  @ApiProperty({ description: '8-72 bytes (UTF-8)', example: 'manager-password' })
  @IsString()
  @ByteLength(8, 72)
  password: string;
}

@ClosedSchema()
export class UpdateAdminDto {
  @ApiProperty({ description: 'false deactivates the admin and revokes their tokens within 60 s' })
  @IsBoolean()
  isActive: boolean;
}

export class StoreDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'gangnam-1' }) code: string;
  @ApiProperty({ example: 'Gangnam Bistro' }) name: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
}

export class CreatedAdminDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'manager' }) username: string;
  @ApiProperty({ example: true }) isActive: boolean;
}

export class AdminDto extends CreatedAdminDto {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
}

export function toStoreDto(store: StoreEntity): StoreDto {
  return { id: store.id, code: store.code, name: store.name, createdAt: store.createdAt.toISOString() };
}

export function toAdminDto(admin: AdminUserEntity): AdminDto {
  return {
    id: admin.id,
    username: admin.username,
    isActive: admin.isActive,
    createdAt: admin.createdAt.toISOString(),
  };
}
