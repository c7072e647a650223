import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type AdminPrincipal } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { AdminOrdersQueryDto } from './dto/admin-orders-query.dto';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { OrderDto } from './dto/order.dto';
import { UpdateOrderStatusDto } from './dto/update-order-status.dto';
import { OrdersService } from './orders.service';

@ApiTags('admin orders')
@Auth('admin')
@Controller(`${API_PREFIX}/admin/orders`)
export class AdminOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @ApiOperation({
    summary: 'Orders of the store’s active sessions, newest first',
    description: 'Completed sessions’ orders are in the tables’ history instead.',
  })
  @ApiOkResponse({ type: [OrderDto] })
  @ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description: 'VALIDATION_ERROR (tableId not a UUID, unknown status)',
  })
  @ApiNotFoundResponse({
    type: ErrorEnvelopeDto,
    description: 'TABLE_NOT_FOUND: tableId is not a table of this store',
  })
  list(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() query: AdminOrdersQueryDto,
  ): Promise<OrderDto[]> {
    return this.orders.list(principal, query);
  }

  @Get(':id')
  @ApiUuidParam()
  @ApiOperation({ summary: 'One live order' })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({
    type: ErrorEnvelopeDto,
    description: 'ORDER_NOT_FOUND (also once archived or deleted)',
  })
  get(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
  ): Promise<OrderDto> {
    return this.orders.get(principal, id);
  }

  @Patch(':id')
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Move an order forward: PENDING → PREPARING → COMPLETED (PENDING → COMPLETED allowed)',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'ORDER_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorEnvelopeDto,
    description: 'INVALID_STATUS_TRANSITION: backwards, or the status it already has',
  })
  updateStatus(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateOrderStatusDto,
  ): Promise<OrderDto> {
    return this.orders.updateStatus(principal, id, body.status);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an order',
    description:
      'The table total drops; the order leaves every list and history and is kept for audit (who, when).',
  })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'ORDER_NOT_FOUND' })
  delete(@CurrentPrincipal() principal: AdminPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.orders.delete(principal, id);
  }
}
