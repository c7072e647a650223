import { randomUUID } from 'node:crypto';
import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';
import { openSse, SseClient } from '../utils/sse';

type App = TestApp & { env: TestEnv; stop(): Promise<void> };
// oxlint-disable-next-line typescript/no-explicit-any -- response bodies
type Body = any;

/** Running the floor: staff calls, a table cancelling its own order, moving and merging tables. */
describe('floor: staff calls, table cancel, move and merge', () => {
  let t: App;
  let f: StoreFixture;
  let other: StoreFixture;
  let menuId: string;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 8);
    other = await storeFixture(t, 1);
    const category = await createCategory(t.dataSource, f.store.id);
    menuId = (await createMenu(t.dataSource, f.store.id, category.id, { name: '냉면', price: 9000 })).id;
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await t?.stop();
  });

  const admin = () => bearer(f.admin.token);
  const table = (i: number) => bearer(f.tables[i].token);
  const place = async (i: number, quantity = 1): Promise<Body> =>
    (
      await t
        .http()
        .post('/api/v1/orders')
        .set(...table(i))
        .send({ items: [{ menuId, quantity }] })
        .expect(201)
    ).body;
  const press = (i: number, body: object) =>
    t
      .http()
      .post('/api/v1/staff-calls')
      .set(...table(i))
      .send(body);
  const tableOrders = async (i: number): Promise<Body> =>
    (
      await t
        .http()
        .get('/api/v1/orders')
        .set(...table(i))
        .expect(200)
    ).body;
  const setStatus = (orderId: string, status: string) =>
    t
      .http()
      .patch(`/api/v1/admin/orders/${orderId}`)
      .set(...admin())
      .send({ status });
  const move = (from: string, toTableId: string, token = f.admin.token) =>
    t
      .http()
      .post(`/api/v1/admin/tables/${from}/move`)
      .set(...bearer(token))
      .send({ toTableId });
  const merge = (from: string, intoTableId: string) =>
    t
      .http()
      .post(`/api/v1/admin/tables/${from}/merge`)
      .set(...admin())
      .send({ intoTableId });
  const complete = (tableId: string) =>
    t
      .http()
      .post(`/api/v1/admin/tables/${tableId}/complete`)
      .set(...admin());
  const stream = async (path: string, token: string): Promise<SseClient> => {
    const client = await openSse(t.url, path, { headers: { Authorization: `Bearer ${token}` } });
    expect(client.status).toBe(200);
    streams.push(client);
    return client;
  };
  const adminCalls = async (status?: string): Promise<Body[]> =>
    (
      await t
        .http()
        .get(`/api/v1/admin/staff-calls${status ? `?status=${status}` : ''}`)
        .set(...admin())
        .expect(200)
    ).body;
  const eventsOf = async (type: string): Promise<Body[]> =>
    (
      (await t.dataSource.query(
        `SELECT payload FROM events WHERE store_id = $1 AND type = $2 ORDER BY store_seq`,
        [f.store.id, type],
      )) as Array<{ payload: Body }>
    ).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));

  it('documents the new routes, the staff call schema and the new events', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as Body;
    const expected: Array<[string, string, string[]]> = [
      ['/api/v1/staff-calls', 'post', ['200', '201', '400', '401', '403']],
      ['/api/v1/staff-calls', 'get', ['200', '401', '403']],
      ['/api/v1/admin/staff-calls', 'get', ['200', '400']],
      ['/api/v1/admin/staff-calls/{id}/resolve', 'post', ['200', '400', '404']],
      ['/api/v1/orders/{id}', 'delete', ['204', '400', '404', '409']],
      ['/api/v1/admin/tables/{id}/move', 'post', ['200', '400', '404', '409']],
      ['/api/v1/admin/tables/{id}/merge', 'post', ['200', '400', '404', '409']],
    ];
    for (const [path, method, statuses] of expected) {
      expect({ path, method, statuses: Object.keys(doc.paths[path]?.[method]?.responses ?? {}) }).toEqual({
        path,
        method,
        statuses: expect.arrayContaining(statuses),
      });
    }
    expect(Object.keys(doc.components.schemas.StaffCallDto.properties).sort()).toEqual(
      ['id', 'tableId', 'tableNumber', 'reason', 'message', 'status', 'createdAt', 'resolvedAt'].sort(),
    );
    expect(doc.components.schemas.StaffCallDto.properties.reason.enum).toEqual([
      'CALL',
      'WATER',
      'CUTLERY',
      'NAPKINS',
      'BILL',
      'OTHER',
    ]);
    expect(Object.keys(doc.components.schemas.TableMoveResultDto.properties).sort()).toEqual(
      ['sessionId', 'fromTableId', 'toTableId', 'orderCount', 'totalAmount'].sort(),
    );
    expect(Object.keys(doc.components.schemas.DashboardTableDto.properties)).toContain('openStaffCalls');
    for (const path of ['/api/v1/admin/events', '/api/v1/orders/events']) {
      const schema = doc.paths[path].get.responses['200'].content['text/event-stream'].schema;
      expect(Object.keys(schema.discriminator.mapping)).toEqual(
        expect.arrayContaining(['table_moved', 'staff_call', 'staff_call_resolved']),
      );
      expect(schema.oneOf).toEqual(
        expect.arrayContaining([
          { $ref: '#/components/schemas/TableMovedEventDto' },
          { $ref: '#/components/schemas/StaffCallEventDto' },
          { $ref: '#/components/schemas/StaffCallResolvedEventDto' },
        ]),
      );
    }
    expect(doc.info.description).toContain('STAFF_CALL_NOT_FOUND');
    expect(doc.info.description).toContain('ORDER_NOT_CANCELLABLE');
  });

  describe('staff calls (직원 호출)', () => {
    it('opens a call (201), answers the same open reason again unchanged (200), sends one event', async () => {
      const adminStream = await stream('/api/v1/admin/events', f.admin.token);
      const ownStream = await stream('/api/v1/orders/events', f.tables[0].token);
      const otherStream = await stream('/api/v1/orders/events', f.tables[1].token);
      const first = await press(0, { reason: 'WATER', message: '  물 두 잔  ' }).expect(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        tableId: f.tables[0].id,
        tableNumber: 1,
        reason: 'WATER',
        message: '물 두 잔',
        status: 'OPEN',
        createdAt: expect.stringMatching(/Z$/),
        resolvedAt: null,
      });
      for (let i = 0; i < 3; i++) {
        const again = await press(0, { reason: 'WATER', message: 'another message' }).expect(200);
        expect(again.body).toEqual(first.body);
      }
      const call = await press(0, { reason: 'CALL', message: '   ' }).expect(201);
      expect(call.body.message).toBeNull();
      const bill = await press(0, { reason: 'BILL' }).expect(201);
      expect(bill.body.message).toBeNull();

      await adminStream.waitForEvents(3);
      await ownStream.waitForEvents(3);
      await new Promise((r) => setTimeout(r, 300));
      expect(adminStream.events.map((e) => [e.event, e.json.call.reason])).toEqual([
        ['staff_call', 'WATER'],
        ['staff_call', 'CALL'],
        ['staff_call', 'BILL'],
      ]);
      expect(ownStream.events.map((e) => e.event)).toEqual(['staff_call', 'staff_call', 'staff_call']);
      expect(adminStream.events[0].json).toEqual({
        eventId: Number(adminStream.events[0].id),
        storeId: f.store.id,
        tableId: f.tables[0].id,
        occurredAt: expect.stringMatching(/Z$/),
        call: first.body,
      });
      expect(otherStream.events).toEqual([]);

      // The table sees its own open calls, oldest first; another table none of them.
      const mine = await t
        .http()
        .get('/api/v1/staff-calls')
        .set(...table(0))
        .expect(200);
      expect(mine.body.map((c: Body) => c.id)).toEqual([first.body.id, call.body.id, bill.body.id]);
      const theirs = await t
        .http()
        .get('/api/v1/staff-calls')
        .set(...table(1))
        .expect(200);
      expect(theirs.body).toEqual([]);

      // The admin lists them (OPEN is the default) and resolves one: an event, then idempotent.
      expect((await adminCalls()).map((c) => c.id)).toEqual([first.body.id, call.body.id, bill.body.id]);
      const resolved = await t
        .http()
        .post(`/api/v1/admin/staff-calls/${first.body.id}/resolve`)
        .set(...admin())
        .expect(200);
      expect(resolved.body).toEqual({
        ...first.body,
        status: 'RESOLVED',
        resolvedAt: expect.stringMatching(/Z$/),
      });
      const twice = await t
        .http()
        .post(`/api/v1/admin/staff-calls/${first.body.id}/resolve`)
        .set(...admin())
        .expect(200);
      expect(twice.body).toEqual(resolved.body);
      await adminStream.waitForEvents(4);
      await ownStream.waitForEvents(4);
      await new Promise((r) => setTimeout(r, 300));
      expect(adminStream.events.slice(3).map((e) => [e.event, e.json.call])).toEqual([
        ['staff_call_resolved', resolved.body],
      ]);
      expect(ownStream.events.length).toBe(4);
      expect(otherStream.events).toEqual([]);

      expect((await adminCalls('OPEN')).map((c) => c.id)).toEqual([call.body.id, bill.body.id]);
      expect((await adminCalls('RESOLVED')).map((c) => c.id)).toEqual([first.body.id]);
      // Once resolved, the same reason opens a new call.
      const anew = await press(0, { reason: 'WATER' }).expect(201);
      expect(anew.body.id).not.toBe(first.body.id);
      [adminStream, ownStream, otherStream].forEach((s) => s.close());
    });

    it('lists RESOLVED calls of the last 24 h newest first by resolvedAt', async () => {
      const a = (await press(2, { reason: 'NAPKINS' }).expect(201)).body;
      const b = (await press(2, { reason: 'CUTLERY' }).expect(201)).body;
      for (const id of [b.id, a.id]) {
        await t
          .http()
          .post(`/api/v1/admin/staff-calls/${id}/resolve`)
          .set(...admin())
          .expect(200);
      }
      const old = (await press(2, { reason: 'OTHER', message: 'old' }).expect(201)).body;
      await t.dataSource.query(
        `UPDATE staff_calls SET status = 'RESOLVED', created_at = now() - interval '30 hours',
                resolved_at = now() - interval '25 hours' WHERE id = $1`,
        [old.id],
      );
      const resolved = (await adminCalls('RESOLVED')).filter((c) => c.tableId === f.tables[2].id);
      expect(resolved.map((c) => c.id)).toEqual([a.id, b.id]);
      expect(Date.parse(resolved[0].resolvedAt)).toBeGreaterThanOrEqual(Date.parse(resolved[1].resolvedAt));
    });

    it('refuses bad bodies, other roles and unknown or foreign calls', async () => {
      for (const body of [
        {},
        { reason: 'BEER' },
        { reason: 'water' },
        { reason: 'CALL', message: 'x'.repeat(101) },
        { reason: 'CALL', message: 5 },
        { reason: 'CALL', extra: true },
      ]) {
        const res = await press(3, body);
        expect({ body, status: res.status, code: res.body.error_code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_ERROR',
        });
      }
      // 100 characters (code points) is the limit, emoji included.
      expect((await press(3, { reason: 'OTHER', message: '🍜'.repeat(100) }).expect(201)).body.message).toBe(
        '🍜'.repeat(100),
      );
      await t
        .http()
        .post('/api/v1/staff-calls')
        .set(...admin())
        .send({ reason: 'CALL' })
        .expect(403);
      await t
        .http()
        .get('/api/v1/admin/staff-calls')
        .set(...table(0))
        .expect(403);
      const bad = await t
        .http()
        .get('/api/v1/admin/staff-calls?status=CLOSED')
        .set(...admin())
        .expect(400);
      expect(bad.body.error_code).toBe('VALIDATION_ERROR');

      const foreign = await t
        .http()
        .post('/api/v1/staff-calls')
        .set(...bearer(other.tables[0].token))
        .send({ reason: 'CALL' })
        .expect(201);
      for (const id of [foreign.body.id, randomUUID()]) {
        const res = await t
          .http()
          .post(`/api/v1/admin/staff-calls/${id}/resolve`)
          .set(...admin())
          .expect(404);
        expect(res.body.error_code).toBe('STAFF_CALL_NOT_FOUND');
      }
      expect((await adminCalls()).map((c) => c.id)).not.toContain(foreign.body.id);
      await t
        .http()
        .post('/api/v1/admin/staff-calls/not-a-uuid/resolve')
        .set(...admin())
        .expect(400);
    });

    it('shows open calls on the dashboard, oldest first, and 이용 완료 resolves them', async () => {
      await place(4);
      const a = (await press(4, { reason: 'BILL' }).expect(201)).body;
      const b = (await press(4, { reason: 'WATER' }).expect(201)).body;
      const dashboard = await t
        .http()
        .get('/api/v1/admin/tables')
        .set(...admin())
        .expect(200);
      const row = dashboard.body.find((x: Body) => x.id === f.tables[4].id);
      expect(row.openStaffCalls).toEqual([a, b]);
      expect(dashboard.body.find((x: Body) => x.id === f.tables[5].id).openStaffCalls).toEqual([]);

      const adminStream = await stream('/api/v1/admin/events', f.admin.token);
      await complete(f.tables[4].id).expect(200);
      await adminStream.waitForEvents(3);
      expect(adminStream.events.map((e) => [e.event, e.json.call?.id ?? null])).toEqual([
        ['staff_call_resolved', a.id],
        ['staff_call_resolved', b.id],
        ['table_reset', null],
      ]);
      expect(adminStream.events[0].json.call).toMatchObject({
        status: 'RESOLVED',
        resolvedAt: expect.any(String),
      });
      const open = await t
        .http()
        .get('/api/v1/staff-calls')
        .set(...table(4))
        .expect(200);
      expect(open.body).toEqual([]);
      adminStream.close();
    });
  });

  describe('DELETE /api/v1/orders/:id (a table cancels its own PENDING order)', () => {
    it('removes it as an admin deletion does, with the table recorded as the actor', async () => {
      const keep = await place(5, 1);
      const gone = await place(5, 2);
      const own = await stream('/api/v1/orders/events', f.tables[5].token);
      await t
        .http()
        .delete(`/api/v1/orders/${gone.id}`)
        .set(...table(5))
        .expect(204);
      expect(await tableOrders(5)).toEqual({ sessionId: keep.sessionId, totalAmount: 9000, orders: [keep] });
      await t
        .http()
        .get(`/api/v1/admin/orders/${gone.id}`)
        .set(...admin())
        .expect(404);
      await own.waitForEvents(1);
      expect(own.events[0]).toMatchObject({
        event: 'order_deleted',
        json: { orderId: gone.id, tableId: f.tables[5].id },
      });
      const [audit] = (await t.dataSource.query(
        `SELECT deleted_by, deleted_by_role, order_number, total_amount FROM order_deletions WHERE order_id = $1`,
        [gone.id],
      )) as Body[];
      expect(audit).toEqual({
        deleted_by: f.tables[5].id,
        deleted_by_role: 'table',
        order_number: gone.orderNumber,
        total_amount: 18000,
      });
      // An admin deletion is recorded with the admin.
      await t
        .http()
        .delete(`/api/v1/admin/orders/${keep.id}`)
        .set(...admin())
        .expect(204);
      const [byAdmin] = (await t.dataSource.query(
        `SELECT deleted_by, deleted_by_role FROM order_deletions WHERE order_id = $1`,
        [keep.id],
      )) as Body[];
      expect(byAdmin).toEqual({ deleted_by: f.admin.id, deleted_by_role: 'admin' });
      own.close();
    });

    it('is 409 ORDER_NOT_CANCELLABLE once PREPARING or COMPLETED; 404 for another table’s, archived or unknown', async () => {
      const preparing = await place(6);
      await setStatus(preparing.id, 'PREPARING').expect(200);
      const completed = await place(6);
      await setStatus(completed.id, 'COMPLETED').expect(200);
      for (const order of [preparing, completed]) {
        const res = await t
          .http()
          .delete(`/api/v1/orders/${order.id}`)
          .set(...table(6))
          .expect(409);
        expect(res.body.error_code).toBe('ORDER_NOT_CANCELLABLE');
      }
      const pending = await place(6);
      const foreignOrder = (
        await t
          .http()
          .post('/api/v1/orders')
          .set(...bearer(other.tables[0].token))
          .send({
            items: [
              {
                menuId: (
                  await createMenu(
                    t.dataSource,
                    other.store.id,
                    (await createCategory(t.dataSource, other.store.id)).id,
                  )
                ).id,
                quantity: 1,
              },
            ],
          })
          .expect(201)
      ).body;
      for (const [who, id] of [
        ['another table of the store', pending.id],
        ['another store', foreignOrder.id],
        ['unknown', randomUUID()],
      ]) {
        const res = await t
          .http()
          .delete(`/api/v1/orders/${id}`)
          .set(...table(7));
        expect({ who, status: res.status, code: res.body.error_code }).toEqual({
          who,
          status: 404,
          code: 'ORDER_NOT_FOUND',
        });
      }
      await complete(f.tables[6].id).expect(200);
      const archived = await t
        .http()
        .delete(`/api/v1/orders/${pending.id}`)
        .set(...table(6))
        .expect(404);
      expect(archived.body.error_code).toBe('ORDER_NOT_FOUND');
      await t
        .http()
        .delete(`/api/v1/orders/${preparing.id}`)
        .set(...admin())
        .expect(403);
    });
  });

  describe('POST /api/v1/admin/tables/:id/move (자리 이동)', () => {
    it('moves the session, its orders and open calls; both tablets and the admin hear table_moved', async () => {
      const [from, to] = [f.tables[0], f.tables[1]];
      await complete(to.id); // idle target (409 when it already is)
      const a = await place(0, 1);
      const b = await place(0, 2);
      await setStatus(b.id, 'PREPARING').expect(200);
      const water = (await press(0, { reason: 'WATER' })).body; // open from the first test, or new
      const cutlery = (await press(1, { reason: 'CUTLERY' }).expect(201)).body;
      const adminStream = await stream('/api/v1/admin/events', f.admin.token);
      const fromStream = await stream('/api/v1/orders/events', from.token);
      const toStream = await stream('/api/v1/orders/events', to.token);
      const bystander = await stream('/api/v1/orders/events', f.tables[2].token);

      const res = await move(from.id, to.id).expect(200);
      expect(res.body).toEqual({
        sessionId: a.sessionId,
        fromTableId: from.id,
        toTableId: to.id,
        orderCount: 2,
        totalAmount: 27000,
      });

      // The moved-to tablet sees the party's orders: same id, number, items, status; new table id and number.
      const moved = await tableOrders(1);
      expect(moved).toEqual({
        sessionId: a.sessionId,
        totalAmount: 27000,
        orders: [
          { ...a, tableId: to.id, tableNumber: 2 },
          { ...b, status: 'PREPARING', tableId: to.id, tableNumber: 2, updatedAt: expect.any(String) },
        ],
      });
      // The moved-from tablet sees an empty table, and its open calls went along.
      expect(await tableOrders(0)).toEqual({ sessionId: null, totalAmount: 0, orders: [] });
      expect(
        (
          await t
            .http()
            .get('/api/v1/staff-calls')
            .set(...table(0))
        ).body,
      ).toEqual([]);
      const callsThere = (
        await t
          .http()
          .get('/api/v1/staff-calls')
          .set(...table(1))
      ).body as Body[];
      expect(callsThere.map((c) => [c.id, c.tableId, c.tableNumber])).toEqual(
        expect.arrayContaining([
          [water.id, to.id, 2],
          [cutlery.id, to.id, 2],
        ]),
      );

      for (const s of [adminStream, fromStream, toStream]) await s.waitForEvents(1);
      const expected = {
        eventId: expect.any(Number),
        storeId: f.store.id,
        tableId: from.id,
        occurredAt: expect.stringMatching(/Z$/),
        fromTableId: from.id,
        toTableId: to.id,
        sessionId: a.sessionId,
        merged: false,
      };
      for (const s of [adminStream, fromStream, toStream]) {
        expect(s.events.map((e) => e.event)).toEqual(['table_moved']);
        expect(s.events[0].json).toEqual(expected);
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(bystander.events).toEqual([]);
      // A replay for the target table carries the move too.
      const replay = await stream('/api/v1/orders/events?lastEventId=0', to.token);
      await replay.waitFor(
        (c) => c.events.some((e) => e.event === 'table_moved'),
        5000,
        'table_moved replayed',
      );
      [adminStream, fromStream, toStream, bystander, replay].forEach((s) => s.close());

      // The moved-from tablet's next order starts a new session; 이용 완료 of the target archives every moved order.
      const fresh = await place(0, 1);
      expect(fresh.sessionId).not.toBe(a.sessionId);
      const done = await complete(to.id).expect(200);
      expect(done.body).toMatchObject({
        sessionId: a.sessionId,
        tableId: to.id,
        orderCount: 2,
        totalAmount: 27000,
      });
      const history = await t
        .http()
        .get(`/api/v1/admin/tables/${to.id}/history`)
        .set(...admin())
        .expect(200);
      const archived = history.body.items.find((x: Body) => x.sessionId === a.sessionId);
      expect(
        archived.orders.map((o: Body) => [o.id, o.orderNumber, o.tableId, o.tableNumber, o.status]),
      ).toEqual([
        [a.id, a.orderNumber, to.id, 2, 'PENDING'],
        [b.id, b.orderNumber, to.id, 2, 'PREPARING'],
      ]);
      await complete(from.id).expect(200);
    });

    it('refuses the same table (400), unknown or foreign tables (404), an idle source and a busy target (409)', async () => {
      const [x, y, z] = [f.tables[3], f.tables[5], f.tables[7]];
      await complete(y.id);
      await complete(z.id);
      await place(3);
      await place(5);
      const same = await move(x.id, x.id).expect(400);
      expect(same.body.error_code).toBe('VALIDATION_ERROR');
      expect((await move(x.id, x.id.toUpperCase()).expect(400)).body.error_code).toBe('VALIDATION_ERROR');
      for (const body of [{}, { toTableId: 'nope' }, { toTableId: z.id, extra: 1 }]) {
        await t
          .http()
          .post(`/api/v1/admin/tables/${x.id}/move`)
          .set(...admin())
          .send(body)
          .expect(400);
      }
      for (const [from, target] of [
        [x.id, other.tables[0].id],
        [x.id, randomUUID()],
        [other.tables[0].id, z.id],
      ]) {
        const res = await move(from, target).expect(404);
        expect(res.body.error_code).toBe('TABLE_NOT_FOUND');
      }
      expect((await move(z.id, x.id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
      expect((await move(x.id, y.id).expect(409)).body.error_code).toBe('TABLE_HAS_ACTIVE_SESSION');
      await t
        .http()
        .post(`/api/v1/admin/tables/${x.id}/move`)
        .set(...table(3))
        .send({ toTableId: z.id })
        .expect(403);
      // Nothing moved.
      expect((await tableOrders(3)).orders).toHaveLength(1);
      expect(await eventsOf('table_moved')).toHaveLength(1);
    });

    it('resolves a moved call whose reason is already open on the target', async () => {
      const [from, to] = [f.tables[2], f.tables[7]];
      await complete(from.id);
      await complete(to.id);
      await place(2);
      const mine = (await press(2, { reason: 'CALL', message: 'from' })).body;
      const theirs = (await press(7, { reason: 'CALL', message: 'target' })).body;
      await move(from.id, to.id).expect(200);
      const open = (
        await t
          .http()
          .get('/api/v1/staff-calls')
          .set(...table(7))
      ).body as Body[];
      expect(open.filter((c) => c.reason === 'CALL')).toEqual([theirs]);
      const [resolved] = await eventsOf('staff_call_resolved').then((all) =>
        all.filter((e) => e.call.id === mine.id),
      );
      expect(resolved.call).toMatchObject({ id: mine.id, status: 'RESOLVED' });
      await complete(to.id).expect(200);
    });
  });

  describe('POST /api/v1/admin/tables/:id/merge (합석)', () => {
    it('joins every order and open call into the target session; the source is left with no session and no history', async () => {
      const [from, into] = [f.tables[3], f.tables[5]];
      const fromOrders = (await tableOrders(3)).orders as Body[];
      const intoOrders = (await tableOrders(5)).orders as Body[];
      const extra = await place(3, 3);
      const call = (await press(3, { reason: 'NAPKINS' })).body;
      const intoStream = await stream('/api/v1/orders/events', into.token);
      const fromStream = await stream('/api/v1/orders/events', from.token);
      const intoSession = intoOrders[0].sessionId;
      const fromSession = extra.sessionId;

      const res = await merge(from.id, into.id).expect(200);
      const all = [...fromOrders, extra, ...intoOrders];
      const total = all.reduce((sum, o) => sum + o.totalAmount, 0);
      expect(res.body).toEqual({
        sessionId: intoSession,
        fromTableId: from.id,
        toTableId: into.id,
        orderCount: all.length,
        totalAmount: total,
      });
      const merged = await tableOrders(5);
      expect(merged.sessionId).toBe(intoSession);
      expect(merged.totalAmount).toBe(total);
      const ids = (orders: Body[]): string[] =>
        orders.map((o) => o.id as string).sort((p, q) => p.localeCompare(q));
      expect(ids(merged.orders)).toEqual(ids(all));
      for (const o of merged.orders as Body[]) {
        const before = all.find((x) => x.id === o.id);
        expect(o).toEqual({ ...before, tableId: into.id, tableNumber: 6, sessionId: intoSession });
      }
      expect(await tableOrders(3)).toEqual({ sessionId: null, totalAmount: 0, orders: [] });
      const [{ n }] = (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM table_sessions WHERE id = $1`,
        [fromSession],
      )) as Array<{ n: number }>;
      expect(n).toBe(0);
      const calls = (
        await t
          .http()
          .get('/api/v1/staff-calls')
          .set(...table(5))
      ).body as Body[];
      expect(calls.map((c) => c.id)).toContain(call.id);

      await intoStream.waitForEvents(1);
      await fromStream.waitForEvents(1);
      for (const s of [intoStream, fromStream]) {
        expect(s.events[0]).toMatchObject({
          event: 'table_moved',
          json: {
            tableId: from.id,
            fromTableId: from.id,
            toTableId: into.id,
            sessionId: intoSession,
            merged: true,
          },
        });
      }
      intoStream.close();
      fromStream.close();

      // 이용 완료 of the target archives every order; the source has no history entry for its removed session.
      const done = await complete(into.id).expect(200);
      expect(done.body).toMatchObject({ sessionId: intoSession, orderCount: all.length, totalAmount: total });
      const fromHistory = await t
        .http()
        .get(`/api/v1/admin/tables/${from.id}/history`)
        .set(...admin())
        .expect(200);
      expect(fromHistory.body.items.map((x: Body) => x.sessionId)).not.toContain(fromSession);
      // The source tablet orders again into a new session of its own.
      expect((await place(3)).sessionId).not.toBe(fromSession);
    });

    it('refuses the same table (400), unknown or foreign tables (404), and a side without a session (409)', async () => {
      const [x, y] = [f.tables[6], f.tables[7]];
      await complete(x.id);
      await complete(y.id);
      await place(6);
      expect((await merge(x.id, x.id).expect(400)).body.error_code).toBe('VALIDATION_ERROR');
      expect((await merge(x.id, other.tables[0].id).expect(404)).body.error_code).toBe('TABLE_NOT_FOUND');
      expect((await merge(x.id, y.id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
      expect((await merge(y.id, x.id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
      await t
        .http()
        .post(`/api/v1/admin/tables/${x.id}/merge`)
        .set(...admin())
        .send({ toTableId: y.id })
        .expect(400);
      expect((await tableOrders(6)).orders).toHaveLength(1);
    });
  });
});
