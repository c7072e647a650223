import { randomUUID } from 'node:crypto';
import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginTable, StoreFixture, storeFixture } from '../utils/auth';

type App = TestApp & { env: TestEnv; stop(): Promise<void> };
type Menu = { id: string; name: string; price: number };

describe('tables: dashboard, create, password, delete, 이용 완료', () => {
  let t: App;
  let f: StoreFixture;
  let other: StoreFixture;
  let menu: Menu;

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 3);
    other = await storeFixture(t, 1);
    const category = await createCategory(t.dataSource, f.store.id);
    menu = await createMenu(t.dataSource, f.store.id, category.id, { name: '비빔밥', price: 8000 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const admin = () => bearer(f.admin.token);
  const place = async (token: string, quantity = 1, menuId = menu.id) =>
    (
      await t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(token))
        .send({ items: [{ menuId, quantity }] })
        .expect(201)
    ).body;
  const complete = (tableId: string) =>
    t
      .http()
      .post(`/api/v1/admin/tables/${tableId}/complete`)
      .set(...admin());

  it('documents the orders and tables endpoints in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const expected: Array<[string, string, string[]]> = [
      ['/api/v1/orders', 'post', ['201', '400', '401', '403', '404', '409', '422']],
      ['/api/v1/orders', 'get', ['200', '401', '403']],
      ['/api/v1/admin/orders', 'get', ['200', '400', '404']],
      ['/api/v1/admin/orders/{id}', 'get', ['200', '404']],
      ['/api/v1/admin/orders/{id}', 'patch', ['200', '409']],
      ['/api/v1/admin/orders/{id}', 'delete', ['204', '404']],
      ['/api/v1/admin/tables', 'get', ['200']],
      ['/api/v1/admin/tables', 'post', ['201', '409']],
      ['/api/v1/admin/tables/{id}', 'patch', ['200', '404']],
      ['/api/v1/admin/tables/{id}', 'delete', ['204', '409']],
      ['/api/v1/admin/tables/{id}/complete', 'post', ['200', '404', '409']],
    ];
    for (const [path, method, statuses] of expected) {
      expect(Object.keys(doc.paths[path]?.[method]?.responses ?? {})).toEqual(
        expect.arrayContaining(statuses),
      );
    }
    expect(Object.keys(doc.components.schemas.OrderDto.properties ?? {}).sort()).toEqual(
      [
        'id',
        'orderNumber',
        'tableId',
        'tableNumber',
        'sessionId',
        'status',
        'note',
        'items',
        'totalAmount',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
  });

  describe('GET /api/v1/admin/tables (dashboard)', () => {
    it('lists every table by number with its session totals and newest 3 orders', async () => {
      // A store of its own: the dashboard lists every table of the store, and other tests order on theirs.
      const f = await storeFixture(t, 3);
      const category = await createCategory(t.dataSource, f.store.id);
      const own = await createMenu(t.dataSource, f.store.id, category.id, { name: '비빔밥', price: 8000 });
      const admin = () => bearer(f.admin.token);
      const idle = await t
        .http()
        .get('/api/v1/admin/tables')
        .set(...admin())
        .expect(200);
      expect(idle.body).toEqual(
        f.tables.map((x) => ({
          id: x.id,
          number: x.number,
          session: null,
          recentOrders: [],
          openStaffCalls: [],
        })),
      );

      const placed = [];
      for (let i = 1; i <= 4; i++) placed.push(await place(f.tables[1].token, i, own.id));
      const res = await t
        .http()
        .get('/api/v1/admin/tables')
        .set(...admin())
        .expect(200);
      expect(res.body.map((x: { number: number }) => x.number)).toEqual([1, 2, 3]);
      expect(res.body[1]).toEqual({
        id: f.tables[1].id,
        number: 2,
        session: {
          id: placed[0].sessionId,
          startedAt: expect.stringMatching(/Z$/),
          totalAmount: 8000 * (1 + 2 + 3 + 4),
          orderCount: 4,
        },
        recentOrders: [placed[3], placed[2], placed[1]],
        openStaffCalls: [],
      });
      expect(res.body[0]).toEqual({
        id: f.tables[0].id,
        number: 1,
        session: null,
        recentOrders: [],
        openStaffCalls: [],
      });
      expect(Date.parse(res.body[1].session.startedAt)).toBeLessThanOrEqual(Date.parse(placed[0].createdAt));
    });

    it('is for admins only', async () => {
      await t.http().get('/api/v1/admin/tables').expect(401);
      const res = await t
        .http()
        .get('/api/v1/admin/tables')
        .set(...bearer(f.tables[0].token))
        .expect(403);
      expect(res.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
    });
  });

  describe('POST /api/v1/admin/tables/:id/complete (이용 완료)', () => {
    it('archives the session and its orders, ends it, writes table_reset; the next order starts a new session', async () => {
      const a = await place(f.tables[0].token, 1);
      const b = await place(f.tables[0].token, 2);
      await t
        .http()
        .patch(`/api/v1/admin/orders/${b.id}`)
        .set(...admin())
        .send({ status: 'PREPARING' })
        .expect(200);
      const res = await complete(f.tables[0].id).expect(200);
      expect(res.body).toEqual({
        sessionId: a.sessionId,
        tableId: f.tables[0].id,
        startedAt: expect.stringMatching(/Z$/),
        completedAt: expect.stringMatching(/Z$/),
        orderCount: 2,
        totalAmount: 24000,
      });
      expect(Date.parse(res.body.completedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.startedAt));

      // Live views no longer show them; admin GET by id of an archived order is 404.
      expect(
        (
          await t
            .http()
            .get('/api/v1/orders')
            .set(...bearer(f.tables[0].token))
        ).body,
      ).toEqual({
        sessionId: null,
        totalAmount: 0,
        orders: [],
      });
      const admins = await t
        .http()
        .get(`/api/v1/admin/orders?tableId=${f.tables[0].id}`)
        .set(...admin());
      expect(admins.body).toEqual([]);
      expect(
        (
          await t
            .http()
            .get(`/api/v1/admin/orders/${a.id}`)
            .set(...admin())
            .expect(404)
        ).body.error_code,
      ).toBe('ORDER_NOT_FOUND');

      // History holds the snapshot, items as [{menuId, menuName, menuPrice, options, note, unitPrice, quantity}]
      // in line order.
      const [session] = (await t.dataSource.query(
        `SELECT table_id, table_number, order_count, total_amount::int AS total_amount, completed_at
           FROM session_history WHERE id = $1`,
        [a.sessionId],
      )) as Array<Record<string, unknown>>;
      expect(session).toMatchObject({
        table_id: f.tables[0].id,
        table_number: 1,
        order_count: 2,
        total_amount: 24000,
      });
      expect(new Date(session.completed_at as string).toISOString()).toBe(res.body.completedAt);
      const orders = (await t.dataSource.query(
        `SELECT id, order_number, status, items, table_number FROM order_history WHERE session_id = $1 ORDER BY created_at`,
        [a.sessionId],
      )) as Array<Record<string, unknown>>;
      // Each line as archived: the snapshot of the menu at the time, without a subtotal.
      const line = (quantity: number) => ({
        menuId: menu.id,
        menuName: '비빔밥',
        menuPrice: 8000,
        options: [],
        note: null,
        unitPrice: 8000,
        quantity,
      });
      expect(
        orders.map((o) => ({ ...o, items: typeof o.items === 'string' ? JSON.parse(o.items) : o.items })),
      ).toEqual([
        { id: a.id, order_number: a.orderNumber, status: 'PENDING', table_number: 1, items: [line(1)] },
        { id: b.id, order_number: b.orderNumber, status: 'PREPARING', table_number: 1, items: [line(2)] },
      ]);
      const live = (await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM orders WHERE session_id = $1) AS orders,
                (SELECT count(*)::int FROM order_items WHERE order_id = ANY($2::uuid[])) AS items,
                (SELECT ended_at IS NOT NULL FROM table_sessions WHERE id = $1) AS ended`,
        [a.sessionId, [a.id, b.id]],
      )) as Array<Record<string, unknown>>;
      expect(live[0]).toEqual({ orders: 0, items: 0, ended: true });

      const [event] = (await t.dataSource.query(
        `SELECT table_id, payload FROM events WHERE store_id = $1 AND type = 'table_reset' ORDER BY id DESC LIMIT 1`,
        [f.store.id],
      )) as Array<{ table_id: string; payload: Record<string, unknown> }>;
      expect(event.table_id).toBe(f.tables[0].id);
      expect(event.payload).toMatchObject({ sessionId: a.sessionId, completedAt: res.body.completedAt });

      const next = await place(f.tables[0].token);
      expect(next.sessionId).not.toBe(a.sessionId);
      expect(next.orderNumber).toBe(b.orderNumber + 1);
    });

    it('answers 409 NO_ACTIVE_SESSION for an idle table, 404 for another store’s or an unknown table', async () => {
      expect((await complete(f.tables[2].id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
      for (const id of [other.tables[0].id, randomUUID()]) {
        expect((await complete(id).expect(404)).body.error_code).toBe('TABLE_NOT_FOUND');
      }
      expect((await complete('x').expect(400)).body.error_code).toBe('VALIDATION_ERROR');
      await t.http().post(`/api/v1/admin/tables/${f.tables[2].id}/complete`).expect(401);
      await t
        .http()
        .post(`/api/v1/admin/tables/${f.tables[2].id}/complete`)
        .set(...bearer(f.tables[2].token))
        .expect(403);
    });

    it('archives an empty session too (its only order was deleted)', async () => {
      const order = await place(f.tables[2].token);
      await complete(f.tables[2].id).expect(200);
      const lone = await place(f.tables[2].token);
      await t
        .http()
        .delete(`/api/v1/admin/orders/${lone.id}`)
        .set(...admin())
        .expect(204);
      const res = await complete(f.tables[2].id).expect(200);
      expect(res.body).toMatchObject({ sessionId: lone.sessionId, orderCount: 0, totalAmount: 0 });
      expect(order.sessionId).not.toBe(lone.sessionId);
    });
  });

  describe('POST /api/v1/admin/tables', () => {
    it('creates a table whose tablet can log in', async () => {
      const res = await t
        .http()
        .post('/api/v1/admin/tables')
        .set(...admin())
        .send({ number: 42, password: '테이블42' })
        .expect(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), number: 42 });
      await loginTable(t, f.store.code, 42, '테이블42');
      const [row] = (await t.dataSource.query(`SELECT store_id, password_hash FROM tables WHERE id = $1`, [
        res.body.id,
      ])) as Array<{ store_id: string; password_hash: string }>;
      expect(row.store_id).toBe(f.store.id);
      expect(row.password_hash).toMatch(/^\$2[aby]\$10\$/);
      // Numbers are per store: another store may use 42.
      await t
        .http()
        .post('/api/v1/admin/tables')
        .set(...bearer(other.admin.token))
        .send({ number: 42, password: 'pass' })
        .expect(201);
    });

    it('answers a taken number with 409 DUPLICATE_TABLE_NUMBER', async () => {
      const res = await t
        .http()
        .post('/api/v1/admin/tables')
        .set(...admin())
        .send({ number: 1, password: 'pass' })
        .expect(409);
      expect(res.body.error_code).toBe('DUPLICATE_TABLE_NUMBER');
    });

    it.each([
      [{ number: 0, password: 'pass' }, 'number'],
      [{ number: 1000, password: 'pass' }, 'number'],
      [{ number: 5.5, password: 'pass' }, 'number'],
      [{ number: '7', password: 'pass' }, 'number'],
      [{ number: 7, password: 'abc' }, 'password'],
      [{ number: 7, password: 'x'.repeat(65) }, 'password'],
      [{ number: 7, password: '가'.repeat(22) }, 'password'],
      [{ number: 7 }, 'password'],
      [{ number: 7, password: 'pass', storeId: randomUUID() }, 'storeId'],
    ])('refuses %j with 400 VALIDATION_ERROR', async (body, field) => {
      const res = await t
        .http()
        .post('/api/v1/admin/tables')
        .set(...admin())
        .send(body)
        .expect(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('is for admins only', async () => {
      await t.http().post('/api/v1/admin/tables').send({ number: 9, password: 'pass' }).expect(401);
      await t
        .http()
        .post('/api/v1/admin/tables')
        .set(...bearer(f.tables[0].token))
        .send({ number: 9, password: 'pass' })
        .expect(403);
    });
  });

  describe('PATCH /api/v1/admin/tables/:id', () => {
    it('changes the password: the old token fails, the old password fails, the new one logs in', async () => {
      const target = f.tables[2];
      await t
        .http()
        .get('/api/v1/orders')
        .set(...bearer(target.token))
        .expect(200);
      const res = await t
        .http()
        .patch(`/api/v1/admin/tables/${target.id}`)
        .set(...admin())
        .send({ password: 'brand-new' })
        .expect(200);
      expect(res.body).toEqual({ id: target.id, number: target.number });
      const old = await t
        .http()
        .get('/api/v1/orders')
        .set(...bearer(target.token))
        .expect(401);
      expect(old.body.error_code).toBe('INVALID_TOKEN');
      await expect(loginTable(t, f.store.code, target.number, target.password)).rejects.toThrow(/401/);
      const fresh = await loginTable(t, f.store.code, target.number, 'brand-new');
      await t
        .http()
        .get('/api/v1/orders')
        .set(...bearer(fresh))
        .expect(200);
      target.token = fresh;
      target.password = 'brand-new';
    });

    it('validates, and answers another store’s table with 404 TABLE_NOT_FOUND', async () => {
      const patch = (id: string, body: object) =>
        t
          .http()
          .patch(`/api/v1/admin/tables/${id}`)
          .set(...admin())
          .send(body);
      for (const body of [
        {},
        { password: 'abc' },
        { password: 'x'.repeat(65) },
        { password: 'good', number: 3 },
      ]) {
        expect((await patch(f.tables[0].id, body).expect(400)).body.error_code).toBe('VALIDATION_ERROR');
      }
      for (const id of [other.tables[0].id, randomUUID()]) {
        expect((await patch(id, { password: 'good' }).expect(404)).body.error_code).toBe('TABLE_NOT_FOUND');
      }
      // The other store's tablet still works.
      await t
        .http()
        .get('/api/v1/orders')
        .set(...bearer(other.tables[0].token))
        .expect(200);
      await t.http().patch(`/api/v1/admin/tables/${f.tables[0].id}`).send({ password: 'good' }).expect(401);
      await t
        .http()
        .patch(`/api/v1/admin/tables/${f.tables[0].id}`)
        .set(...bearer(f.tables[0].token))
        .send({ password: 'good' })
        .expect(403);
    });
  });

  describe('DELETE /api/v1/admin/tables/:id', () => {
    it('refuses a table with an active session (409), deletes it once completed; history stays', async () => {
      const created = await t
        .http()
        .post('/api/v1/admin/tables')
        .set(...admin())
        .send({ number: 77, password: 'pass' })
        .expect(201);
      const token = await loginTable(t, f.store.code, 77, 'pass');
      const order = await place(token);
      const del = () =>
        t
          .http()
          .delete(`/api/v1/admin/tables/${created.body.id}`)
          .set(...admin());
      expect((await del().expect(409)).body.error_code).toBe('TABLE_HAS_ACTIVE_SESSION');
      await complete(created.body.id).expect(200);
      await del().expect(204);
      expect((await del().expect(404)).body.error_code).toBe('TABLE_NOT_FOUND');
      await t
        .http()
        .get('/api/v1/orders')
        .set(...bearer(token))
        .expect(401);
      const archived = (await t.dataSource.query(`SELECT table_number FROM order_history WHERE id = $1`, [
        order.id,
      ])) as unknown[];
      expect(archived).toEqual([{ table_number: 77 }]);
      const dashboard = await t
        .http()
        .get('/api/v1/admin/tables')
        .set(...admin());
      expect(dashboard.body.map((x: { number: number }) => x.number)).not.toContain(77);
    });

    it('answers another store’s table with 404, a malformed id with 400, and is for admins only', async () => {
      await t
        .http()
        .delete(`/api/v1/admin/tables/${other.tables[0].id}`)
        .set(...admin())
        .expect(404);
      await t
        .http()
        .delete(`/api/v1/admin/tables/nope`)
        .set(...admin())
        .expect(400);
      await t.http().delete(`/api/v1/admin/tables/${f.tables[0].id}`).expect(401);
      await t
        .http()
        .delete(`/api/v1/admin/tables/${f.tables[0].id}`)
        .set(...bearer(f.tables[0].token))
        .expect(403);
    });
  });
});
