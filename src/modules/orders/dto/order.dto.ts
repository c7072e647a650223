import { ApiProperty } from '@nestjs/swagger';

export const ORDER_STATUSES = ['PENDING', 'PREPARING', 'COMPLETED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export class OrderItemOptionDto {
  @ApiProperty({ format: 'uuid' }) optionId: string;
  @ApiProperty({
    example: '맵기',
    description: "the option's group name when the order was placed (snapshot)",
  })
  groupName: string;
  @ApiProperty({ example: '매운맛', description: 'option name when the order was placed (snapshot)' })
  name: string;
  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'won added per unit when the order was placed (snapshot)',
  })
  price: number;
}

export class OrderItemDto {
  @ApiProperty({ format: 'uuid' }) menuId: string;
  @ApiProperty({ example: '김치찌개', description: 'menu name when the order was placed (snapshot)' })
  menuName: string;
  @ApiProperty({
    type: 'integer',
    example: 9000,
    description: 'won, the menu price when the order was placed (snapshot)',
  })
  menuPrice: number;
  @ApiProperty({
    type: [OrderItemOptionDto],
    description: "the chosen options, in the menu's group order then each group's option order; [] when none",
    example: [
      { optionId: '5021b1aa-af83-4f83-8253-6e7f8091a2b3', groupName: '맵기', name: '매운맛', price: 0 },
      { optionId: '0b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e', groupName: '토핑 추가', name: '치즈', price: 1000 },
    ],
  })
  options: OrderItemOptionDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '덜 맵게 해주세요',
    description: 'line note; null when none',
  })
  note: string | null;
  @ApiProperty({
    type: 'integer',
    example: 10000,
    description: 'won per unit: menuPrice plus the prices of the options (snapshot)',
  })
  unitPrice: number;
  @ApiProperty({ type: 'integer', example: 2, minimum: 1, maximum: 100 }) quantity: number;
  @ApiProperty({ type: 'integer', example: 20000, description: 'unitPrice × quantity, won' })
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
  @ApiProperty({
    type: String,
    nullable: true,
    example: '아이 의자 하나 부탁드려요',
    description: 'order note; null when none',
  })
  note: string | null;
  @ApiProperty({ type: [OrderItemDto], description: 'in the order they were sent' }) items: OrderItemDto[];
  @ApiProperty({ type: 'integer', example: 27000, description: 'won, computed by the server' })
  totalAmount: number;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:31:00.000Z' }) updatedAt: string;
}

/** One chosen option as stored with its line: snapshots of the group's name, the option's name and price. */
export interface OptionSnapshot {
  optionId: string;
  groupName: string;
  name: string;
  price: number;
}

/**
 * One order line as stored: order_items rows, and order_history.items (jsonb, the same fields in line order), so
 * live and archived orders map through the same function. Lines stored before options existed lack
 * `menuPrice`, `options` and `note` in stored response bodies: they read as `unitPrice`, `[]` and null.
 */
export interface OrderLineSnapshot {
  menuId: string;
  menuName: string;
  menuPrice?: number;
  options?: OptionSnapshot[];
  note?: string | null;
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
  note?: string | null;
  items: OrderLineSnapshot[];
  createdAt: Date | string;
  updatedAt: Date | string;
}

/** A row of a live or archived order: drivers hand json back parsed or as text, both are accepted. */
export type OrderRow = Omit<OrderSnapshot, 'items'> & { items: OrderLineSnapshot[] | string };

const iso = (value: Date | string): string => new Date(value).toISOString();

/**
 * Builds the response shape, fields in API.md's order (a placement's answer, its replay and every later read
 * serialize alike); subtotals and the total are derived from the snapshot lines.
 */
export function toOrderDto(order: OrderRow): OrderDto {
  const lines =
    typeof order.items === 'string' ? (JSON.parse(order.items) as OrderLineSnapshot[]) : order.items;
  const items = lines.map((line) => ({
    menuId: line.menuId,
    menuName: line.menuName,
    menuPrice: Number(line.menuPrice ?? line.unitPrice),
    options: (line.options ?? []).map((o) => ({
      optionId: o.optionId,
      groupName: o.groupName,
      name: o.name,
      price: Number(o.price),
    })),
    note: line.note ?? null,
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
    note: order.note ?? null,
    items,
    totalAmount: items.reduce((sum, line) => sum + line.subtotal, 0),
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
  };
}
