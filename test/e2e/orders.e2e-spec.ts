import { randomUUID } from 'node:crypto';
import { createCategory, createMenu, createTable } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginTable, StoreFixture, storeFixture } from '../utils/auth';

type App = TestApp & { env: TestEnv; stop(): Promise<void> };
type Menu = { id: string; name: string; price: number };
type Order = Record<string, unknown> & { id: string; sessionId: string; createdAt: string };

/**
 * The store `f`, its menus and the foreign store are set up once and never changed by a test: a test that changes a
 * menu makes its own, one that reads a table's orders places them on a table of its own (`newTable`), and one that
 * reads store-wide numbers or lists gets a store of its own (`freshStore`).
 */
describe('orders: placement, idempotency, reads, admin status and deletion', () => {
  let t: App;
  let f: StoreFixture;
  let other: StoreFixture;
  let menus: Menu[];
  let soldOut: Menu;
  let deleted: Menu;
  let foreignMenu: Menu;

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 3);
    other = await storeFixture(t, 1);
    menus = await menuRows(f.store.id);
    const category = await createCategory(t.dataSource, f.store.id);
    soldOut = await createMenu(t.dataSource, f.store.id, category.id, { name: '품절', isAvailable: false });
    deleted = await createMenu(t.dataSource, f.store.id, category.id, { name: '삭제됨' });
    await t.dataSource.query(`UPDATE menus SET deleted_at = now() WHERE id = $1`, [deleted.id]);
    const otherCategory = await createCategory(t.dataSource, other.store.id);
    foreignMenu = await createMenu(t.dataSource, other.store.id, otherCategory.id, { name: '남의 메뉴' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const menuRows = async (storeId: string): Promise<Menu[]> => {
    const category = await createCategory(t.dataSource, storeId);
    return [
      await createMenu(t.dataSource, storeId, category.id, { name: '김치찌개', price: 9000 }),
      await createMenu(t.dataSource, storeId, category.id, { name: '공기밥', price: 1000 }),
      await createMenu(t.dataSource, storeId, category.id, { name: '소주', price: 5000 }),
    ];
  };
  const freshStore = async (): Promise<{ f: StoreFixture; menus: Menu[] }> => {
    const fixture = await storeFixture(t, 1);
    return { f: fixture, menus: await menuRows(fixture.store.id) };
  };
  const newTable = async (): Promise<{ id: string; number: number; token: string }> => {
    const table = await createTable(t.dataSource, f.store.id);
    return { ...table, token: await loginTable(t, f.store.code, table.number, table.password) };
  };

  const place = (token: string, body: unknown, key?: string) => {
    const req = t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(token));
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body as object);
  };
  const one = (menu: Menu, quantity = 1) => ({ items: [{ menuId: menu.id, quantity }] });
  const tableOrders = (token: string) =>
    t
      .http()
      .get('/api/v1/orders')
      .set(...bearer(token));
  const adminGetOf = (path: string, fixture = f) =>
    t
      .http()
      .get(`/api/v1/admin${path}`)
      .set(...bearer(fixture.admin.token));
  const adminGet = (path: string) => adminGetOf(path);
  const countOrders = async (storeId = f.store.id): Promise<number> =>
    (
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM orders WHERE store_id = $1`, [
        storeId,
      ])) as Array<{
        n: number;
      }>
    )[0].n;
  const events = async (type: string, storeId = f.store.id) =>
    (
      (await t.dataSource.query(
        `SELECT table_id, payload FROM events WHERE store_id = $1 AND type = $2 ORDER BY id`,
        [storeId, type],
      )) as Array<{ table_id: string; payload: Record<string, unknown> }>
    ).map((e) => ({
      tableId: e.table_id,
      ...(typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload),
    }));

  describe('POST /api/v1/orders', () => {
    it('places an order: snapshots, server total, a new session, number 1 and a new_order event', async () => {
      const { f, menus } = await freshStore();
      expect((await tableOrders(f.tables[0].token).expect(200)).body).toEqual({
        sessionId: null,
        totalAmount: 0,
        orders: [],
      });
      const res = await place(f.tables[0].token, {
        items: [
          { menuId: menus[0].id, quantity: 2 },
          { menuId: menus[1].id, quantity: 3 },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        orderNumber: 1,
        tableId: f.tables[0].id,
        tableNumber: 1,
        sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'PENDING',
        note: null,
        items: [
          {
            menuId: menus[0].id,
            menuName: '김치찌개',
            menuPrice: 9000,
            options: [],
            note: null,
            unitPrice: 9000,
            quantity: 2,
            subtotal: 18000,
          },
          {
            menuId: menus[1].id,
            menuName: '공기밥',
            menuPrice: 1000,
            options: [],
            note: null,
            unitPrice: 1000,
            quantity: 3,
            subtotal: 3000,
          },
        ],
        totalAmount: 21000,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: res.body.createdAt,
      });
      const created = await events('new_order', f.store.id);
      expect(created).toEqual([
        expect.objectContaining({ tableId: f.tables[0].id, storeId: f.store.id, order: res.body }),
      ]);
    });

    it('keeps the snapshot when the menu changes later, and numbers the next order 2 in the same session', async () => {
      const { f, menus } = await freshStore();
      const first = (await place(f.tables[0].token, one(menus[0], 2)).expect(201)).body as Order;
      await t.dataSource.query(`UPDATE menus SET price = 12000, name = '김치찌개 (특)' WHERE id = $1`, [
        menus[0].id,
      ]);
      const second = await place(f.tables[0].token, one(menus[2], 1)).expect(201);
      expect(second.body).toMatchObject({ orderNumber: 2, sessionId: first.sessionId, totalAmount: 5000 });
      const list = await tableOrders(f.tables[0].token).expect(200);
      expect(list.body).toEqual({
        sessionId: first.sessionId,
        totalAmount: 23000,
        orders: [first, second.body],
      });
      expect(list.body.orders[0].items[0]).toMatchObject({ menuName: '김치찌개', unitPrice: 9000 });
    });

    it('never shows a table another table’s orders', async () => {
      const [neighbour, table] = [await newTable(), await newTable()];
      const theirs = (await place(neighbour.token, one(menus[0], 2)).expect(201)).body as Order;
      const res = await tableOrders(table.token).expect(200);
      expect(res.body).toEqual({ sessionId: null, totalAmount: 0, orders: [] });
      const mine = await place(table.token, one(menus[1], 4)).expect(201);
      expect(mine.body.sessionId).not.toBe(theirs.sessionId);
      const again = await tableOrders(table.token).expect(200);
      expect(again.body.orders.map((o: { id: string }) => o.id)).toEqual([mine.body.id]);
      expect(again.body.totalAmount).toBe(4000);
    });

    it.each([
      ['no items', {}, 'items'],
      ['an empty list', { items: [] }, 'items'],
      [
        '51 lines',
        { items: Array.from({ length: 51 }, () => ({ menuId: randomUUID(), quantity: 1 })) },
        'items',
      ],
      ['quantity 0', { items: [{ menuId: 'M0', quantity: 0 }] }, 'items.0.quantity'],
      ['quantity 101', { items: [{ menuId: 'M0', quantity: 101 }] }, 'items.0.quantity'],
      ['quantity 1.5', { items: [{ menuId: 'M0', quantity: 1.5 }] }, 'items.0.quantity'],
      ['quantity as a string', { items: [{ menuId: 'M0', quantity: '2' }] }, 'items.0.quantity'],
      ['a menuId that is no UUID', { items: [{ menuId: 'nope', quantity: 1 }] }, 'items.0.menuId'],
      ['an unknown field', { items: [{ menuId: 'M0', quantity: 1 }], tableId: randomUUID() }, 'tableId'],
      ['an unknown line field', { items: [{ menuId: 'M0', quantity: 1, price: 1 }] }, 'items.0.price'],
      [
        'the same menu twice with the same (no) options and note',
        {
          items: [
            { menuId: 'M0', quantity: 1 },
            { menuId: 'M0', quantity: 2 },
          ],
        },
        'items',
      ],
    ])('answers %s with 400 VALIDATION_ERROR', async (_name, raw, field) => {
      const body = JSON.parse(JSON.stringify(raw).replaceAll('"M0"', JSON.stringify(menus[0].id)));
      const before = await countOrders();
      const res = await place(f.tables[2].token, body).expect(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await countOrders()).toBe(before);
    });

    it('accepts 50 lines and quantity 100 (the limits)', async () => {
      const category = await createCategory(t.dataSource, f.store.id);
      const many: Menu[] = [];
      for (let i = 0; i < 50; i++)
        many.push(await createMenu(t.dataSource, f.store.id, category.id, { price: 10 }));
      const res = await place(f.tables[2].token, {
        items: many.map((m, i) => ({ menuId: m.id, quantity: i === 0 ? 100 : 1 })),
      }).expect(201);
      expect(res.body.items).toHaveLength(50);
      expect(res.body.items.map((l: { menuId: string }) => l.menuId)).toEqual(many.map((m) => m.id));
      expect(res.body.totalAmount).toBe(100 * 10 + 49 * 10);
    });

    it.each([
      ['an unknown menu', () => randomUUID()],
      ['another store’s menu', () => foreignMenu.id],
      ['a deleted menu', () => deleted.id],
    ])('answers %s with 404 MENU_NOT_FOUND and creates nothing', async (_name, id) => {
      const before = await countOrders();
      const res = await place(f.tables[2].token, {
        items: [
          { menuId: menus[0].id, quantity: 1 },
          { menuId: id(), quantity: 1 },
        ],
      }).expect(404);
      expect(res.body.error_code).toBe('MENU_NOT_FOUND');
      expect(await countOrders()).toBe(before);
    });

    it('answers a sold-out menu with 409 MENU_UNAVAILABLE', async () => {
      const before = await countOrders();
      const res = await place(f.tables[2].token, one(soldOut)).expect(409);
      expect(res.body.error_code).toBe('MENU_UNAVAILABLE');
      expect(await countOrders()).toBe(before);
    });

    it('keeps no key for an order that failed: the same key succeeds once the menu is back', async () => {
      const category = await createCategory(t.dataSource, f.store.id);
      const menu = await createMenu(t.dataSource, f.store.id, category.id, { isAvailable: false });
      const key = `sold-out-${randomUUID()}`;
      await place(f.tables[2].token, one(menu), key).expect(409);
      await t.dataSource.query(`UPDATE menus SET is_available = true WHERE id = $1`, [menu.id]);
      const retry = await place(f.tables[2].token, one(menu), key).expect(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
    });

    it('is for tables only: 401 without a token, 403 for an admin', async () => {
      expect((await t.http().post('/api/v1/orders').send(one(menus[0])).expect(401)).body.error_code).toBe(
        'TOKEN_MISSING',
      );
      const res = await place(f.admin.token, one(menus[0])).expect(403);
      expect(res.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
      await t.http().get('/api/v1/orders').expect(401);
      await tableOrders(f.admin.token).expect(403);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response (status, body, Idempotent-Replayed) and creates nothing', async () => {
      const key = `k-${randomUUID()}`;
      const body = one(menus[0], 2);
      const firstRes = await place(f.tables[0].token, body, key).expect(201);
      const before = await countOrders();
      const eventsBefore = (await events('new_order')).length;
      const replay = await place(f.tables[0].token, body, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(firstRes.body);
      expect(replay.text).toBe(firstRes.text);
      expect(await countOrders()).toBe(before);
      expect((await events('new_order')).length).toBe(eventsBefore);
    });

    it('treats the same body sent differently (field order, spacing) as the same request', async () => {
      const key = `k-${randomUUID()}`;
      const firstRes = await place(f.tables[0].token, one(menus[1], 1), key).expect(201);
      const replay = await t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(f.tables[0].token))
        .set('Idempotency-Key', key)
        .set('Content-Type', 'application/json')
        .send(`{ "items" : [ { "quantity": 1, "menuId": "${menus[1].id}" } ] }`)
        .expect(201);
      expect(replay.body.id).toBe(firstRes.body.id);
    });

    it('answers the same key with another body with 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const key = `k-${randomUUID()}`;
      await place(f.tables[0].token, one(menus[0], 1), key).expect(201);
      const before = await countOrders();
      const res = await place(f.tables[0].token, one(menus[0], 2), key).expect(422);
      expect(res.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await countOrders()).toBe(before);
    });

    it('scopes keys to the table: the same key on two tables creates two orders', async () => {
      const key = `shared-${randomUUID()}`;
      const a = await place(f.tables[0].token, one(menus[2]), key).expect(201);
      const b = await place(f.tables[1].token, one(menus[2]), key).expect(201);
      expect(b.headers['idempotent-replayed']).toBeUndefined();
      expect(b.body.id).not.toBe(a.body.id);
      expect(b.body.tableId).toBe(f.tables[1].id);
    });

    it('treats a key older than 24 h as absent', async () => {
      const key = `old-${randomUUID()}`;
      const firstRes = await place(f.tables[0].token, one(menus[0], 1), key).expect(201);
      await t.dataSource.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours', expires_at = now() - interval '1 hour'
         WHERE table_id = $1 AND key = $2`,
        [f.tables[0].id, key],
      );
      const res = await place(f.tables[0].token, one(menus[0], 3), key).expect(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(res.body.id).not.toBe(firstRes.body.id);
      const replay = await place(f.tables[0].token, one(menus[0], 3), key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(res.body.id);
    });

    it.each([
      ['empty', ''],
      ['256 characters', 'k'.repeat(256)],
      ['a space', 'two words'],
      ['a non-ASCII character', 'caf\u00e9'],
    ])('refuses a key with %s: 400 IDEMPOTENCY_KEY_INVALID', async (_name, key) => {
      const before = await countOrders();
      const res = await place(f.tables[0].token, one(menus[0]), key).expect(400);
      expect(res.body.error_code).toBe('IDEMPOTENCY_KEY_INVALID');
      expect(await countOrders()).toBe(before);
    });

    it('accepts a 255-character key of visible ASCII', async () => {
      const key = ('!~' + randomUUID()).padEnd(255, 'x');
      await place(f.tables[0].token, one(menus[0]), key).expect(201);
      const replay = await place(f.tables[0].token, one(menus[0]), key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });
  });

  describe('admin orders', () => {
    /** Two orders on a table of their own, in the order they were placed. */
    const twoOrders = async (table?: { token: string }, menu = menus) => {
      const tablet = table ?? (await newTable());
      return [
        (await place(tablet.token, one(menu[0], 1)).expect(201)).body as Order,
        (await place(tablet.token, one(menu[1], 2)).expect(201)).body as Order,
      ];
    };

    it('lists the store’s live orders newest first, filtered by table and status', async () => {
      const { f, menus } = await freshStore();
      const adminGet = (path: string) => adminGetOf(path, f);
      const [orderA, orderB] = await twoOrders(f.tables[0], menus);
      await place(f.tables[0].token, one(menus[2])).expect(201);
      const all = await adminGet('/orders').expect(200);
      expect(all.body.length).toBe(await countOrders(f.store.id));
      const created = all.body.map((o: { createdAt: string; orderNumber: number }) => [
        o.createdAt,
        o.orderNumber,
      ]);
      const sorted = [...created].sort((x, y) => (x[0] === y[0] ? y[1] - x[1] : x[0] < y[0] ? 1 : -1));
      expect(created).toEqual(sorted);
      expect(all.body.every((o: { tableId: string }) => o.tableId !== other.tables[0].id)).toBe(true);

      const byTable = await adminGet(`/orders?tableId=${f.tables[0].id}`).expect(200);
      expect(byTable.body.slice(1, 3)).toEqual([orderB, orderA]);
      expect(byTable.body.every((o: { tableId: string }) => o.tableId === f.tables[0].id)).toBe(true);

      const pending = await adminGet(`/orders?tableId=${f.tables[0].id}&status=PENDING`).expect(200);
      expect(pending.body.length).toBe(byTable.body.length);
      expect((await adminGet(`/orders?status=COMPLETED`).expect(200)).body).toEqual([]);
    });

    it('validates the filters, and answers another store’s table with 404 TABLE_NOT_FOUND', async () => {
      for (const query of ['status=DONE', 'tableId=42', 'color=red']) {
        const res = await adminGet(`/orders?${query}`).expect(400);
        expect(res.body.error_code).toBe('VALIDATION_ERROR');
      }
      for (const id of [other.tables[0].id, randomUUID()]) {
        expect((await adminGet(`/orders?tableId=${id}`).expect(404)).body.error_code).toBe('TABLE_NOT_FOUND');
      }
    });

    it('gets one order; another store’s or an unknown id is 404 ORDER_NOT_FOUND, a malformed one 400', async () => {
      const [orderA] = await twoOrders();
      expect((await adminGet(`/orders/${orderA.id}`).expect(200)).body).toEqual(orderA);
      const foreign = (await place(other.tables[0].token, one(foreignMenu)).expect(201)).body;
      for (const id of [foreign.id, randomUUID()]) {
        expect((await adminGet(`/orders/${id}`).expect(404)).body.error_code).toBe('ORDER_NOT_FOUND');
      }
      expect((await adminGet('/orders/not-a-uuid').expect(400)).body.error_code).toBe('VALIDATION_ERROR');
    });

    it('moves status forward only, writing order_updated; same or backward is 409', async () => {
      const table = await newTable();
      const [orderA, orderB] = await twoOrders(table);
      const patch = (id: string, status: unknown) =>
        t
          .http()
          .patch(`/api/v1/admin/orders/${id}`)
          .set(...bearer(f.admin.token))
          .send({ status });
      const res = await patch(orderA.id, 'PREPARING').expect(200);
      expect(res.body).toEqual({ ...orderA, status: 'PREPARING', updatedAt: expect.any(String) });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(orderA.createdAt as string));
      for (const status of ['PREPARING', 'PENDING']) {
        expect((await patch(orderA.id, status).expect(409)).body.error_code).toBe(
          'INVALID_STATUS_TRANSITION',
        );
      }
      await patch(orderA.id, 'COMPLETED').expect(200);
      for (const status of ['COMPLETED', 'PREPARING', 'PENDING']) {
        expect((await patch(orderA.id, status).expect(409)).body.error_code).toBe(
          'INVALID_STATUS_TRANSITION',
        );
      }
      // PENDING may skip PREPARING.
      expect((await patch(orderB.id, 'COMPLETED').expect(200)).body.status).toBe('COMPLETED');

      const updates = (await events('order_updated')).filter((e) => e.tableId === table.id);
      expect(updates.map((e) => [e.tableId, (e.order as { status: string }).status])).toEqual([
        [table.id, 'PREPARING'],
        [table.id, 'COMPLETED'],
        [table.id, 'COMPLETED'],
      ]);
      expect(
        (await tableOrders(table.token)).body.orders.find((o: { id: string }) => o.id === orderA.id),
      ).toMatchObject({ status: 'COMPLETED' });

      for (const body of [{}, { status: 'DONE' }, { status: 'PREPARING', extra: 1 }]) {
        await t
          .http()
          .patch(`/api/v1/admin/orders/${orderA.id}`)
          .set(...bearer(f.admin.token))
          .send(body)
          .expect(400);
      }
      const foreign = (await place(other.tables[0].token, one(foreignMenu)).expect(201)).body;
      expect((await patch(foreign.id, 'PREPARING').expect(404)).body.error_code).toBe('ORDER_NOT_FOUND');
      expect((await patch(randomUUID(), 'PREPARING').expect(404)).body.error_code).toBe('ORDER_NOT_FOUND');
    });

    it('deletes an order: gone from lists and totals, kept in order_deletions with who and when', async () => {
      const table = await newTable();
      await twoOrders(table);
      const victim = (await place(table.token, one(menus[2], 2)).expect(201)).body;
      const before = (await tableOrders(table.token)).body;
      await t
        .http()
        .delete(`/api/v1/admin/orders/${victim.id}`)
        .set(...bearer(f.admin.token))
        .expect(204);
      const after = (await tableOrders(table.token)).body;
      expect(after.totalAmount).toBe(before.totalAmount - 10000);
      expect(after.orders.map((o: { id: string }) => o.id)).not.toContain(victim.id);
      expect((await adminGet('/orders').expect(200)).body.map((o: { id: string }) => o.id)).not.toContain(
        victim.id,
      );
      expect((await adminGet(`/orders/${victim.id}`).expect(404)).body.error_code).toBe('ORDER_NOT_FOUND');
      const dashboard = (await adminGet('/tables').expect(200)).body.find(
        (x: { id: string }) => x.id === table.id,
      );
      expect(dashboard.session.totalAmount).toBe(after.totalAmount);

      const [audit] = (await t.dataSource.query(
        `SELECT order_id, table_id, order_number, total_amount, snapshot, deleted_by, deleted_at
         FROM order_deletions WHERE order_id = $1`,
        [victim.id],
      )) as Array<Record<string, unknown>>;
      expect(audit).toMatchObject({
        order_id: victim.id,
        table_id: table.id,
        order_number: victim.orderNumber,
        total_amount: 10000,
        deleted_by: f.admin.id,
      });
      const snapshot = typeof audit.snapshot === 'string' ? JSON.parse(audit.snapshot) : audit.snapshot;
      expect(snapshot).toEqual(victim);
      expect(Math.abs(Date.now() - new Date(audit.deleted_at as string).getTime())).toBeLessThan(60_000);
      expect((await events('order_deleted')).at(-1)).toMatchObject({
        tableId: table.id,
        orderId: victim.id,
      });

      // Completing the table afterwards archives everything but the deleted order.
      const done = await t
        .http()
        .post(`/api/v1/admin/tables/${table.id}/complete`)
        .set(...bearer(f.admin.token))
        .expect(200);
      expect(done.body.totalAmount).toBe(after.totalAmount);
      const archived = (await t.dataSource.query(`SELECT id FROM order_history WHERE id = $1`, [
        victim.id,
      ])) as unknown[];
      expect(archived).toEqual([]);

      await t
        .http()
        .delete(`/api/v1/admin/orders/${victim.id}`)
        .set(...bearer(f.admin.token))
        .expect(404);
      const foreign = (await place(other.tables[0].token, one(foreignMenu)).expect(201)).body;
      await t
        .http()
        .delete(`/api/v1/admin/orders/${foreign.id}`)
        .set(...bearer(f.admin.token))
        .expect(404);
      await t
        .http()
        .delete(`/api/v1/admin/orders/nope`)
        .set(...bearer(f.admin.token))
        .expect(400);
    });

    it('is for admins only: 401 without a token, 403 for a table', async () => {
      const [{ id }] = await twoOrders();
      await t.http().get('/api/v1/admin/orders').expect(401);
      await t.http().get(`/api/v1/admin/orders/${id}`).expect(401);
      await t.http().patch(`/api/v1/admin/orders/${id}`).send({ status: 'COMPLETED' }).expect(401);
      await t.http().delete(`/api/v1/admin/orders/${id}`).expect(401);
      const tok = bearer(f.tables[0].token);
      for (const res of [
        await t
          .http()
          .get('/api/v1/admin/orders')
          .set(...tok),
        await t
          .http()
          .get(`/api/v1/admin/orders/${id}`)
          .set(...tok),
        await t
          .http()
          .patch(`/api/v1/admin/orders/${id}`)
          .set(...tok)
          .send({ status: 'COMPLETED' }),
        await t
          .http()
          .delete(`/api/v1/admin/orders/${id}`)
          .set(...tok),
      ]) {
        expect([res.status, res.body.error_code]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
      }
    });
  });
});
