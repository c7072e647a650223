import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import {
  AdminDto,
  CreateAdminDto,
  CreatedAdminDto,
  CreateStoreDto,
  StoreDto,
  UpdateAdminDto,
} from './dto/stores.dto';
import { StoresService } from './stores.service';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';

@ApiTags('platform')
@Auth('superadmin')
@ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
@Controller(`${API_PREFIX}/platform`)
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Post('stores')
  @ApiOperation({ summary: 'Create a store' })
  @ApiCreatedResponse({ type: StoreDto })
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'CONFLICT: a store with this code exists' })
  createStore(@Body() dto: CreateStoreDto): Promise<StoreDto> {
    return this.stores.createStore(dto);
  }

  @Get('stores')
  @ApiOperation({ summary: 'List every store' })
  @ApiOkResponse({ type: [StoreDto] })
  listStores(): Promise<StoreDto[]> {
    return this.stores.listStores();
  }

  @Post('stores/:storeId/admins')
  @ApiUuidParam('storeId')
  @ApiOperation({ summary: 'Create an admin account for a store (active, password 8-72 bytes)' })
  @ApiCreatedResponse({ type: CreatedAdminDto })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'STORE_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorEnvelopeDto,
    description: 'CONFLICT: an admin with this username exists in the store',
  })
  createAdmin(
    @Param('storeId', uuidParam('storeId')) storeId: string,
    @Body() dto: CreateAdminDto,
  ): Promise<CreatedAdminDto> {
    return this.stores.createAdmin(storeId, dto);
  }

  @Get('stores/:storeId/admins')
  @ApiUuidParam('storeId')
  @ApiOperation({ summary: "List a store's admins" })
  @ApiOkResponse({ type: [AdminDto] })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'STORE_NOT_FOUND' })
  listAdmins(@Param('storeId', uuidParam('storeId')) storeId: string): Promise<AdminDto[]> {
    return this.stores.listAdmins(storeId);
  }

  @Patch('admins/:adminId')
  @ApiUuidParam('adminId')
  @ApiOperation({
    summary: 'Activate or deactivate an admin; deactivation revokes their tokens within 60 s',
  })
  @ApiOkResponse({ type: AdminDto })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'ADMIN_NOT_FOUND' })
  updateAdmin(
    @Param('adminId', uuidParam('adminId')) adminId: string,
    @Body() dto: UpdateAdminDto,
  ): Promise<AdminDto> {
    return this.stores.setAdminActive(adminId, dto.isActive);
  }
}
