import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

/**
 * Inputs a client can send that once reached the database or were silently accepted: each is a 400 envelope.
 */
describe('contract edges: what a client may send', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let f: StoreFixture;

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 1);
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([
    ['/api/v1/auth/table-login', () => ({ storeCode: 'st\u0000re', tableNumber: 1, password: '1234' })],
    ['/api/v1/auth/superadmin-login', () => ({ username: 'ro\u0000t', password: 'password' })],
    ['/api/v1/admin/categories', () => ({ name: 'Dr\u0000inks' })],
  ])('POST %s with a NUL character in a string is 400, not 500', async (path, body) => {
    const res = await t
      .http()
      .post(path)
      .set(...bearer(f.admin.token))
      .send(body())
      .expect(400);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
  });

  it('a NUL character in a menu description is 400 and creates nothing', async () => {
    const category = await createCategory(t.dataSource, f.store.id);
    await t
      .http()
      .post('/api/v1/admin/menus')
      .set(...bearer(f.admin.token))
      .send({ categoryId: category.id, name: 'Tea', price: 3000, description: 'hot\u0000' })
      .expect(400);
    // Counted in the category of this test alone: other tests of the file add menus to the store.
    const menus = await t
      .http()
      .get(`/api/v1/admin/menus?categoryId=${category.id}`)
      .set(...bearer(f.admin.token))
      .expect(200);
    expect(menus.body).toEqual([]);
  });

  it('completing a table refuses a body with fields, and still completes with none', async () => {
    const category = await createCategory(t.dataSource, f.store.id);
    const menu = await createMenu(t.dataSource, f.store.id, category.id);
    await t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(f.tables[0].token))
      .send({ items: [{ menuId: menu.id, quantity: 1 }] })
      .expect(201);
    const path = `/api/v1/admin/tables/${f.tables[0].id}/complete`;
    const refused = await t
      .http()
      .post(path)
      .set(...bearer(f.admin.token))
      .send({ force: true })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'force', message: 'property force should not exist' }]);
    const done = await t
      .http()
      .post(path)
      .set(...bearer(f.admin.token))
      .expect(200);
    expect(done.body.orderCount).toBe(1);
  });

  it('the SSE ticket refuses a body with fields', async () => {
    const res = await t
      .http()
      .post('/api/v1/admin/events/ticket')
      .set(...bearer(f.admin.token))
      .send({ ttl: 3600 })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'ttl', message: 'property ttl should not exist' }]);
    await t
      .http()
      .post('/api/v1/admin/events/ticket')
      .set(...bearer(f.admin.token))
      .expect(201);
  });

  it('a wrong type gets a detail that says what the value must be', async () => {
    const category = await createCategory(t.dataSource, f.store.id);
    const res = await t
      .http()
      .post('/api/v1/admin/menus')
      .set(...bearer(f.admin.token))
      .send({ categoryId: category.id, name: 'Tea', price: '3000' })
      .expect(400);
    expect(res.body.detail).toBe('price must be an integer number');
  });

  it('a table deleted while its token is still accepted gets 404 TABLE_NOT_FOUND for an order or a call, not a 500', async () => {
    const fx = await storeFixture(t, 3);
    const category = await createCategory(t.dataSource, fx.store.id);
    const menu = await createMenu(t.dataSource, fx.store.id, category.id);
    // Each token's version is now cached by this instance, which is why it outlives its table for a few seconds.
    for (const table of fx.tables) {
      await t
        .http()
        .get('/api/v1/auth/me')
        .set(...bearer(table.token))
        .expect(200);
    }
    await t.dataSource.query(`DELETE FROM tables WHERE store_id = $1`, [fx.store.id]);
    const order = { items: [{ menuId: menu.id, quantity: 1 }] };
    const answers = [
      await t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(fx.tables[0].token))
        .set('Idempotency-Key', 'after-delete')
        .send(order),
      await t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(fx.tables[1].token))
        .send(order),
      await t
        .http()
        .post('/api/v1/staff-calls')
        .set(...bearer(fx.tables[2].token))
        .send({ reason: 'WATER' }),
    ];
    expect(answers.map((res) => [res.status, res.body.error_code])).toEqual([
      [404, 'TABLE_NOT_FOUND'],
      [404, 'TABLE_NOT_FOUND'],
      [404, 'TABLE_NOT_FOUND'],
    ]);
  });
});
