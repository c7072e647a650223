import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { CategoriesService } from './categories.service';
import { CategoryDto, CreateCategoryDto, ReorderCategoriesDto, UpdateCategoryDto } from './dto/category.dto';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';

const CATEGORY_NOT_FOUND = [ErrorCode.CATEGORY_NOT_FOUND, 'no such category in your store'] as const;
const DUPLICATE_NAME = [
  ErrorCode.DUPLICATE_CATEGORY_NAME,
  'another category of your store has this name',
] as const;

@ApiTags('menu (admin)')
@Controller(`${API_PREFIX}/admin/categories`)
export class CategoriesController {
  constructor(private readonly categories: CategoriesService) {}

  @Get()
  @Endpoint({
    operationId: 'listCategories',
    auth: 'admin',
    summary: 'Categories of your store by displayOrder, with their menu counts',
    success: { status: 200, type: [CategoryDto], description: 'the categories' },
  })
  list(@CurrentPrincipal() p: StorePrincipal): Promise<CategoryDto[]> {
    return this.categories.list(p.storeId);
  }

  @Post()
  @Endpoint({
    operationId: 'createCategory',
    auth: 'admin',
    summary: 'Create a category, appended last',
    jsonBody: true,
    success: { status: 201, type: CategoryDto, description: 'the new category' },
    errors: [DUPLICATE_NAME],
  })
  create(@CurrentPrincipal() p: StorePrincipal, @Body() dto: CreateCategoryDto): Promise<CategoryDto> {
    return this.categories.create(p.storeId, dto);
  }

  // Declared before the `:id` routes so that `order` is never taken for an id.
  @Put('order')
  @Endpoint({
    operationId: 'reorderCategories',
    auth: 'admin',
    summary: 'Reorder every category of your store; displayOrder becomes 0, 1, 2, …',
    jsonBody: true,
    success: { status: 200, type: [CategoryDto], description: 'the categories in their new order' },
    errors: [[ErrorCode.VALIDATION_ERROR, 'ids must list every category once']],
  })
  reorder(@CurrentPrincipal() p: StorePrincipal, @Body() dto: ReorderCategoriesDto): Promise<CategoryDto[]> {
    return this.categories.reorder(p.storeId, dto.ids);
  }

  @Patch(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'renameCategory',
    auth: 'admin',
    summary: 'Rename a category',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: CategoryDto, description: 'the renamed category' },
    errors: [CATEGORY_NOT_FOUND, DUPLICATE_NAME],
  })
  rename(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateCategoryDto,
  ): Promise<CategoryDto> {
    return this.categories.rename(p.storeId, id, dto);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @Endpoint({
    operationId: 'deleteCategory',
    auth: 'admin',
    summary: 'Delete a category that holds no menu',
    validates: true,
    success: { status: 204, description: 'deleted' },
    errors: [CATEGORY_NOT_FOUND, [ErrorCode.CATEGORY_NOT_EMPTY, 'it still holds menus']],
  })
  remove(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.categories.remove(p.storeId, id);
  }
}
