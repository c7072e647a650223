import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../common/errors';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OrderLineSnapshot, OrderStatus } from './dto/order.dto';
import type { MenuRow } from './orders.repository';

/** Forward moves only; PENDING may skip PREPARING. The same status again is not a move. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['PREPARING', 'COMPLETED'],
  PREPARING: ['COMPLETED'],
  COMPLETED: [],
};

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!NEXT[from].includes(to)) {
    throw AppError.conflict(ErrorCode.INVALID_STATUS_TRANSITION, `an order cannot go from ${from} to ${to}`);
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** API.md: 1-255 characters of visible ASCII. Absent → undefined (the header is optional). */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new AppError(
      400,
      ErrorCode.IDEMPOTENCY_KEY_INVALID,
      'Idempotency-Key must be 1-255 characters of visible ASCII (0x21-0x7E)',
    );
  }
  return header;
}

/**
 * The fingerprint a key is bound to: SHA-256 of the validated body as canonical JSON (fixed key order, menu
 * ids in lower case, lines in the order sent), so whitespace or field order in the request do not matter.
 */
export function requestHash(body: CreateOrderDto): string {
  const canonical = JSON.stringify({
    items: body.items.map((line) => ({ menuId: line.menuId.toLowerCase(), quantity: line.quantity })),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Snapshots each line's menu name and price from the store's menus and computes the total. Unknown ids
 * (another store's, deleted) are 404 before sold-out ones are 409.
 */
export function priceLines(
  body: CreateOrderDto,
  menus: MenuRow[],
): { lines: OrderLineSnapshot[]; totalAmount: number } {
  const byId = new Map(menus.map((m) => [m.id.toLowerCase(), m]));
  const missing = body.items.find((line) => !byId.has(line.menuId.toLowerCase()));
  if (missing) throw AppError.notFound(ErrorCode.MENU_NOT_FOUND, `menu ${missing.menuId} does not exist`);
  const lines = body.items.map((line) => {
    const menu = byId.get(line.menuId.toLowerCase()) as MenuRow;
    if (!menu.isAvailable) {
      throw AppError.conflict(ErrorCode.MENU_UNAVAILABLE, `menu ${menu.id} (${menu.name}) is sold out`);
    }
    return { menuId: menu.id, menuName: menu.name, unitPrice: Number(menu.price), quantity: line.quantity };
  });
  const totalAmount = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  return { lines, totalAmount };
}
