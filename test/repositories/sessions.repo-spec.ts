import { HistoryRepository } from '../../src/modules/history/history.repository';
import { toOrderDto } from '../../src/modules/orders/dto/order.dto';
import { OrdersRepository } from '../../src/modules/orders/orders.repository';
import { SessionsRepository } from '../../src/modules/sessions/sessions.repository';
import { createTable } from '../factories';
import { createStoreWithMenu, placeOrder } from '../factories/orders';
import { isWaiting, openTransaction, sqlState, useTestDatabase } from './database';

describe('SessionsRepository (PostgreSQL)', () => {
  const db = useTestDatabase((ds) => ({
    sessions: new SessionsRepository(ds),
    orders: new OrdersRepository(ds),
  }));

  it('two first orders of a table: the second start waits, gets nothing, then finds the winner’s session', async () => {
    const { store, table } = await createStoreWithMenu(db.ds);
    const first = await openTransaction(db.ds);
    const winner = await db.orders.lockOrStartSession(first.em, store.id, table.id);
    const second = await openTransaction(db.ds);
    const losing = db.orders.lockOrStartSession(second.em, store.id, table.id);
    expect(await isWaiting(losing)).toBe(true);
    await first.commit();
    expect(await losing).toBeUndefined();
    expect(await db.orders.lockOrStartSession(second.em, store.id, table.id)).toMatchObject({
      sessionId: winner?.sessionId,
      tableNumber: table.number,
    });
    await second.commit();
  });

  it('completion waits for an order holding the session, and the order waits for a completion', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    const ordering = await openTransaction(db.ds);
    await db.orders.lockOrStartSession(ordering.em, store.id, table.id);
    const completing = await openTransaction(db.ds, { lockTimeoutMs: 200 });
    expect(await sqlState(db.sessions.lockActiveSession(completing.em, store.id, table.id))).toBe('55P03');
    await completing.rollback();
    await ordering.commit();

    const completion = await openTransaction(db.ds);
    const locked = await db.sessions.lockActiveSession(completion.em, store.id, table.id);
    const late = await openTransaction(db.ds, { lockTimeoutMs: 200 });
    expect(await sqlState(db.orders.lockOrStartSession(late.em, store.id, table.id))).toBe('55P03');
    await late.rollback();
    await completion.rollback();
    expect(locked).toBeDefined();
  });

  it('archiveSession copies the session and its orders into history, removes them and ends the session', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds, 7000);
    const a = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    const b = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu }, { quantity: 3 });
    const archived = await db.ds.transaction(async (em) => {
      const session = await db.sessions.lockActiveSession(em, store.id, table.id);
      if (!session) throw new Error('no session');
      return db.sessions.archiveSession(em, {
        ...session,
        storeId: store.id,
        tableId: table.id,
        tableNumber: table.number,
      });
    });
    expect(archived).toMatchObject({ orderCount: 2, totalAmount: 28000 });
    expect(await db.orders.findActiveSessionId(store.id, table.id)).toBeUndefined();
    expect(await db.orders.findStoreOrders(store.id, {})).toEqual([]);

    const history = new HistoryRepository(db.ds);
    const range = { from: new Date(0), until: new Date(Date.now() + 60_000) };
    const [row] = await history.findSessions(store.id, table.id, range, 10, 0);
    expect(row).toMatchObject({ id: a.sessionId, totalAmount: '28000' });
    const archivedOrders = await history.findOrders(store.id, [a.sessionId]);
    // Read back through the mapper live orders use, the archive is the orders as they were.
    expect(archivedOrders.map(toOrderDto)).toEqual([a, b]);
  });

  it('moves and merges carry the orders; the dashboard reads each table’s totals', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds, 5000);
    const free = await createTable(db.ds, store.id);
    const busy = await createTable(db.ds, store.id);
    const moved = await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    const target = await placeOrder(db.ds, { storeId: store.id, tableId: busy.id, menu }, { quantity: 2 });

    await db.ds.transaction((em) => db.sessions.moveSession(em, moved.sessionId, free.id));
    expect(await db.orders.findOrder(store.id, moved.id)).toMatchObject({
      tableId: free.id,
      sessionId: moved.sessionId,
    });
    await db.ds.transaction((em) =>
      db.sessions.mergeSession(em, moved.sessionId, { sessionId: target.sessionId, tableId: busy.id }),
    );
    expect(await db.sessions.sessionTotals(db.ds.manager, target.sessionId)).toEqual({
      orderCount: 2,
      totalAmount: 15000,
    });

    const dashboard = await db.sessions.dashboardTables(store.id);
    expect(
      dashboard.map((t) => [Number(t.number), t.sessionId, Number(t.totalAmount), t.orderCount]),
    ).toEqual([
      [table.number, null, 0, 0],
      [free.number, null, 0, 0],
      [busy.number, target.sessionId, 15000, 2],
    ]);
  });

  it('a table number is the store’s once (uq_tables_store_number, 23505); the active session is found by table', async () => {
    const { store, table, menu } = await createStoreWithMenu(db.ds);
    expect(await sqlState(db.sessions.createTable(store.id, table.number, 'hash'))).toBe('23505');
    expect(await db.sessions.hasActiveSession(db.ds.manager, table.id)).toBe(false);
    await placeOrder(db.ds, { storeId: store.id, tableId: table.id, menu });
    expect(await db.sessions.hasActiveSession(db.ds.manager, table.id)).toBe(true);
  });
});
