import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import type { MenuRow } from '../menus.repository';
import { trim } from './category.dto';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

export const MAX_PRICE = 10_000_000;
export const MAX_OPTION_GROUPS_PER_MENU = 10;

/** UUIDs compare in lower case, as the database returns them. */
const lowerCaseIds = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((id: unknown) => (typeof id === 'string' ? id.toLowerCase() : id)) : value;

const OPTION_GROUP_IDS_DOC: {
  type: [StringConstructor];
  format: string;
  maxItems: number;
  description: string;
} = {
  type: [String],
  format: 'uuid',
  maxItems: MAX_OPTION_GROUPS_PER_MENU,
  description:
    'option groups of your store offered on this menu, each once, in the order the tablet shows them ' +
    '(unknown or foreign: 404 OPTION_GROUP_NOT_FOUND)',
};

/** Empty or blank descriptions are stored as absent (null), as clients show them. */
const trimDescription = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() || null : value;

@ClosedSchema()
export class CreateMenuDto {
  @ApiProperty({ format: 'uuid', description: 'a category of the caller store' })
  @IsUUID('all')
  categoryId: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Bibimbap', description: 'trimmed' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_PRICE, example: 9000, description: 'integer won' })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  price: number;

  @ApiPropertyOptional({
    type: String,
    maxLength: 1000,
    nullable: true,
    example: 'Rice with vegetables and egg',
  })
  @IsOptional()
  @Transform(trimDescription)
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'false = sold out; true when left out' })
  @ValidateIf((o: CreateMenuDto) => o.isAvailable !== undefined)
  @IsBoolean()
  isAvailable?: boolean;

  @ApiPropertyOptional({
    ...OPTION_GROUP_IDS_DOC,
    description: `${OPTION_GROUP_IDS_DOC.description}; none when left out`,
  })
  @ValidateIf((o: CreateMenuDto) => o.optionGroupIds !== undefined)
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(MAX_OPTION_GROUPS_PER_MENU)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  optionGroupIds?: string[];
}

/**
 * Any field of the create body; absent fields stay as they are. `description: null` clears the description;
 * null is refused for the other fields (@ValidateIf instead of @IsOptional, which would let null through).
 */
@ClosedSchema()
export class UpdateMenuDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'moving to another category appends the menu last there',
  })
  @ValidateIf((o: UpdateMenuDto) => o.categoryId !== undefined)
  @IsUUID('all')
  categoryId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @ValidateIf((o: UpdateMenuDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_PRICE, description: 'integer won' })
  @ValidateIf((o: UpdateMenuDto) => o.price !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  price?: number;

  @ApiPropertyOptional({ type: String, maxLength: 1000, nullable: true, description: 'null clears it' })
  @IsOptional()
  @Transform(trimDescription)
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'false = sold out' })
  @ValidateIf((o: UpdateMenuDto) => o.isAvailable !== undefined)
  @IsBoolean()
  isAvailable?: boolean;

  @ApiPropertyOptional({
    ...OPTION_GROUP_IDS_DOC,
    description: `${OPTION_GROUP_IDS_DOC.description}; replaces the list`,
  })
  @ValidateIf((o: UpdateMenuDto) => o.optionGroupIds !== undefined)
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(MAX_OPTION_GROUPS_PER_MENU)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  optionGroupIds?: string[];
}

export class ListMenusQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the menus of this category' })
  @IsOptional()
  @IsUUID('all')
  categoryId?: string;
}

@ClosedSchema()
export class ReorderMenusDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  categoryId: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'every menu of that category that is not deleted, each once, in the new order',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids: string[];
}

export class MenuDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) categoryId: string;
  @ApiProperty({ example: 'Bibimbap' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'integer', example: 9000, description: 'integer won' }) price: number;
  @ApiProperty({ type: String, nullable: true, example: '/uploads/4b0e…c1.jpg' }) imageUrl: string | null;
  @ApiProperty({ type: String, nullable: true, example: '/uploads/9d2f…7a.webp' }) thumbnailUrl:
    string | null;
  @ApiProperty({ description: 'false = sold out' }) isAvailable: boolean;
  @ApiProperty({ type: 'integer', example: 0 }) displayOrder: number;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'its option groups, in the order tablets show them',
  })
  optionGroupIds: string[];
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) updatedAt: string;
}

/** Multipart body of PUT /admin/menus/:id/image, for the OpenAPI document. */
export class MenuImageUploadDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'JPEG, PNG or WebP (by content), at most 5 MB',
  })
  image: unknown;
}

/** A menu row as the API shows it; `imageUrl` turns a stored image path into its public URL. */
export function toMenuDto(row: MenuRow, imageUrl: (path: string) => string): MenuDto {
  const groupIds = row.optionGroupIds;
  return {
    id: row.id,
    categoryId: row.categoryId,
    name: row.name,
    description: row.description ?? null,
    price: Number(row.price),
    imageUrl: row.imagePath ? imageUrl(row.imagePath) : null,
    thumbnailUrl: row.thumbnailPath ? imageUrl(row.thumbnailPath) : null,
    isAvailable: row.isAvailable,
    displayOrder: Number(row.displayOrder),
    optionGroupIds: typeof groupIds === 'string' ? (JSON.parse(groupIds) as string[]) : groupIds,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
