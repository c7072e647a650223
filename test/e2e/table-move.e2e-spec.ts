import { randomUUID } from 'node:crypto';
import { Body, FloorWorld } from './support/floor';

describe('POST /api/v1/admin/tables/:id/move (자리 이동)', () => {
  const w = FloorWorld.use();

  it('moves the session, its orders and open calls; both tablets and the admin hear table_moved', async () => {
    const s = await w.store(3);
    const [from, to] = [s.tables[0], s.tables[1]];
    const a = await s.place(0, 1);
    const b = await s.place(0, 2);
    await s.setStatus(b.id, 'PREPARING').expect(200);
    const water = (await s.press(0, { reason: 'WATER' }).expect(201)).body;
    const cutlery = (await s.press(1, { reason: 'CUTLERY' }).expect(201)).body;
    const adminStream = await s.stream('/api/v1/admin/events', s.admin.token);
    const fromStream = await s.stream('/api/v1/orders/events', from.token);
    const toStream = await s.stream('/api/v1/orders/events', to.token);
    const bystander = await s.stream('/api/v1/orders/events', s.tables[2].token);

    const res = await s.move(from.id, to.id).expect(200);
    expect(res.body).toEqual({
      sessionId: a.sessionId,
      fromTableId: from.id,
      toTableId: to.id,
      orderCount: 2,
      totalAmount: 27000,
    });

    // The moved-to tablet sees the party's orders: same id, number, items, status; new table id and number.
    const moved = await s.tableOrders(1);
    expect(moved).toEqual({
      sessionId: a.sessionId,
      totalAmount: 27000,
      orders: [
        { ...a, tableId: to.id, tableNumber: 2 },
        { ...b, status: 'PREPARING', tableId: to.id, tableNumber: 2, updatedAt: expect.any(String) },
      ],
    });
    // The moved-from tablet sees an empty table, and its open calls went along.
    expect(await s.tableOrders(0)).toEqual({ sessionId: null, totalAmount: 0, orders: [] });
    expect(await s.tableCalls(0)).toEqual([]);
    const callsThere = await s.tableCalls(1);
    expect(callsThere.map((c) => [c.id, c.tableId, c.tableNumber])).toEqual(
      expect.arrayContaining([
        [water.id, to.id, 2],
        [cutlery.id, to.id, 2],
      ]),
    );

    for (const sse of [adminStream, fromStream, toStream]) await sse.waitForEvents(1);
    const expected = {
      eventId: expect.any(Number),
      storeId: s.store.id,
      tableId: from.id,
      occurredAt: expect.stringMatching(/Z$/),
      fromTableId: from.id,
      toTableId: to.id,
      sessionId: a.sessionId,
      merged: false,
    };
    for (const sse of [adminStream, fromStream, toStream]) {
      expect(sse.events.map((e) => e.event)).toEqual(['table_moved']);
      expect(sse.events[0].json).toEqual(expected);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(bystander.events).toEqual([]);
    // A replay for the target table carries the move too.
    const replay = await s.stream('/api/v1/orders/events?lastEventId=0', to.token);
    await replay.waitFor(
      (c) => c.events.some((e) => e.event === 'table_moved'),
      5000,
      'table_moved replayed',
    );
    [adminStream, fromStream, toStream, bystander, replay].forEach((sse) => sse.close());

    // The moved-from tablet's next order starts a new session; 이용 완료 of the target archives every moved order.
    const fresh = await s.place(0, 1);
    expect(fresh.sessionId).not.toBe(a.sessionId);
    const done = await s.complete(to.id).expect(200);
    expect(done.body).toMatchObject({
      sessionId: a.sessionId,
      tableId: to.id,
      orderCount: 2,
      totalAmount: 27000,
    });
    const history = await w.t
      .http()
      .get(`/api/v1/admin/tables/${to.id}/history`)
      .set(...s.adminAuth())
      .expect(200);
    const archived = history.body.items.find((x: Body) => x.sessionId === a.sessionId);
    expect(
      archived.orders.map((o: Body) => [o.id, o.orderNumber, o.tableId, o.tableNumber, o.status]),
    ).toEqual([
      [a.id, a.orderNumber, to.id, 2, 'PENDING'],
      [b.id, b.orderNumber, to.id, 2, 'PREPARING'],
    ]);
    await s.complete(from.id).expect(200);
  });

  it('refuses the same table (400), unknown or foreign tables (404), an idle source and a busy target (409)', async () => {
    const s = await w.store(3);
    const [x, y, z] = [s.tables[0], s.tables[1], s.tables[2]];
    await s.place(0);
    await s.place(1);
    const same = await s.move(x.id, x.id).expect(400);
    expect(same.body.error_code).toBe('VALIDATION_ERROR');
    expect((await s.move(x.id, x.id.toUpperCase()).expect(400)).body.error_code).toBe('VALIDATION_ERROR');
    for (const body of [{}, { toTableId: 'nope' }, { toTableId: z.id, extra: 1 }]) {
      await w.t
        .http()
        .post(`/api/v1/admin/tables/${x.id}/move`)
        .set(...s.adminAuth())
        .send(body)
        .expect(400);
    }
    for (const [from, target] of [
      [x.id, w.other.tables[0].id],
      [x.id, randomUUID()],
      [w.other.tables[0].id, z.id],
    ]) {
      const res = await s.move(from, target).expect(404);
      expect(res.body.error_code).toBe('TABLE_NOT_FOUND');
    }
    expect((await s.move(z.id, x.id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
    expect((await s.move(x.id, y.id).expect(409)).body.error_code).toBe('TABLE_HAS_ACTIVE_SESSION');
    await w.t
      .http()
      .post(`/api/v1/admin/tables/${x.id}/move`)
      .set(...s.table(0))
      .send({ toTableId: z.id })
      .expect(403);
    // Nothing moved.
    expect((await s.tableOrders(0)).orders).toHaveLength(1);
    expect(await s.eventsOf('table_moved')).toEqual([]);
  });

  it('resolves a moved call whose reason is already open on the target', async () => {
    const s = await w.store(2);
    const [from, to] = [s.tables[0], s.tables[1]];
    await s.place(0);
    const mine = (await s.press(0, { reason: 'CALL', message: 'from' }).expect(201)).body;
    const theirs = (await s.press(1, { reason: 'CALL', message: 'target' }).expect(201)).body;
    await s.move(from.id, to.id).expect(200);
    const open = await s.tableCalls(1);
    expect(open.filter((c) => c.reason === 'CALL')).toEqual([theirs]);
    const [resolved] = await s
      .eventsOf('staff_call_resolved')
      .then((all) => all.filter((e) => e.call.id === mine.id));
    expect(resolved.call).toMatchObject({ id: mine.id, status: 'RESOLVED' });
    await s.complete(to.id).expect(200);
  });
});
