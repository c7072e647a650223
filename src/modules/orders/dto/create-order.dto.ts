import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsObject,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class OrderLineDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  menuId: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 2 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}

export class CreateOrderDto {
  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: 50, description: 'a menu at most once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique(
    (line: OrderLineDto) => (typeof line?.menuId === 'string' ? line.menuId.toLowerCase() : line),
    {
      message: 'must not contain the same menu twice',
    },
  )
  // ValidateNested accepts an array as a line (`items: [[]]`) and validates nothing in it: each line must be an object.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items: OrderLineDto[];
}
