import { Body, FloorWorld } from './support/floor';

describe('POST /api/v1/admin/tables/:id/merge (합석)', () => {
  const w = FloorWorld.use();

  it('joins every order and open call into the target session; the source is left with no session and no history', async () => {
    const s = await w.store(2);
    const [from, into] = [s.tables[0], s.tables[1]];
    const fromOrders: Body[] = [await s.place(0)];
    const intoOrders: Body[] = [await s.place(1, 2)];
    const extra = await s.place(0, 3);
    const call = (await s.press(0, { reason: 'NAPKINS' }).expect(201)).body;
    const intoStream = await s.stream('/api/v1/orders/events', into.token);
    const fromStream = await s.stream('/api/v1/orders/events', from.token);
    const intoSession = intoOrders[0].sessionId;
    const fromSession = extra.sessionId;

    const res = await s.merge(from.id, into.id).expect(200);
    const all = [...fromOrders, extra, ...intoOrders];
    const total = all.reduce((sum, o) => sum + o.totalAmount, 0);
    expect(res.body).toEqual({
      sessionId: intoSession,
      fromTableId: from.id,
      toTableId: into.id,
      orderCount: all.length,
      totalAmount: total,
    });
    const merged = await s.tableOrders(1);
    expect(merged.sessionId).toBe(intoSession);
    expect(merged.totalAmount).toBe(total);
    const ids = (orders: Body[]): string[] =>
      orders.map((o) => o.id as string).sort((p, q) => p.localeCompare(q));
    expect(ids(merged.orders)).toEqual(ids(all));
    for (const o of merged.orders as Body[]) {
      const before = all.find((x) => x.id === o.id);
      expect(o).toEqual({ ...before, tableId: into.id, tableNumber: 2, sessionId: intoSession });
    }
    expect(await s.tableOrders(0)).toEqual({ sessionId: null, totalAmount: 0, orders: [] });
    const [{ n }] = (await w.t.dataSource.query(
      `SELECT count(*)::int AS n FROM table_sessions WHERE id = $1`,
      [fromSession],
    )) as Array<{ n: number }>;
    expect(n).toBe(0);
    const calls = await s.tableCalls(1);
    expect(calls.map((c) => c.id)).toContain(call.id);

    await intoStream.waitForEvents(1);
    await fromStream.waitForEvents(1);
    for (const sse of [intoStream, fromStream]) {
      expect(sse.events[0]).toMatchObject({
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
    const done = await s.complete(into.id).expect(200);
    expect(done.body).toMatchObject({ sessionId: intoSession, orderCount: all.length, totalAmount: total });
    const fromHistory = await w.t
      .http()
      .get(`/api/v1/admin/tables/${from.id}/history`)
      .set(...s.adminAuth())
      .expect(200);
    expect(fromHistory.body.items.map((x: Body) => x.sessionId)).not.toContain(fromSession);
    // The source tablet orders again into a new session of its own.
    expect((await s.place(0)).sessionId).not.toBe(fromSession);
  });

  it('refuses the same table (400), unknown or foreign tables (404), and a side without a session (409)', async () => {
    const s = await w.store(2);
    const [x, y] = [s.tables[0], s.tables[1]];
    await s.place(0);
    expect((await s.merge(x.id, x.id).expect(400)).body.error_code).toBe('VALIDATION_ERROR');
    expect((await s.merge(x.id, w.other.tables[0].id).expect(404)).body.error_code).toBe('TABLE_NOT_FOUND');
    expect((await s.merge(x.id, y.id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
    expect((await s.merge(y.id, x.id).expect(409)).body.error_code).toBe('NO_ACTIVE_SESSION');
    await w.t
      .http()
      .post(`/api/v1/admin/tables/${x.id}/merge`)
      .set(...s.adminAuth())
      .send({ toTableId: y.id })
      .expect(400);
    expect((await s.tableOrders(0)).orders).toHaveLength(1);
  });
});
