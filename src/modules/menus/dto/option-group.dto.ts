import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { OptionGroupRow, OptionRow } from '../option-groups.repository';
import { trim } from './category.dto';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

export const MAX_OPTION_PRICE = 1_000_000;
export const MAX_OPTIONS_PER_GROUP = 30;
export const MAX_SELECT = 20;

@ClosedSchema()
export class CreateOptionDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 50,
    example: '매운맛',
    description: 'unique in its group; trimmed',
  })
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  name: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_OPTION_PRICE,
    example: 0,
    description: 'integer won added to the menu price per unit',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_OPTION_PRICE)
  price: number;

  @ApiPropertyOptional({ description: 'false = this choice is sold out; true when left out' })
  @ValidateIf((o: CreateOptionDto) => o.isAvailable !== undefined)
  @IsBoolean()
  isAvailable?: boolean;
}

/** Any field of the create body; absent fields stay as they are. */
@ClosedSchema()
export class UpdateOptionDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 50, description: 'unique in its group; trimmed' })
  @ValidateIf((o: UpdateOptionDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_OPTION_PRICE, description: 'integer won' })
  @ValidateIf((o: UpdateOptionDto) => o.price !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_OPTION_PRICE)
  price?: number;

  @ApiPropertyOptional({ description: 'false = this choice is sold out' })
  @ValidateIf((o: UpdateOptionDto) => o.isAvailable !== undefined)
  @IsBoolean()
  isAvailable?: boolean;
}

const optionName = (o: unknown): unknown =>
  typeof o === 'object' && o !== null && typeof (o as { name?: unknown }).name === 'string'
    ? (o as { name: string }).name
    : o;

@ClosedSchema()
export class CreateOptionGroupDto {
  @ApiProperty({ minLength: 1, maxLength: 50, example: '맵기', description: 'unique in the store; trimmed' })
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  name: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_SELECT,
    example: 1,
    description: 'options a line must choose from this group (0: optional)',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_SELECT)
  minSelect: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_SELECT,
    example: 1,
    description: 'options a line may choose from this group; >= minSelect',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_SELECT)
  maxSelect: number;

  @ApiProperty({
    type: [CreateOptionDto],
    minItems: 1,
    maxItems: MAX_OPTIONS_PER_GROUP,
    description: 'names unique in the group; displayOrder 0, 1, 2, … in this order',
    example: [
      { name: '순한맛', price: 0 },
      { name: '보통', price: 0 },
      { name: '매운맛', price: 0 },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OPTIONS_PER_GROUP)
  @ArrayUnique(optionName, { message: 'must not contain two options with the same name' })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CreateOptionDto)
  options: CreateOptionDto[];
}

/** Any of name, minSelect, maxSelect; the resulting minSelect <= maxSelect must hold (else 400). */
@ClosedSchema()
export class UpdateOptionGroupDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 50, description: 'unique in the store; trimmed' })
  @ValidateIf((o: UpdateOptionGroupDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SELECT })
  @ValidateIf((o: UpdateOptionGroupDto) => o.minSelect !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_SELECT)
  minSelect?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SELECT })
  @ValidateIf((o: UpdateOptionGroupDto) => o.maxSelect !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_SELECT)
  maxSelect?: number;
}

@ClosedSchema()
export class ReorderOptionsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'every option of the group, each once, in the new order',
  })
  @IsArray()
  @ArrayMaxSize(MAX_OPTIONS_PER_GROUP)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids: string[];
}

export class OptionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '곱빼기' }) name: string;
  @ApiProperty({ type: 'integer', example: 2000, description: 'won added to the menu price per unit' })
  price: number;
  @ApiProperty({ description: 'false = this choice is sold out' }) isAvailable: boolean;
  @ApiProperty({ type: 'integer', example: 1, description: '0, 1, 2, … within the group' })
  displayOrder: number;
}

export class OptionGroupDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '토핑 추가' }) name: string;
  @ApiProperty({ type: 'integer', example: 0 }) minSelect: number;
  @ApiProperty({ type: 'integer', example: 3 }) maxSelect: number;
  @ApiProperty({
    type: [OptionDto],
    description: 'by displayOrder',
    example: [
      {
        id: '0b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e',
        name: '치즈',
        price: 1000,
        isAvailable: true,
        displayOrder: 0,
      },
      {
        id: '1c8d4d66-6b4f-4b4f-8e1f-2a3b4c5d6e7f',
        name: '계란',
        price: 500,
        isAvailable: true,
        displayOrder: 1,
      },
      {
        id: '2d9e5e77-7c50-4c50-9f20-3b4c5d6e7f80',
        name: '햄',
        price: 1500,
        isAvailable: false,
        displayOrder: 2,
      },
    ],
  })
  options: OptionDto[];
  @ApiProperty({ type: 'integer', example: 4, description: 'menus (not deleted) that list the group' })
  menuCount: number;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) updatedAt: string;
}

export function toOptionDto(row: Omit<OptionRow, 'groupId'>): OptionDto {
  return {
    id: row.id,
    name: row.name,
    price: Number(row.price),
    isAvailable: row.isAvailable,
    displayOrder: Number(row.displayOrder),
  };
}

export function toOptionGroupDto(row: OptionGroupRow): OptionGroupDto {
  const options = typeof row.options === 'string' ? (JSON.parse(row.options) as OptionRow[]) : row.options;
  return {
    id: row.id,
    name: row.name,
    minSelect: Number(row.minSelect),
    maxSelect: Number(row.maxSelect),
    options: options.map(toOptionDto),
    menuCount: Number(row.menuCount),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
