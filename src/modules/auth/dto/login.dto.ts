import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';
import { ByteLength } from '../../../common/validation/byte-length.validator';

/** bcrypt's input limit: a longer password is a 400, never truncated. */
export const BCRYPT_MAX_BYTES = 72;

// Login DTOs check shape only. Whether a store, user or table exists is answered by 401 AUTH_FAILED alone,
// so the format rules of creation (username pattern, 8-byte minimum) are not repeated here.

@ClosedSchema()
export class TableLoginDto {
  @ApiProperty({ example: 'demo' })
  @IsString()
  @Length(1, 30)
  storeCode: string;

  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: 999 })
  @IsInt()
  @Min(1)
  @Max(999)
  tableNumber: number;

  @ApiProperty({ example: '1234', description: '1-72 bytes' })
  @IsString()
  @ByteLength(1, BCRYPT_MAX_BYTES)
  password: string;
}

@ClosedSchema()
export class AdminLoginDto {
  @ApiProperty({ example: 'demo' })
  @IsString()
  @Length(1, 30)
  storeCode: string;

  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 30)
  username: string;

  @ApiProperty({ example: 'admin1234', description: '1-72 bytes' })
  @IsString()
  @ByteLength(1, BCRYPT_MAX_BYTES)
  password: string;
}

@ClosedSchema()
export class SuperadminLoginDto {
  @ApiProperty({ example: 'platform-root' })
  @IsString()
  @Length(1, 30)
  username: string;

  @ApiProperty({ description: '1-72 bytes' })
  @IsString()
  @ByteLength(1, BCRYPT_MAX_BYTES)
  password: string;
}
