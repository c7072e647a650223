import { ApiProperty } from '@nestjs/swagger';

export const ORDER_STATUSES = ['PENDING', 'PREPARING', 'COMPLETED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export class OrderItemDto {
  @ApiProperty({ format: 'uuid' }) menuId: string;
  @ApiProperty({ example: '김치찌개', description: 'menu name when the order was placed (snapshot)' })
  menuName: string;
  @ApiProperty({
    type: 'integer',
    example: 9000,
    description: 'won, price when the order was placed (snapshot)',
  })
  unitPrice: number;
  @ApiProperty({ type: 'integer', example: 2, minimum: 1, maximum: 100 }) quantity: number;
  @ApiProperty({ type: 'integer', example: 18000, description: 'unitPrice × quantity, won' })
  subtotal: number;
}

/** API.md's Order, for live orders and archived ones (history) alike. */
export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    type: 'integer',
    example: 42,
    description: 'per store and business day (Asia/Seoul), from 1',
  })
  orderNumber: number;
  @ApiProperty({ format: 'uuid' }) tableId: string;
  @ApiProperty({ type: 'integer', example: 3 }) tableNumber: number;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ enum: ORDER_STATUSES, example: 'PENDING' }) status: OrderStatus;
  @ApiProperty({ type: [OrderItemDto], description: 'in the order they were sent' }) items: OrderItemDto[];
  @ApiProperty({ type: 'integer', example: 27000, description: 'won, computed by the server' })
  totalAmount: number;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:31:00.000Z' }) updatedAt: string;
}

/**
 * One order line as stored: order_items rows, and order_history.items (jsonb, the same four fields in line
 * order), so live and archived orders map through the same function.
 */
export interface OrderLineSnapshot {
  menuId: string;
  menuName: string;
  unitPrice: number;
  quantity: number;
}

export interface OrderSnapshot {
  id: string;
  orderNumber: number;
  tableId: string;
  tableNumber: number;
  sessionId: string;
  status: string;
  items: OrderLineSnapshot[];
  createdAt: Date | string;
  updatedAt: Date | string;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

/** Builds the response shape; subtotals and the total are derived from the snapshot lines. */
export function toOrderDto(order: OrderSnapshot): OrderDto {
  const items = order.items.map((line) => ({
    menuId: line.menuId,
    menuName: line.menuName,
    unitPrice: Number(line.unitPrice),
    quantity: Number(line.quantity),
    subtotal: Number(line.unitPrice) * Number(line.quantity),
  }));
  return {
    id: order.id,
    orderNumber: Number(order.orderNumber),
    tableId: order.tableId,
    tableNumber: Number(order.tableNumber),
    sessionId: order.sessionId,
    status: order.status as OrderStatus,
    items,
    totalAmount: items.reduce((sum, line) => sum + line.subtotal, 0),
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
  };
}
