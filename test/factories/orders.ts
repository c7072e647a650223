import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { businessDate } from '../../src/common/time';
import { toOrderDto, type OrderDto } from '../../src/modules/orders/dto/order.dto';
import { OrdersRepository } from '../../src/modules/orders/orders.repository';
import { createCategory, createMenu, createStore, createTable } from './index';

/** A store with one table and one menu, written through the repositories. */
export async function createStoreWithMenu(ds: DataSource, price = 9000) {
  const store = await createStore(ds);
  const table = await createTable(ds, store.id);
  const category = await createCategory(ds, store.id);
  const menu = await createMenu(ds, store.id, category.id, { price });
  return { store, table, menu };
}

/**
 * Places an order as a placement does, through OrdersRepository: the first statement (key, menus, session),
 * then the one that writes the order and its event; in `em`'s transaction, or one of its own.
 */
export async function placeOrder(
  ds: DataSource,
  at: { storeId: string; tableId: string; menu: { id: string; name: string; price: number } },
  options: { quantity?: number; key?: string; em?: EntityManager } = {},
): Promise<OrderDto> {
  const work = async (em: EntityManager): Promise<OrderDto> => {
    const orders = new OrdersRepository(ds);
    const claim = options.key === undefined ? undefined : { key: options.key, requestHash: 'h'.repeat(64) };
    const prepared = await orders.prepareOrder(em, { ...at, menuIds: [at.menu.id], claim });
    const session = prepared.session ?? (await orders.lockOrStartSession(em, at.storeId, at.tableId));
    if (!session) throw new Error('no session');
    const quantity = options.quantity ?? 1;
    const lines = [
      {
        menuId: at.menu.id,
        menuName: at.menu.name,
        menuPrice: at.menu.price,
        options: [],
        note: null,
        unitPrice: at.menu.price,
        quantity,
      },
    ];
    const createdAt = session.now.toISOString();
    const order = toOrderDto({
      id: randomUUID(),
      orderNumber: 0,
      tableId: at.tableId,
      tableNumber: session.tableNumber,
      sessionId: session.sessionId,
      status: 'PENDING',
      items: lines,
      createdAt,
      updatedAt: createdAt,
    });
    order.orderNumber = await orders.insertOrder(em, {
      id: order.id,
      storeId: at.storeId,
      tableId: at.tableId,
      sessionId: session.sessionId,
      totalAmount: order.totalAmount,
      note: null,
      businessDate: businessDate(session.now),
      lines,
      document: order,
      idempotencyKey: options.key,
    });
    return order;
  };
  return options.em ? work(options.em) : ds.transaction(work);
}
