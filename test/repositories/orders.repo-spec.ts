import { OutboxRepository } from '../../src/modules/events/outbox.repository';
import { IdempotencyKeysRepository } from '../../src/modules/orders/idempotency-keys.repository';
import { OrdersRepository } from '../../src/modules/orders/orders.repository';
import { createTable } from '../factories';
import { createStoreWithMenu, placeOrder } from '../factories/orders';
import { isWaiting, openTransaction, sqlState, useTestDatabase } from './database';

describe('OrdersRepository (PostgreSQL)', () => {
  const db = useTestDatabase((ds) => ({ orders: new OrdersRepository(ds) }));

  it('prepareOrder claims the key, reads the menus and starts the session in one statement', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    const tx = await openTransaction(db.ds);
    const prepared = await db.orders.prepareOrder(tx.em, {
      storeId: store.id,
      tableId: table.id,
      menuIds: [menu.id],
      claim: { key: 'k1', requestHash: 'a'.repeat(64) },
    });
    await tx.commit();
    expect(prepared.claimed).toBe(true);
    expect(prepared.menus).toEqual([
      { id: menu.id, name: menu.name, price: menu.price, isAvailable: true, groups: [] },
    ]);
    expect(prepared.session).toMatchObject({ tableNumber: table.number });
    expect(await db.orders.findActiveSessionId(store.id, table.id)).toBe(prepared.session?.sessionId);
  });

  it('prepareOrder with a key already taken claims nothing and starts no session', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    const claim = { tableId: table.id, storeId: store.id, key: 'taken', requestHash: 'a'.repeat(64) };
    await new IdempotencyKeysRepository().claimIdempotencyKey(db.ds.manager, claim);
    const prepared = await db.ds.transaction((em) =>
      db.orders.prepareOrder(em, { storeId: store.id, tableId: table.id, menuIds: [menu.id], claim }),
    );
    expect(prepared).toMatchObject({ claimed: false, session: undefined });
    expect(await db.orders.findActiveSessionId(store.id, table.id)).toBeUndefined();
  });

  it('insertOrder numbers the store’s orders and writes the new_order event and the stored response with the number', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    const first = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    const second = await placeOrder(
      db.ds,
      { storeId: store.id, tableId: table.id, menu },
      { key: 'k2', quantity: 2 },
    );
    expect([first.orderNumber, second.orderNumber]).toEqual([1, 2]);

    const events = await new OutboxRepository(db.ds).eventsAfter(store.id, 0);
    expect(
      events.map((e) => [e.type, e.seq, (e.payload.order as { orderNumber: number }).orderNumber]),
    ).toEqual([
      ['new_order', 1, 1],
      ['new_order', 2, 2],
    ]);
    const stored = await new IdempotencyKeysRepository().findIdempotencyKey(db.ds.manager, table.id, 'k2');
    expect(stored).toMatchObject({
      responseStatus: 201,
      responseBody: { orderNumber: 2, totalAmount: 18000 },
    });
    expect(await db.orders.findSessionOrders(store.id, first.sessionId)).toEqual([first, second]);
    expect(await db.orders.findOrder(store.id, second.id)).toEqual(second);
  });

  it('a line that breaks a constraint fails the whole statement: no order, number or event is left', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    expect(
      await sqlState(placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu }, { quantity: 0 })),
    ).toBe('23514');
    expect(await db.orders.findStoreOrders(store.id, {})).toEqual([]);
    expect(await new OutboxRepository(db.ds).eventsAfter(store.id, 0)).toEqual([]);
    expect((await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu })).orderNumber).toBe(1);
  });

  it('lockOrderStatus holds the order: a second change waits for the first', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    const order = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    const first = await openTransaction(db.ds);
    expect(await db.orders.lockOrderStatus(first.em, store.id, order.id)).toEqual({ status: 'PENDING' });
    await db.orders.updateStatus(first.em, order.id, 'PREPARING');
    const second = await openTransaction(db.ds);
    const waiting = db.orders.lockTableOrder(second.em, store.id, table.id, order.id);
    expect(await isWaiting(waiting)).toBe(true);
    await first.commit();
    expect(await waiting).toEqual({ status: 'PREPARING' });
    await second.rollback();
  });

  it('findStoreOrders filters by table and status and reads only the store’s own', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    const other = await createTable(db.ds, store.id);
    const a = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    const b = await placeOrder(db.ds, { storeId: store.id, tableId: other.id, menu });
    await db.orders.updateStatus(db.ds.manager, b.id, 'COMPLETED');
    const ids = async (filter: Parameters<OrdersRepository['findStoreOrders']>[1]) =>
      (await db.orders.findStoreOrders(store.id, filter)).map((o) => o.id);
    expect(await ids({})).toEqual([b.id, a.id]);
    expect(await ids({ tableId: table.id })).toEqual([a.id]);
    expect(await ids({ status: 'COMPLETED' })).toEqual([b.id]);
    const foreign = await createStoreWithMenu(db.ds);
    expect(await db.orders.findOrder(foreign.store.id, a.id)).toBeUndefined();
    expect(await db.orders.tableExists(foreign.store.id, table.id)).toBe(false);
  });

  it('deleteWithAudit removes the order and its lines and keeps the audit row', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    const order = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    await db.ds.transaction((em) =>
      db.orders.deleteWithAudit(em, order, store.id, { role: 'table', id: table.id }),
    );
    expect(await db.orders.findOrder(store.id, order.id)).toBeUndefined();
    const audit = (await db.ds.query(
      `SELECT deleted_by_role, snapshot FROM order_deletions WHERE order_id = $1`,
      [order.id],
    )) as Array<{ deleted_by_role: string; snapshot: unknown }>;
    expect(audit).toEqual([{ deleted_by_role: 'table', snapshot: order }]);
  });
});
