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

  it('order items: quantity above zero, menu price and options, the same menu, options and note once per order', async () => {
    const [{ id: orderId }] = (await t.dataSource.query(
      insertOrder,
      order(storeA.id, tableA.id, sessionA, { orderNumber: 20 }),
    )) as Array<{ id: string }>;
    const menu = await createMenu(t.dataSource, storeA.id, categoryA.id);
    const insert = `INSERT INTO order_items (order_id, line_no, menu_id, menu_name, menu_price, unit_price, quantity, options, note)
                    VALUES ($1, $2, $3, 'Tea', $4, 1000, $5, $6::jsonb, $7)`;
    const line = (
      lineNo: number,
      quantity: number,
      extra: Partial<{ menuPrice: number; options: string; note: string | null }> = {},
    ) => [
      orderId,
      lineNo,
      menu.id,
      extra.menuPrice ?? 1000,
      quantity,
      extra.options ?? '[]',
      extra.note ?? null,
    ];
    await rejects(insert, line(1, 0), 'ck_order_items_quantity');
    await rejects(insert, line(1, 1, { menuPrice: 1001 }), 'ck_order_items_menu_price');
    await rejects(insert, line(1, 1, { options: '{}' }), 'ck_order_items_options');
    await rejects(insert, line(1, 1, { note: '' }), 'ck_order_items_note');
    await rejects(insert, line(1, 1, { note: 'tab\there' }), 'ck_order_items_note');
    await t.dataSource.query(insert, line(1, 2));
    await rejects(insert, line(2, 1), 'uq_order_items_order_line_choice');
    await t.dataSource.query(insert, line(2, 1, { note: 'no onions\nplease' }));
    await t.dataSource.query(
      insert,
      line(3, 1, { menuPrice: 500, options: '[{"optionId":"x","price":500}]' }),
    );
    await rejects(insert, line(1, 1, { note: 'other' }), 'uq_order_items_order_line');
  });

  it('orders: a note is never blank and has no control character but LF', async () => {
    const insert = `INSERT INTO orders (store_id, table_id, session_id, order_number, business_date, total_amount, note)
                    VALUES ($1, $2, $3, $4, '2026-11-21', 0, $5)`;
    await rejects(insert, [storeA.id, tableA.id, sessionA, 30, ''], 'ck_orders_note');
    await rejects(insert, [storeA.id, tableA.id, sessionA, 30, 'bell\u0007'], 'ck_orders_note');
    await t.dataSource.query(insert, [storeA.id, tableA.id, sessionA, 30, 'two\nlines']);
  });

  it('option groups and options: ranges, names unique, and never another store’s group', async () => {
    const group = `INSERT INTO option_groups (store_id, name, min_select, max_select) VALUES ($1, $2, $3, $4) RETURNING id`;
    await rejects(group, [storeA.id, 'g', 2, 1], 'ck_option_groups_max_select');
    await rejects(group, [storeA.id, 'g', -1, 1], 'ck_option_groups_min_select');
    await rejects(group, [storeA.id, 'g', 0, 21], 'ck_option_groups_max_select');
    await rejects(group, [storeA.id, '', 0, 1], 'ck_option_groups_name');
    const [{ id: groupA }] = (await t.dataSource.query(group, [storeA.id, '맵기', 1, 1])) as Array<{
      id: string;
    }>;
    await rejects(group, [storeA.id, '맵기', 0, 1], 'uq_option_groups_store_name');
    await t.dataSource.query(group, [storeB.id, '맵기', 0, 1]);

    const option = `INSERT INTO options (store_id, group_id, name, price) VALUES ($1, $2, $3, $4)`;
    await rejects(option, [storeA.id, groupA, 'x', -1], 'ck_options_price');
    await rejects(option, [storeA.id, groupA, 'x', 1_000_001], 'ck_options_price');
    await rejects(option, [storeB.id, groupA, 'x', 0], 'fk_options_group');
    await t.dataSource.query(option, [storeA.id, groupA, '매운맛', 0]);
    await rejects(option, [storeA.id, groupA, '매운맛', 100], 'uq_options_group_name');

    const menuA = await createMenu(t.dataSource, storeA.id, categoryA.id);
    const menuB = await createMenu(t.dataSource, storeB.id, categoryB.id);
    const link = `INSERT INTO menu_option_groups (store_id, menu_id, group_id, position) VALUES ($1, $2, $3, $4)`;
    await rejects(link, [storeB.id, menuB.id, groupA, 0], 'fk_menu_option_groups_group');
    await rejects(link, [storeA.id, menuB.id, groupA, 0], 'fk_menu_option_groups_menu');
    await rejects(link, [storeA.id, menuA.id, groupA, 10], 'ck_menu_option_groups_position');
    await t.dataSource.query(link, [storeA.id, menuA.id, groupA, 0]);
    const [{ id: groupA2 }] = (await t.dataSource.query(group, [storeA.id, '토핑', 0, 3])) as Array<{
      id: string;
    }>;
    await rejects(link, [storeA.id, menuA.id, groupA2, 0], 'uq_menu_option_groups_menu_position');
  });

  it('events: type set and one event per store sequence number', async () => {
    const insert = `INSERT INTO events (store_id, store_seq, type, payload) VALUES ($1, $2, $3, '{}')`;
    await rejects(insert, [storeA.id, 1, 'order_shipped'], 'ck_events_type');
    await t.dataSource.query(insert, [storeA.id, 1, 'new_order']);
    await rejects(insert, [storeA.id, 1, 'new_order'], 'uq_events_store_seq');
  });

  it('idempotency keys: one claim per table and key, and only for a table that exists', async () => {
    const insert = `INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
                    VALUES ($1, 'k-1', $2, repeat('a', 64), now() + interval '1 day')`;
    await t.dataSource.query(insert, [tableA.id, storeA.id]);
    await rejects(insert, [tableA.id, storeA.id], 'idempotency_keys_pkey');
    // PostgreSQL's own name for the foreign key; CONSTRAINT_ERRORS maps it (an order from a just-deleted table).
    await rejects(
      insert,
      ['00000000-0000-4000-8000-000000000000', storeA.id],
      'idempotency_keys_table_id_fkey',
    );
  });
});
