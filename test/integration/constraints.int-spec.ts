import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { createCategory, createMenu, createStore, createTable } from '../factories';

/**
 * Every rule that can be a constraint is one: each row below breaks exactly one, and PostgreSQL must refuse it
 * with that constraint's name (the name is what the error filter maps to an API error code).
 */
describe('database constraints (real PostgreSQL)', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let storeA: { id: string };
  let storeB: { id: string };
  let tableA: { id: string };
  let tableB: { id: string };
  let categoryA: { id: string };
  let categoryB: { id: string };
  let sessionA: string;

  beforeAll(async () => {
    t = await startTestApp();
    storeA = await createStore(t.dataSource);
    storeB = await createStore(t.dataSource);
    tableA = await createTable(t.dataSource, storeA.id, { number: 1 });
    tableB = await createTable(t.dataSource, storeB.id, { number: 1 });
    categoryA = await createCategory(t.dataSource, storeA.id, { name: 'Mains' });
    categoryB = await createCategory(t.dataSource, storeB.id, { name: 'Mains' });
    [{ id: sessionA }] = (await t.dataSource.query(
      `INSERT INTO table_sessions (store_id, table_id) VALUES ($1, $2) RETURNING id`,
      [storeA.id, tableA.id],
    )) as Array<{ id: string }>;
  });
  afterAll(async () => {
    await t.stop();
  });

  async function rejects(sql: string, params: unknown[], constraint: string): Promise<void> {
    const error = await t.dataSource.query(sql, params).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryFailedError);
    const driverError = (error as QueryFailedError).driverError as { constraint?: string; message: string };
    expect(driverError.constraint ?? driverError.message).toContain(constraint);
  }

  const order = (
    storeId: string,
    tableId: string,
    sessionId: string,
    extra: Partial<Record<string, unknown>> = {},
  ) => [storeId, tableId, sessionId, extra.orderNumber ?? 1, extra.status ?? 'PENDING', extra.total ?? 1000];
  const insertOrder = `INSERT INTO orders (store_id, table_id, session_id, order_number, business_date, status, total_amount)
                       VALUES ($1, $2, $3, $4, '2026-11-21', $5, $6) RETURNING id`;

  it('stores: code format and uniqueness', async () => {
    await rejects(`INSERT INTO stores (code, name) VALUES ('Bad Code', 'x')`, [], 'ck_stores_code');
    await t.dataSource.query(`INSERT INTO stores (code, name) VALUES ('dup-code', 'x')`);
    await rejects(`INSERT INTO stores (code, name) VALUES ('dup-code', 'y')`, [], 'uq_stores_code');
  });

  it('admin users: role set, role/store pairing, username format and per-store uniqueness', async () => {
    const insert = `INSERT INTO admin_users (store_id, username, password_hash, role) VALUES ($1, $2, 'h', $3)`;
    await rejects(insert, [storeA.id, 'someone', 'owner'], 'ck_admin_users_role');
    await rejects(insert, [null, 'someone', 'store_admin'], 'ck_admin_users_role_store');
    await rejects(insert, [storeA.id, 'someone', 'super_admin'], 'ck_admin_users_role_store');
    await rejects(insert, [storeA.id, 'No Spaces', 'store_admin'], 'ck_admin_users_username');
    await t.dataSource.query(insert, [storeA.id, 'manager', 'store_admin']);
    await rejects(insert, [storeA.id, 'manager', 'store_admin'], 'uq_admin_users_store_username');
    await t.dataSource.query(insert, [storeB.id, 'manager', 'store_admin']);
    await t.dataSource.query(insert, [null, 'root-two', 'super_admin']);
    await rejects(insert, [null, 'root-two', 'super_admin'], 'uq_admin_users_superadmin_username');
  });

  it('tables: number range and per-store uniqueness', async () => {
    const insert = `INSERT INTO tables (store_id, number, password_hash) VALUES ($1, $2, 'h')`;
    await rejects(insert, [storeA.id, 0], 'ck_tables_number');
    await rejects(insert, [storeA.id, 1000], 'ck_tables_number');
    await rejects(insert, [storeA.id, 1], 'uq_tables_store_number');
  });

  it('sessions: one active session per table, and never a table of another store', async () => {
    await rejects(
      `INSERT INTO table_sessions (store_id, table_id) VALUES ($1, $2)`,
      [storeA.id, tableA.id],
      'uq_table_sessions_active',
    );
    await rejects(
      `INSERT INTO table_sessions (store_id, table_id) VALUES ($1, $2)`,
      [storeA.id, tableB.id],
      'fk_table_sessions_table',
    );
  });

  it('categories: name uniqueness per store', async () => {
    await rejects(
      `INSERT INTO menu_categories (store_id, name) VALUES ($1, 'Mains')`,
      [storeA.id],
      'uq_menu_categories_store_name',
    );
  });

  it('menus: price range, and never a category of another store', async () => {
    const insert = `INSERT INTO menus (store_id, category_id, name, price) VALUES ($1, $2, 'Tea', $3)`;
    await rejects(insert, [storeA.id, categoryA.id, -1], 'ck_menus_price');
    await rejects(insert, [storeA.id, categoryA.id, 10_000_001], 'ck_menus_price');
    await rejects(insert, [storeA.id, categoryB.id, 1000], 'fk_menus_category');
  });

  it('orders: status set, totals, numbers unique per store and day, same-store table and session', async () => {
    await rejects(
      insertOrder,
      order(storeA.id, tableA.id, sessionA, { status: 'SERVED' }),
      'ck_orders_status',
    );
    await rejects(insertOrder, order(storeA.id, tableA.id, sessionA, { total: -5 }), 'ck_orders_total');
    await rejects(insertOrder, order(storeA.id, tableA.id, sessionA, { orderNumber: 0 }), 'ck_orders_number');
    await t.dataSource.query(insertOrder, order(storeA.id, tableA.id, sessionA, { orderNumber: 7 }));
    await rejects(
      insertOrder,
      order(storeA.id, tableA.id, sessionA, { orderNumber: 7 }),
      'uq_orders_store_day_number',
    );
    await rejects(
      insertOrder,
      order(storeB.id, tableB.id, sessionA, { orderNumber: 8 }),
      'fk_orders_session',
    );
    await rejects(insertOrder, order(storeA.id, tableB.id, sessionA, { orderNumber: 9 }), 'fk_orders_table');
  });

  it('order items: quantity above zero and a menu once per order', async () => {
    const [{ id: orderId }] = (await t.dataSource.query(
      insertOrder,
      order(storeA.id, tableA.id, sessionA, { orderNumber: 20 }),
    )) as Array<{ id: string }>;
    const menu = await createMenu(t.dataSource, storeA.id, categoryA.id);
    const insert = `INSERT INTO order_items (order_id, line_no, menu_id, menu_name, unit_price, quantity)
                    VALUES ($1, $2, $3, 'Tea', 1000, $4)`;
    await rejects(insert, [orderId, 1, menu.id, 0], 'ck_order_items_quantity');
    await t.dataSource.query(insert, [orderId, 1, menu.id, 2]);
    await rejects(insert, [orderId, 2, menu.id, 1], 'uq_order_items_order_menu');
    await rejects(insert, [orderId, 1, randomUUID(), 1], 'uq_order_items_order_line');
  });

  it('events: type set and one event per store sequence number', async () => {
    const insert = `INSERT INTO events (store_id, store_seq, type, payload) VALUES ($1, $2, $3, '{}')`;
    await rejects(insert, [storeA.id, 1, 'order_shipped'], 'ck_events_type');
    await t.dataSource.query(insert, [storeA.id, 1, 'new_order']);
    await rejects(insert, [storeA.id, 1, 'new_order'], 'uq_events_store_seq');
  });

  it('idempotency keys: one claim per table and key', async () => {
    const insert = `INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
                    VALUES ($1, 'k-1', $2, repeat('a', 64), now() + interval '1 day')`;
    await t.dataSource.query(insert, [tableA.id, storeA.id]);
    await rejects(insert, [tableA.id, storeA.id], 'idempotency_keys_pkey');
  });
});
