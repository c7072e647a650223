import { DataSource } from 'typeorm';
import { InitialSchema1763769600000 } from '../../migrations/1763769600000-InitialSchema';
import { MIGRATIONS } from '../../migrations';
import { AdminUserEntity } from '../../src/modules/stores/entities/admin-user.entity';
import { StoreEntity } from '../../src/modules/stores/entities/store.entity';
import { createAdmin, createStore, createTable } from '../factories';
import { createTestEnv, startApp, TestEnv } from '../utils/app';
import { bearer, loginAdmin, loginTable } from '../utils/auth';

/**
 * The options migration on a database that already holds orders and history in the shape before it: lines get
 * menuPrice = unitPrice, no options and no note; archived lines the same fields; and the service then serves
 * both in the new order shape.
 */
describe('migration to option groups and notes, over existing data (PostgreSQL)', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv({}, { migrated: false });
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('moves live and archived order lines to the new shape, and the API serves them', async () => {
    const connect = async (migrations: DataSource['options']['migrations']) => {
      const ds = new DataSource({
        type: 'postgres',
        url: env.vars.DATABASE_URL,
        migrations,
        migrationsTransactionMode: 'each',
        // The factories write stores and admins through their entities (unchanged by these migrations).
        entities: [StoreEntity, AdminUserEntity],
      });
      await ds.initialize();
      await ds.runMigrations();
      return ds;
    };
    const before = await connect([InitialSchema1763769600000]);
    const store = await createStore(before);
    const table = await createTable(before, store.id, { number: 1 });
    const admin = await createAdmin(before, store.id);
    const [{ id: categoryId }] = await before.query(
      `INSERT INTO menu_categories (store_id, name) VALUES ($1, 'Mains') RETURNING id`,
      [store.id],
    );
    const [{ id: menuId }] = await before.query(
      `INSERT INTO menus (store_id, category_id, name, price) VALUES ($1, $2, '비빔밥', 9000) RETURNING id`,
      [store.id, categoryId],
    );
    const [{ id: sessionId }] = await before.query(
      `INSERT INTO table_sessions (store_id, table_id) VALUES ($1, $2) RETURNING id`,
      [store.id, table.id],
    );
    const [{ id: orderId }] = await before.query(
      `INSERT INTO orders (store_id, table_id, session_id, order_number, business_date, total_amount)
       VALUES ($1, $2, $3, 1, '2026-11-30', 18000) RETURNING id`,
      [store.id, table.id, sessionId],
    );
    await before.query(
      `INSERT INTO order_items (order_id, line_no, menu_id, menu_name, unit_price, quantity)
       VALUES ($1, 1, $2, '비빔밥', 9000, 2)`,
      [orderId, menuId],
    );
    const archivedSession = '11111111-1111-4111-8111-111111111111';
    await before.query(
      `INSERT INTO session_history (id, store_id, table_id, table_number, started_at, completed_at, order_count, total_amount)
       VALUES ($1, $2, $3, 1, now() - interval '2 hours', now() - interval '1 hour', 1, 5000)`,
      [archivedSession, store.id, table.id],
    );
    await before.query(
      `INSERT INTO order_history (id, store_id, session_id, table_id, table_number, order_number, business_date, status,
                                  total_amount, items, created_at, updated_at, completed_at)
       VALUES (gen_random_uuid(), $1, $2, $3, 1, 1, '2026-11-30', 'COMPLETED', 5000,
               $4::jsonb, now() - interval '2 hours', now() - interval '2 hours', now() - interval '1 hour')`,
      [
        store.id,
        archivedSession,
        table.id,
        JSON.stringify([{ menuId, menuName: '김밥', unitPrice: 2500, quantity: 2 }]),
      ],
    );
    await before.destroy();

    const after = await connect(MIGRATIONS);
    expect(
      await after.query(`SELECT menu_price, options, note, unit_price FROM order_items WHERE order_id = $1`, [
        orderId,
      ]),
    ).toEqual([{ menu_price: 9000, options: [], note: null, unit_price: 9000 }]);
    expect(
      await after.query(`SELECT note, items FROM order_history WHERE session_id = $1`, [archivedSession]),
    ).toEqual([
      {
        note: null,
        items: [
          {
            menuId,
            menuName: '김밥',
            menuPrice: 2500,
            options: [],
            note: null,
            unitPrice: 2500,
            quantity: 2,
          },
        ],
      },
    ]);
    await after.destroy();

    const app = await startApp(env);
    try {
      const tableToken = await loginTable(app, store.code, 1, table.password);
      const live = await app
        .http()
        .get('/api/v1/orders')
        .set(...bearer(tableToken))
        .expect(200);
      expect(live.body.orders[0]).toMatchObject({
        note: null,
        items: [
          {
            menuName: '비빔밥',
            menuPrice: 9000,
            options: [],
            note: null,
            unitPrice: 9000,
            quantity: 2,
            subtotal: 18000,
          },
        ],
      });
      const adminToken = await loginAdmin(app, store.code, admin.username, admin.password);
      const history = await app
        .http()
        .get(`/api/v1/admin/tables/${table.id}/history`)
        .set(...bearer(adminToken))
        .expect(200);
      expect(history.body.items[0].orders[0].items).toEqual([
        {
          menuId,
          menuName: '김밥',
          menuPrice: 2500,
          options: [],
          note: null,
          unitPrice: 2500,
          quantity: 2,
          subtotal: 5000,
        },
      ]);
      // The same menu may now be ordered on two lines with different notes.
      const placed = await app
        .http()
        .post('/api/v1/orders')
        .set(...bearer(tableToken))
        .send({
          items: [
            { menuId, quantity: 1 },
            { menuId, quantity: 1, note: '계란 빼고' },
          ],
        })
        .expect(201);
      expect(placed.body.items.map((l: { note: string | null }) => l.note)).toEqual([null, '계란 빼고']);
    } finally {
      await app.close();
    }
  });
});
