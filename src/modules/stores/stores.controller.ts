import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
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

const STORE_NOT_FOUND = [ErrorCode.STORE_NOT_FOUND, 'no such store'] as const;

@ApiTags('platform')
@Controller(`${API_PREFIX}/platform`)
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Post('stores')
  @Endpoint({
    operationId: 'createStore',
    auth: 'superadmin',
    summary: 'Create a store',
    jsonBody: true,
    success: { status: 201, type: StoreDto, description: 'the new store' },
    errors: [[ErrorCode.CONFLICT, 'a store with this code exists']],
  })
  createStore(@Body() dto: CreateStoreDto): Promise<StoreDto> {
    return this.stores.createStore(dto);
  }

  @Get('stores')
  @Endpoint({
    operationId: 'listStores',
    auth: 'superadmin',
    summary: 'List every store',
    success: { status: 200, type: [StoreDto], description: 'every store' },
  })
  listStores(): Promise<StoreDto[]> {
    return this.stores.listStores();
  }

  @Post('stores/:storeId/admins')
  @ApiUuidParam('storeId')
  @Endpoint({
    operationId: 'createAdmin',
    auth: 'superadmin',
    summary: 'Create an admin account for a store (active, password 8-72 bytes)',
    validates: true,
    jsonBody: true,
    success: { status: 201, type: CreatedAdminDto, description: 'the new admin' },
    errors: [STORE_NOT_FOUND, [ErrorCode.CONFLICT, 'an admin with this username exists in the store']],
  })
  createAdmin(
    @Param('storeId', uuidParam('storeId')) storeId: string,
    @Body() dto: CreateAdminDto,
  ): Promise<CreatedAdminDto> {
    return this.stores.createAdmin(storeId, dto);
  }

  @Get('stores/:storeId/admins')
  @ApiUuidParam('storeId')
  @Endpoint({
    operationId: 'listAdmins',
    auth: 'superadmin',
    summary: "List a store's admins",
    validates: true,
    success: { status: 200, type: [AdminDto], description: 'the store’s admins' },
    errors: [STORE_NOT_FOUND],
  })
  listAdmins(@Param('storeId', uuidParam('storeId')) storeId: string): Promise<AdminDto[]> {
    return this.stores.listAdmins(storeId);
  }

  @Patch('admins/:adminId')
  @ApiUuidParam('adminId')
  @Endpoint({
    operationId: 'updateAdmin',
    auth: 'superadmin',
    summary: 'Activate or deactivate an admin; deactivation revokes their tokens within 60 s',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: AdminDto, description: 'the admin' },
    errors: [[ErrorCode.ADMIN_NOT_FOUND, 'no such store admin']],
  })
  updateAdmin(
    @Param('adminId', uuidParam('adminId')) adminId: string,
    @Body() dto: UpdateAdminDto,
  ): Promise<AdminDto> {
    return this.stores.setAdminActive(adminId, dto.isActive);
  }
}
