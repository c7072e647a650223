import { hash } from 'node:crypto';
import { AppError, ErrorCode } from '../../common/errors';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OrderStatus } from './dto/order.dto';

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
 * The fingerprint a key is bound to: SHA-256 of the validated body as canonical JSON (fixed key order, ids in
 * lower case, a line's options as a sorted set, lines in the order sent, notes trimmed), so whitespace, field
 * order or the order of a line's options do not matter. Options and notes enter only when present, so a body
 * without them hashes as it did before they existed.
 */
export function requestHash(body: CreateOrderDto): string {
  const items = body.items.map((line) => {
    const canonical: Record<string, unknown> = { menuId: line.menuId.toLowerCase(), quantity: line.quantity };
    if (line.optionIds?.length) canonical.optionIds = line.optionIds.map((id) => id.toLowerCase()).sort();
    if (line.note) canonical.note = line.note;
    return canonical;
  });
  const canonical: Record<string, unknown> = { items };
  if (body.note) canonical.note = body.note;
  // One-shot: no Hash object per request.
  return hash('sha256', JSON.stringify(canonical), 'hex');
}
