import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type TablePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderDto } from './dto/order.dto';
import { TableOrdersDto } from './dto/table-orders.dto';
import { OrderPlacementService } from './order-placement.service';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller(`${API_PREFIX}/orders`)
export class OrdersController {
  constructor(
    private readonly placement: OrderPlacementService,
    private readonly orders: OrdersService,
  ) {}

  @Post()
  @Endpoint({
    operationId: 'placeOrder',
    auth: 'table',
    summary: 'Place an order for the calling table',
    description:
      'Snapshots each menu’s name and price and the chosen options (group name, name, price) with the notes; a ' +
      'line’s unitPrice is the menu price plus its options. Computes the total, starts the table’s session when none is active ' +
      'and numbers the order per store and business day (Asia/Seoul). With an Idempotency-Key (scoped to the table, ' +
      'kept 24 h) a retry with the same body gets the first response again with `Idempotent-Replayed: true`.',
    jsonBody: true,
    success: {
      status: 201,
      type: OrderDto,
      description: 'the order (or, replayed, the first response to this key)',
      headers: {
        'Idempotent-Replayed': {
          description: '`true` on a replayed response',
          schema: { type: 'string', enum: ['true'] },
        },
      },
    },
    errors: [
      [ErrorCode.IDEMPOTENCY_KEY_INVALID, 'the header is empty, over 255 characters or not visible ASCII'],
      [
        ErrorCode.OPTION_SELECTION_INVALID,
        'an option the line’s menu does not offer, one option twice, too few or too many in a group; detail names items.N and the group',
      ],
      [ErrorCode.MENU_NOT_FOUND, 'unknown, deleted or another store’s'],
      [ErrorCode.OPTION_NOT_FOUND, 'unknown or another store’s'],
      [ErrorCode.TABLE_NOT_FOUND, 'the table was deleted while its token was still accepted'],
      [ErrorCode.MENU_UNAVAILABLE, 'sold out'],
      [ErrorCode.OPTION_UNAVAILABLE, 'a sold-out option'],
      [ErrorCode.IDEMPOTENCY_KEY_IN_USE, 'the first request with this key is still running'],
      [ErrorCode.IDEMPOTENCY_KEY_REUSED, 'same key, other body'],
    ],
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 characters of visible ASCII (0x21-0x7E)',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' },
  })
  @ApiBody({
    type: CreateOrderDto,
    examples: {
      withOptions: {
        summary: '김치찌개 매운맛 + 치즈, two 공기밥, notes',
        value: {
          items: [
            {
              menuId: '6b56d711-5c04-4797-99c5-0618d012bb3c',
              quantity: 1,
              optionIds: ['5021b1aa-af83-4f83-8253-6e7f8091a2b3', '0b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e'],
              note: '덜 맵게 해주세요',
            },
            { menuId: 'fca7c435-0bbc-4468-9bd9-d13962eeb03b', quantity: 2 },
          ],
          note: '아이 의자 하나 부탁드려요',
        },
      },
      plain: {
        summary: 'menus without options',
        value: { items: [{ menuId: 'fca7c435-0bbc-4468-9bd9-d13962eeb03b', quantity: 2 }] },
      },
    },
  })
  async place(
    @CurrentPrincipal() principal: TablePrincipal,
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrderDto> {
    const result = await this.placement.place(principal, body, idempotencyKey);
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get()
  @Endpoint({
    operationId: 'listTableOrders',
    auth: 'table',
    summary: 'The calling table’s orders in its active session, oldest first',
    success: {
      status: 200,
      type: TableOrdersDto,
      description: 'the active session (or null) and its orders',
    },
  })
  tableOrders(@CurrentPrincipal() principal: TablePrincipal): Promise<TableOrdersDto> {
    return this.orders.tableOrders(principal);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @Endpoint({
    operationId: 'cancelOrder',
    auth: 'table',
    summary: 'Cancel one of the calling table’s own orders while it is PENDING',
    description:
      'Exactly as an admin deletion: gone from every list, the total drops, `order_deleted` is sent, and the audit ' +
      'records that the table did it. Once the kitchen moved it to PREPARING (or COMPLETED) it is 409.',
    validates: true,
    success: { status: 204, description: 'cancelled' },
    errors: [
      [ErrorCode.ORDER_NOT_FOUND, 'another table’s order, or one already archived by 이용 완료'],
      [ErrorCode.ORDER_NOT_CANCELLABLE, 'PREPARING or COMPLETED'],
    ],
  })
  cancel(@CurrentPrincipal() principal: TablePrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.orders.cancel(principal, id);
  }
}
