import { ApiProperty } from '@nestjs/swagger';

export class MenuViewItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Bibimbap' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'integer', example: 9000, description: 'integer won' }) price: number;
  @ApiProperty({ type: String, nullable: true, example: '/uploads/4b0e…c1.jpg' }) imageUrl: string | null;
  @ApiProperty({ description: 'false = sold out: shown, but cannot be ordered' }) isAvailable: boolean;
  @ApiProperty({ type: 'integer', example: 0 }) displayOrder: number;
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
