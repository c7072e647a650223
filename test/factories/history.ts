import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Inserts archived sessions and orders straight into session_history and order_history, in the shape table
 * completion writes them, so history can be tested at any date without going through live orders.
 */
export interface ArchivedLine {
  menuId?: string;
  menuName?: string;
  unitPrice?: number;
  quantity?: number;
}

export interface ArchivedOrderInput {
  orderNumber?: number;
  status?: 'PENDING' | 'PREPARING' | 'COMPLETED';
  items?: ArchivedLine[];
  /** Defaults to a minute after the previous order (the first: a minute after the session started). */
  createdAt?: Date;
}

export interface ArchivedOrder {
  id: string;
  orderNumber: number;
  status: string;
  items: Array<Required<ArchivedLine>>;
  totalAmount: number;
  createdAt: Date;
}

export interface ArchivedSession {
  id: string;
  startedAt: Date;
  completedAt: Date;
  totalAmount: number;
  orders: ArchivedOrder[];
}

let orderCounter = 0;

export async function createArchivedSession(
  ds: DataSource,
  values: {
    storeId: string;
    tableId: string;
    tableNumber: number;
    completedAt: Date | string;
    startedAt?: Date | string;
    orders?: ArchivedOrderInput[];
  },
): Promise<ArchivedSession> {
  const completedAt = new Date(values.completedAt);
  const startedAt = new Date(values.startedAt ?? completedAt.getTime() - 60 * 60 * 1000);
  const inputs = values.orders ?? [{}];
  const orders: ArchivedOrder[] = [];
  let previous = startedAt.getTime();
  for (const input of inputs) {
    const createdAt = input.createdAt ?? new Date(previous + 60 * 1000);
    previous = createdAt.getTime();
    const items = (input.items ?? [{}]).map((line, i) => ({
      menuId: line.menuId ?? randomUUID(),
      menuName: line.menuName ?? `메뉴 ${i + 1}`,
      unitPrice: line.unitPrice ?? 9000,
      quantity: line.quantity ?? 1,
    }));
    orders.push({
      id: randomUUID(),
      orderNumber: input.orderNumber ?? ++orderCounter,
      status: input.status ?? 'COMPLETED',
      items,
      totalAmount: items.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0),
      createdAt,
    });
  }
  const session: ArchivedSession = {
    id: randomUUID(),
    startedAt,
    completedAt,
    totalAmount: orders.reduce((sum, o) => sum + o.totalAmount, 0),
    orders,
  };
  await ds.query(
    `INSERT INTO session_history (id, store_id, table_id, table_number, started_at, completed_at, order_count, total_amount)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      session.id,
      values.storeId,
      values.tableId,
      values.tableNumber,
      startedAt,
      completedAt,
      orders.length,
      session.totalAmount,
    ],
  );
  for (const o of orders) {
    await ds.query(
      `INSERT INTO order_history (id, store_id, session_id, table_id, table_number, order_number, business_date,
                                  status, total_amount, items, created_at, updated_at, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, ($10::timestamptz AT TIME ZONE 'Asia/Seoul')::date,
               $7, $8, $9::jsonb, $10, $10, $11)`,
      [
        o.id,
        values.storeId,
        session.id,
        values.tableId,
        values.tableNumber,
        o.orderNumber,
        o.status,
        o.totalAmount,
        JSON.stringify(o.items),
        o.createdAt,
        completedAt,
      ],
    );
  }
  return session;
}
