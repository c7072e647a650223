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
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
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

const BAD_REQUEST = { type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' };
const MENU_NOT_FOUND = { type: ErrorEnvelopeDto, description: 'MENU_NOT_FOUND: no such menu in your store' };
const CATEGORY_NOT_FOUND = {
  type: ErrorEnvelopeDto,
  description: 'CATEGORY_NOT_FOUND: no such category in your store',
};

@ApiTags('menu (admin)')
@Auth('admin')
@Controller(`${API_PREFIX}/admin/menus`)
export class MenusController {
  constructor(private readonly menus: MenusService) {}

  @Get()
  @ApiOperation({ summary: 'Menus of your store (not deleted), by category order then displayOrder' })
  @ApiOkResponse({ type: [MenuDto] })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(CATEGORY_NOT_FOUND)
  list(@CurrentPrincipal() p: StorePrincipal, @Query() query: ListMenusQueryDto): Promise<MenuDto[]> {
    return this.menus.list(p.storeId, query.categoryId);
  }

  @Post()
  @ApiOperation({ summary: 'Create a menu, appended last in its category' })
  @ApiCreatedResponse({ type: MenuDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(CATEGORY_NOT_FOUND)
  create(@CurrentPrincipal() p: StorePrincipal, @Body() dto: CreateMenuDto): Promise<MenuDto> {
    return this.menus.create(p.storeId, dto);
  }

  // Declared before the `:id` routes so that `order` is never taken for an id.
  @Put('order')
  @ApiOperation({ summary: 'Reorder every menu of one category; displayOrder becomes 0, 1, 2, …' })
  @ApiOkResponse({ type: [MenuDto] })
  @ApiBadRequestResponse({ ...BAD_REQUEST, description: 'VALIDATION_ERROR: ids must list every menu once' })
  @ApiNotFoundResponse(CATEGORY_NOT_FOUND)
  reorder(@CurrentPrincipal() p: StorePrincipal, @Body() dto: ReorderMenusDto): Promise<MenuDto[]> {
    return this.menus.reorder(p.storeId, dto.categoryId, dto.ids);
  }

  @Get(':id')
  @ApiUuidParam()
  @ApiOperation({ summary: 'One menu' })
  @ApiOkResponse({ type: MenuDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(MENU_NOT_FOUND)
  get(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<MenuDto> {
    return this.menus.get(p.storeId, id);
  }

  @Patch(':id')
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Update any field; description:null clears it; a new categoryId appends the menu last there',
  })
  @ApiOkResponse({ type: MenuDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'MENU_NOT_FOUND or CATEGORY_NOT_FOUND' })
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
  @ApiOperation({ summary: 'Delete a menu (soft: orders and history keep their snapshots); its image goes' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(MENU_NOT_FOUND)
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
  @ApiOperation({
    summary: 'Set the image (JPEG, PNG or WebP by content, at most 5 MB); the old files are removed',
    description:
      'The upload is decoded in full, turned upright by its EXIF orientation and re-encoded without metadata into ' +
      'the display image (`imageUrl`: longest side at most 1600 px, never enlarged, same format) and a WebP ' +
      'thumbnail fitting 300 × 300 (`thumbnailUrl`), both under new names that are never reused.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: MenuImageUploadDto })
  @ApiOkResponse({ type: MenuDto })
  @ApiBadRequestResponse({ ...BAD_REQUEST, description: 'VALIDATION_ERROR: no file in the field "image"' })
  @ApiNotFoundResponse(MENU_NOT_FOUND)
  @ApiPayloadTooLargeResponse({
    type: ErrorEnvelopeDto,
    description: 'PAYLOAD_TOO_LARGE: over 5 MB, or an image of more than 50 megapixels',
  })
  @ApiUnsupportedMediaTypeResponse({
    type: ErrorEnvelopeDto,
    description:
      'UNSUPPORTED_MEDIA_TYPE: not a JPEG, PNG or WebP file by its bytes, or one that does not decode (truncated, corrupt)',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorEnvelopeDto,
    description: 'SERVICE_UNAVAILABLE: the image storage could not be written; the menu is unchanged',
  })
  setImage(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @UploadedFile() file: UploadedImage | undefined,
  ): Promise<MenuDto> {
    return this.menus.setImage(p.storeId, id, file);
  }

  @Delete(':id/image')
  @ApiUuidParam()
  @ApiOperation({ summary: 'Remove the image and its thumbnail' })
  @ApiOkResponse({ type: MenuDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(MENU_NOT_FOUND)
  removeImage(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<MenuDto> {
    return this.menus.removeImage(p.storeId, id);
  }
}
