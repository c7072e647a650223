import { ApiProperty } from '@nestjs/swagger';

export class MenuViewOptionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '곱빼기' }) name: string;
  @ApiProperty({ type: 'integer', example: 2000, description: 'won added to the menu price per unit' })
  price: number;
  @ApiProperty({ description: 'false = this choice is sold out: shown, but cannot be ordered' })
  isAvailable: boolean;
}

export class MenuViewOptionGroupDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '맵기' }) name: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'at least this many options per order line' })
  minSelect: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'at most this many options per order line' })
  maxSelect: number;
  @ApiProperty({
    type: [MenuViewOptionDto],
    description: 'by displayOrder',
    example: [
      { id: '3e0f6f88-8d61-4d61-a031-4c5d6e7f8091', name: '순한맛', price: 0, isAvailable: true },
      { id: '4f107099-9e72-4e72-b142-5d6e7f8091a2', name: '보통', price: 0, isAvailable: true },
      { id: '5021b1aa-af83-4f83-8253-6e7f8091a2b3', name: '매운맛', price: 0, isAvailable: true },
    ],
  })
  options: MenuViewOptionDto[];
}

export class MenuViewItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Bibimbap' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'integer', example: 9000, description: 'integer won' }) price: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '/uploads/4b0e…c1.jpg',
    description: 'the display image: longest side at most 1600 px, JPEG, PNG or WebP as uploaded',
  })
  imageUrl: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '/uploads/9d2f…7a.webp',
    description: 'WebP thumbnail for the menu grid: longest side at most 300 px',
  })
  thumbnailUrl: string | null;
  @ApiProperty({ description: 'false = sold out: shown, but cannot be ordered' }) isAvailable: boolean;
  @ApiProperty({ type: 'integer', example: 0 }) displayOrder: number;
  @ApiProperty({ type: [MenuViewOptionGroupDto], description: "in the menu's order; [] when none" })
  optionGroups: MenuViewOptionGroupDto[];
}

export class MenuViewCategoryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Mains' }) name: string;
  @ApiProperty({ type: 'integer', example: 0 }) displayOrder: number;
  @ApiProperty({ type: [MenuViewItemDto] }) items: MenuViewItemDto[];
}

export class MenuViewDto {
  @ApiProperty({
    type: [MenuViewCategoryDto],
    description:
      'by displayOrder; categories without a visible menu are left out; deleted menus never appear',
  })
  categories: MenuViewCategoryDto[];
}
