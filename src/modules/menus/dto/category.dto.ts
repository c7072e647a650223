import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsString, IsUUID, Length } from 'class-validator';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

export const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

@ClosedSchema()
export class CreateCategoryDto {
  @ApiProperty({ minLength: 1, maxLength: 50, example: 'Mains', description: 'unique in the store; trimmed' })
  @Transform(trim)
  @IsString()
  @Length(1, 50)
  name: string;
}

@ClosedSchema()
export class UpdateCategoryDto extends CreateCategoryDto {}

@ClosedSchema()
export class ReorderCategoriesDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'every category of the store, each once, in the new order',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids: string[];
}

export class CategoryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Mains' }) name: string;
  @ApiProperty({ type: 'integer', example: 0, description: '0, 1, 2, … in the order clients show' })
  displayOrder: number;
  @ApiProperty({ type: 'integer', example: 4, description: 'menus in the category that are not deleted' })
  menuCount: number;
}
