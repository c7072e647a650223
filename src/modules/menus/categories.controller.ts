import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { CategoriesService } from './categories.service';
import { CategoryDto, CreateCategoryDto, ReorderCategoriesDto, UpdateCategoryDto } from './dto/category.dto';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';

const BAD_REQUEST = { type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' };
const NOT_FOUND = {
  type: ErrorEnvelopeDto,
  description: 'CATEGORY_NOT_FOUND: no such category in your store',
};

@ApiTags('menu (admin)')
@Auth('admin')
@Controller(`${API_PREFIX}/admin/categories`)
export class CategoriesController {
  constructor(private readonly categories: CategoriesService) {}

  @Get()
  @ApiOperation({ summary: 'Categories of your store by displayOrder, with their menu counts' })
  @ApiOkResponse({ type: [CategoryDto] })
  list(@CurrentPrincipal() p: StorePrincipal): Promise<CategoryDto[]> {
    return this.categories.list(p.storeId);
  }

  @Post()
  @ApiOperation({ summary: 'Create a category, appended last' })
  @ApiCreatedResponse({ type: CategoryDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'DUPLICATE_CATEGORY_NAME' })
  create(@CurrentPrincipal() p: StorePrincipal, @Body() dto: CreateCategoryDto): Promise<CategoryDto> {
    return this.categories.create(p.storeId, dto);
  }

  // Declared before the `:id` routes so that `order` is never taken for an id.
  @Put('order')
  @ApiOperation({ summary: 'Reorder every category of your store; displayOrder becomes 0, 1, 2, …' })
  @ApiOkResponse({ type: [CategoryDto] })
  @ApiBadRequestResponse({
    ...BAD_REQUEST,
    description: 'VALIDATION_ERROR: ids must list every category once',
  })
  reorder(@CurrentPrincipal() p: StorePrincipal, @Body() dto: ReorderCategoriesDto): Promise<CategoryDto[]> {
    return this.categories.reorder(p.storeId, dto.ids);
  }

  @Patch(':id')
  @ApiUuidParam()
  @ApiOperation({ summary: 'Rename a category' })
  @ApiOkResponse({ type: CategoryDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'DUPLICATE_CATEGORY_NAME' })
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
  @ApiOperation({ summary: 'Delete a category that holds no menu' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'CATEGORY_NOT_EMPTY: it still holds menus' })
  remove(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.categories.remove(p.storeId, id);
  }
}
