import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import {
  CreateOptionDto,
  CreateOptionGroupDto,
  OptionDto,
  OptionGroupDto,
  ReorderOptionsDto,
  UpdateOptionGroupDto,
} from './dto/option-group.dto';
import { DUPLICATE_OPTION_NAME } from './menu-errors';
import { OptionGroupsService } from './option-groups.service';

const GROUP_NOT_FOUND = [ErrorCode.OPTION_GROUP_NOT_FOUND, 'no such option group in your store'] as const;
const DUPLICATE_GROUP_NAME = [
  ErrorCode.DUPLICATE_OPTION_GROUP_NAME,
  'another option group of your store has this name',
] as const;

@ApiTags('menu options (admin)')
@Controller(`${API_PREFIX}/admin/option-groups`)
export class OptionGroupsController {
  constructor(private readonly groups: OptionGroupsService) {}

  @Get()
  @Endpoint({
    operationId: 'listOptionGroups',
    auth: 'admin',
    summary: 'Option groups of your store, oldest first, with their options',
    success: { status: 200, type: [OptionGroupDto], description: 'the option groups' },
  })
  list(@CurrentPrincipal() p: StorePrincipal): Promise<OptionGroupDto[]> {
    return this.groups.list(p.storeId);
  }

  @Post()
  @Endpoint({
    operationId: 'createOptionGroup',
    auth: 'admin',
    summary: 'Create an option group with its options (맵기: exactly 1 of 3; 토핑 추가: up to 3)',
    description:
      'minSelect..maxSelect options of the group must be chosen on an order line of a menu listing it ' +
      '(minSelect 0: optional). Options keep the given order (displayOrder 0, 1, 2, …).',
    jsonBody: true,
    success: { status: 201, type: OptionGroupDto, description: 'the new option group with its options' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'e.g. maxSelect < minSelect, two options with one name, 0 or 31 options'],
      DUPLICATE_GROUP_NAME,
    ],
  })
  @ApiBody({
    type: CreateOptionGroupDto,
    examples: {
      spice: {
        summary: '맵기: exactly one of three',
        value: {
          name: '맵기',
          minSelect: 1,
          maxSelect: 1,
          options: [
            { name: '순한맛', price: 0 },
            { name: '보통', price: 0 },
            { name: '매운맛', price: 0 },
          ],
        },
      },
      toppings: {
        summary: '토핑 추가: up to three, each with its price',
        value: {
          name: '토핑 추가',
          minSelect: 0,
          maxSelect: 3,
          options: [
            { name: '치즈', price: 1000 },
            { name: '계란', price: 500 },
            { name: '햄', price: 1500, isAvailable: false },
          ],
        },
      },
      size: {
        summary: '사이즈: 보통 or 곱빼기 (+2,000원)',
        value: {
          name: '사이즈',
          minSelect: 1,
          maxSelect: 1,
          options: [
            { name: '보통', price: 0 },
            { name: '곱빼기', price: 2000 },
          ],
        },
      },
    },
  })
  create(@CurrentPrincipal() p: StorePrincipal, @Body() dto: CreateOptionGroupDto): Promise<OptionGroupDto> {
    return this.groups.create(p.storeId, dto);
  }

  @Get(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'getOptionGroup',
    auth: 'admin',
    summary: 'One option group',
    validates: true,
    success: { status: 200, type: OptionGroupDto, description: 'the option group with its options' },
    errors: [GROUP_NOT_FOUND],
  })
  get(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<OptionGroupDto> {
    return this.groups.get(p.storeId, id);
  }

  @Patch(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'updateOptionGroup',
    auth: 'admin',
    summary: 'Rename a group or change its selection range (minSelect <= maxSelect must hold)',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: OptionGroupDto, description: 'the option group with its options' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'e.g. maxSelect < minSelect, with the values given or kept'],
      GROUP_NOT_FOUND,
      DUPLICATE_GROUP_NAME,
    ],
  })
  update(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateOptionGroupDto,
  ): Promise<OptionGroupDto> {
    return this.groups.update(p.storeId, id, dto);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @Endpoint({
    operationId: 'deleteOptionGroup',
    auth: 'admin',
    summary: 'Delete a group: it leaves every menu; orders and history keep their snapshots',
    validates: true,
    success: { status: 204, description: 'deleted' },
    errors: [GROUP_NOT_FOUND],
  })
  remove(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.groups.remove(p.storeId, id);
  }

  @Post(':id/options')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'addOption',
    auth: 'admin',
    summary: 'Add an option to the group, appended last (at most 30 per group)',
    validates: true,
    jsonBody: true,
    success: { status: 201, type: OptionDto, description: 'the new option' },
    errors: [[ErrorCode.VALIDATION_ERROR, 'also for a 31st option'], GROUP_NOT_FOUND, DUPLICATE_OPTION_NAME],
  })
  addOption(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: CreateOptionDto,
  ): Promise<OptionDto> {
    return this.groups.addOption(p.storeId, id, dto);
  }

  @Put(':id/options/order')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'reorderOptions',
    auth: 'admin',
    summary: 'Reorder every option of the group; displayOrder becomes 0, 1, 2, …',
    validates: true,
    jsonBody: true,
    success: {
      status: 200,
      type: OptionGroupDto,
      description: 'the option group, its options in their new order',
    },
    errors: [[ErrorCode.VALIDATION_ERROR, 'ids must list every option of the group once'], GROUP_NOT_FOUND],
  })
  reorderOptions(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: ReorderOptionsDto,
  ): Promise<OptionGroupDto> {
    return this.groups.reorderOptions(p.storeId, id, dto.ids);
  }
}
