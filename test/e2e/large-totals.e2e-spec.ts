import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, storeFixture } from '../utils/auth';

/**
 * Each order's total fits an integer (a larger one is refused with 400), but a session's need not: a table that
 * ordered more than 2,147,483,647 won in one sitting still shows on the dashboard, is completed and is in history.
 */
describe('totals beyond the integer range', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('an order over 2,147,483,647 won is 400; a session summing beyond it is shown, completed and archived', async () => {
    const f = await storeFixture(t, 1);
    const category = await createCategory(t.dataSource, f.store.id);
    const menu = await createMenu(t.dataSource, f.store.id, category.id, { name: '코스', price: 10_000_000 });
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ menuId: menu.id, quantity: 100, note: `테이블 ${i + 1}` }));
    const place = (n: number) =>
      t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(f.tables[0].token))
        .send({ items: lines(n) });
    const tooLarge = await place(3).expect(400);
    expect(tooLarge.body.error_code).toBe('VALIDATION_ERROR');
    for (let i = 0; i < 2; i++) expect((await place(2).expect(201)).body.totalAmount).toBe(2_000_000_000);

    const admin = bearer(f.admin.token);
    const dashboard = await t
      .http()
      .get('/api/v1/admin/tables')
      .set(...admin)
      .expect(200);
    expect(dashboard.body[0].session).toMatchObject({ totalAmount: 4_000_000_000, orderCount: 2 });
    const done = await t
      .http()
      .post(`/api/v1/admin/tables/${f.tables[0].id}/complete`)
      .set(...admin)
      .expect(200);
    expect(done.body).toMatchObject({ totalAmount: 4_000_000_000, orderCount: 2 });
    const history = await t
      .http()
      .get(`/api/v1/admin/tables/${f.tables[0].id}/history`)
      .set(...admin)
      .expect(200);
    expect(history.body.items[0].totalAmount).toBe(4_000_000_000);
  });
});
