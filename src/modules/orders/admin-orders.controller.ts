import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AdminPrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { AdminOrdersQueryDto } from './dto/admin-orders-query.dto';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { OrderDto } from './dto/order.dto';
import { UpdateOrderStatusDto } from './dto/update-order-status.dto';
import { OrdersService } from './orders.service';

const ORDER_NOT_FOUND = [
  ErrorCode.ORDER_NOT_FOUND,
  'no such live order in your store (also once archived by 이용 완료 or deleted)',
] as const;

@ApiTags('admin orders')
@Controller(`${API_PREFIX}/admin/orders`)
export class AdminOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @Endpoint({
    operationId: 'listOrders',
    auth: 'admin',
    summary: 'Orders of the store’s active sessions, newest first',
    description: 'Completed sessions’ orders are in the tables’ history instead.',
    validates: true,
    success: { status: 200, type: [OrderDto], description: 'the live orders' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'tableId not a UUID, unknown status'],
      [ErrorCode.TABLE_NOT_FOUND, 'tableId is not a table of this store'],
    ],
  })
  list(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() query: AdminOrdersQueryDto,
  ): Promise<OrderDto[]> {
    return this.orders.list(principal, query);
  }

  @Get(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'getOrder',
    auth: 'admin',
    summary: 'One live order',
    validates: true,
    success: { status: 200, type: OrderDto, description: 'the order' },
    errors: [ORDER_NOT_FOUND],
  })
  get(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
  ): Promise<OrderDto> {
    return this.orders.get(principal, id);
  }

  @Patch(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'updateOrderStatus',
    auth: 'admin',
    summary: 'Move an order forward: PENDING → PREPARING → COMPLETED (PENDING → COMPLETED allowed)',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: OrderDto, description: 'the order with its new status' },
    errors: [
      ORDER_NOT_FOUND,
      [ErrorCode.INVALID_STATUS_TRANSITION, 'backwards, or the status it already has'],
    ],
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
  @Endpoint({
    operationId: 'deleteOrder',
    auth: 'admin',
    summary: 'Delete an order',
    description:
      'The table total drops; the order leaves every list and history and is kept for audit (who, when).',
    validates: true,
    success: { status: 204, description: 'deleted' },
    errors: [ORDER_NOT_FOUND],
  })
  delete(@CurrentPrincipal() principal: AdminPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.orders.delete(principal, id);
  }
}
