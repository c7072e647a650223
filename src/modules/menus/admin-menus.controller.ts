import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import {
  CreateMenuDto,
  ListMenusQueryDto,
  MenuDto,
  MenuImageUploadDto,
  ReorderMenusDto,
  UpdateMenuDto,
} from './dto/menu.dto';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { MenusService, type UploadedImage } from './menus.service';

/** API.md: an image is at most 5 MB = 5,242,880 bytes; one byte more is 413 PAYLOAD_TOO_LARGE (Multer's limit). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const MENU_NOT_FOUND = [ErrorCode.MENU_NOT_FOUND, 'no such menu in your store'] as const;
const CATEGORY_NOT_FOUND = [ErrorCode.CATEGORY_NOT_FOUND, 'no such category in your store'] as const;
const OPTION_GROUP_NOT_FOUND = [
  ErrorCode.OPTION_GROUP_NOT_FOUND,
  'an optionGroupIds entry that is not an option group of your store',
] as const;

@ApiTags('menu (admin)')
@Controller(`${API_PREFIX}/admin/menus`)
export class AdminMenusController {
  constructor(private readonly menus: MenusService) {}

  @Get()
  @Endpoint({
    operationId: 'listMenus',
    auth: 'admin',
    summary: 'Menus of your store (not deleted), by category order then displayOrder',
    validates: true,
    success: { status: 200, type: [MenuDto], description: 'the menus' },
    errors: [CATEGORY_NOT_FOUND],
  })
  list(@CurrentPrincipal() p: StorePrincipal, @Query() query: ListMenusQueryDto): Promise<MenuDto[]> {
    return this.menus.list(p.storeId, query.categoryId);
  }

  @Post()
  @Endpoint({
    operationId: 'createMenu',
    auth: 'admin',
    summary: 'Create a menu, appended last in its category',
    jsonBody: true,
    success: { status: 201, type: MenuDto, description: 'the new menu' },
    errors: [CATEGORY_NOT_FOUND, OPTION_GROUP_NOT_FOUND],
  })
  create(@CurrentPrincipal() p: StorePrincipal, @Body() dto: CreateMenuDto): Promise<MenuDto> {
    return this.menus.create(p.storeId, dto);
  }

  // Declared before the `:id` routes so that `order` is never taken for an id.
  @Put('order')
  @Endpoint({
    operationId: 'reorderMenus',
    auth: 'admin',
    summary: 'Reorder every menu of one category; displayOrder becomes 0, 1, 2, …',
    jsonBody: true,
    success: { status: 200, type: [MenuDto], description: 'the category’s menus in their new order' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'ids must list every menu of the category once'],
      CATEGORY_NOT_FOUND,
    ],
  })
  reorder(@CurrentPrincipal() p: StorePrincipal, @Body() dto: ReorderMenusDto): Promise<MenuDto[]> {
    return this.menus.reorder(p.storeId, dto.categoryId, dto.ids);
  }

  @Get(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'getMenuById',
    auth: 'admin',
    summary: 'One menu',
    validates: true,
    success: { status: 200, type: MenuDto, description: 'the menu' },
    errors: [MENU_NOT_FOUND],
  })
  get(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<MenuDto> {
    return this.menus.get(p.storeId, id);
  }

  @Patch(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'updateMenu',
    auth: 'admin',
    summary: 'Update any field; description:null clears it; a new categoryId appends the menu last there',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: MenuDto, description: 'the menu' },
    errors: [MENU_NOT_FOUND, CATEGORY_NOT_FOUND, OPTION_GROUP_NOT_FOUND],
  })
  update(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateMenuDto,
  ): Promise<MenuDto> {
    return this.menus.update(p.storeId, id, dto);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @Endpoint({
    operationId: 'deleteMenu',
    auth: 'admin',
    summary: 'Delete a menu (soft: orders and history keep their snapshots); its image goes',
    validates: true,
    success: { status: 204, description: 'deleted' },
    errors: [MENU_NOT_FOUND],
  })
  remove(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.menus.remove(p.storeId, id);
  }

  @Put(':id/image')
  @ApiUuidParam()
  @UseInterceptors(
    // No `dest`/`storage`: Multer keeps the file in memory (bounded by fileSize) for the byte check.
    FileInterceptor('image', {
      limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 10, parts: 20 },
    }),
  )
  @Endpoint({
    operationId: 'uploadMenuImage',
    auth: 'admin',
    summary: 'Set the image (JPEG, PNG or WebP by content, at most 5 MB); the old files are removed',
    description:
      'The upload is decoded in full, turned upright by its EXIF orientation and re-encoded without metadata into ' +
      'the display image (`imageUrl`: longest side at most 1600 px, never enlarged, same format) and a WebP ' +
      'thumbnail fitting 300 × 300 (`thumbnailUrl`), both under new names that are never reused. When the image ' +
      'storage cannot be written the answer is 503 SERVICE_UNAVAILABLE and the menu is unchanged.',
    validates: true,
    success: { status: 200, type: MenuDto, description: 'the menu with its new imageUrl and thumbnailUrl' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'malformed id, or no file in the field "image"'],
      MENU_NOT_FOUND,
      [ErrorCode.PAYLOAD_TOO_LARGE, 'image over 5 MB, or of more than 50 megapixels'],
      [
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'not a JPEG, PNG or WebP file by its bytes, or one that does not decode (truncated, corrupt)',
      ],
      [ErrorCode.SERVICE_UNAVAILABLE, 'the image storage could not be written; the menu is unchanged'],
    ],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: MenuImageUploadDto })
  setImage(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @UploadedFile() file: UploadedImage | undefined,
  ): Promise<MenuDto> {
    return this.menus.setImage(p.storeId, id, file);
  }

  @Delete(':id/image')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'deleteMenuImage',
    auth: 'admin',
    summary: 'Remove the image and its thumbnail',
    validates: true,
    success: { status: 200, type: MenuDto, description: 'the menu without an image' },
    errors: [MENU_NOT_FOUND],
  })
  removeImage(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<MenuDto> {
    return this.menus.removeImage(p.storeId, id);
  }
}
