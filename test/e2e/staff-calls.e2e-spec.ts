import { randomUUID } from 'node:crypto';
import { bearer } from '../utils/auth';
import { Body, FloorWorld } from './support/floor';

describe('staff calls (직원 호출)', () => {
  const w = FloorWorld.use();

  it('opens a call (201), answers the same open reason again unchanged (200), sends one event', async () => {
    const s = await w.store(2);
    const adminStream = await s.stream('/api/v1/admin/events', s.admin.token);
    const ownStream = await s.stream('/api/v1/orders/events', s.tables[0].token);
    const otherStream = await s.stream('/api/v1/orders/events', s.tables[1].token);
    const first = await s.press(0, { reason: 'WATER', message: '  물 두 잔  ' }).expect(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      tableId: s.tables[0].id,
      tableNumber: 1,
      reason: 'WATER',
      message: '물 두 잔',
      status: 'OPEN',
      createdAt: expect.stringMatching(/Z$/),
      resolvedAt: null,
    });
    for (let i = 0; i < 3; i++) {
      const again = await s.press(0, { reason: 'WATER', message: 'another message' }).expect(200);
      expect(again.body).toEqual(first.body);
    }
    const call = await s.press(0, { reason: 'CALL', message: '   ' }).expect(201);
    expect(call.body.message).toBeNull();
    const bill = await s.press(0, { reason: 'BILL' }).expect(201);
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
      storeId: s.store.id,
      tableId: s.tables[0].id,
      occurredAt: expect.stringMatching(/Z$/),
      call: first.body,
    });
    expect(otherStream.events).toEqual([]);

    // The table sees its own open calls, oldest first; another table none of them.
    const mine = await s.tableCalls(0);
    expect(mine.map((c) => c.id)).toEqual([first.body.id, call.body.id, bill.body.id]);
    const theirs = await s.tableCalls(1);
    expect(theirs).toEqual([]);

    // The admin lists them (OPEN is the default) and resolves one: an event, then idempotent.
    expect((await s.adminCalls()).map((c) => c.id)).toEqual([first.body.id, call.body.id, bill.body.id]);
    const resolved = await w.t
      .http()
      .post(`/api/v1/admin/staff-calls/${first.body.id}/resolve`)
      .set(...s.adminAuth())
      .expect(200);
    expect(resolved.body).toEqual({
      ...first.body,
      status: 'RESOLVED',
      resolvedAt: expect.stringMatching(/Z$/),
    });
    const twice = await w.t
      .http()
      .post(`/api/v1/admin/staff-calls/${first.body.id}/resolve`)
      .set(...s.adminAuth())
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

    expect((await s.adminCalls('OPEN')).map((c) => c.id)).toEqual([call.body.id, bill.body.id]);
    expect((await s.adminCalls('RESOLVED')).map((c) => c.id)).toEqual([first.body.id]);
    // Once resolved, the same reason opens a new call.
    const anew = await s.press(0, { reason: 'WATER' }).expect(201);
    expect(anew.body.id).not.toBe(first.body.id);
    [adminStream, ownStream, otherStream].forEach((sse) => sse.close());
  });

  it('lists RESOLVED calls of the last 24 h newest first by resolvedAt', async () => {
    const s = await w.store(1);
    const a = (await s.press(0, { reason: 'NAPKINS' }).expect(201)).body;
    const b = (await s.press(0, { reason: 'CUTLERY' }).expect(201)).body;
    for (const id of [b.id, a.id]) {
      await w.t
        .http()
        .post(`/api/v1/admin/staff-calls/${id}/resolve`)
        .set(...s.adminAuth())
        .expect(200);
    }
    const old = (await s.press(0, { reason: 'OTHER', message: 'old' }).expect(201)).body;
    await w.t.dataSource.query(
      `UPDATE staff_calls SET status = 'RESOLVED', created_at = now() - interval '30 hours',
              resolved_at = now() - interval '25 hours' WHERE id = $1`,
      [old.id],
    );
    const resolved = (await s.adminCalls('RESOLVED')).filter((c) => c.tableId === s.tables[0].id);
    expect(resolved.map((c) => c.id)).toEqual([a.id, b.id]);
    expect(Date.parse(resolved[0].resolvedAt)).toBeGreaterThanOrEqual(Date.parse(resolved[1].resolvedAt));
  });

  it('refuses bad bodies, other roles and unknown or foreign calls', async () => {
    const s = await w.store(1);
    for (const body of [
      {},
      { reason: 'BEER' },
      { reason: 'water' },
      { reason: 'CALL', message: 'x'.repeat(101) },
      { reason: 'CALL', message: 5 },
      { reason: 'CALL', extra: true },
    ]) {
      const res = await s.press(0, body);
      expect({ body, status: res.status, code: res.body.error_code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    // 100 characters (code points) is the limit, emoji included.
    expect((await s.press(0, { reason: 'OTHER', message: '🍜'.repeat(100) }).expect(201)).body.message).toBe(
      '🍜'.repeat(100),
    );
    await w.t
      .http()
      .post('/api/v1/staff-calls')
      .set(...s.adminAuth())
      .send({ reason: 'CALL' })
      .expect(403);
    await w.t
      .http()
      .get('/api/v1/admin/staff-calls')
      .set(...s.table(0))
      .expect(403);
    const bad = await w.t
      .http()
      .get('/api/v1/admin/staff-calls?status=CLOSED')
      .set(...s.adminAuth())
      .expect(400);
    expect(bad.body.error_code).toBe('VALIDATION_ERROR');

    const foreign = await w.t
      .http()
      .post('/api/v1/staff-calls')
      .set(...bearer(w.other.tables[0].token))
      .send({ reason: 'CALL' })
      .expect(201);
    for (const id of [foreign.body.id, randomUUID()]) {
      const res = await w.t
        .http()
        .post(`/api/v1/admin/staff-calls/${id}/resolve`)
        .set(...s.adminAuth())
        .expect(404);
      expect(res.body.error_code).toBe('STAFF_CALL_NOT_FOUND');
    }
    expect((await s.adminCalls()).map((c) => c.id)).not.toContain(foreign.body.id);
    await w.t
      .http()
      .post('/api/v1/admin/staff-calls/not-a-uuid/resolve')
      .set(...s.adminAuth())
      .expect(400);
  });

  it('shows open calls on the dashboard, oldest first, and 이용 완료 resolves them', async () => {
    const s = await w.store(2);
    await s.place(0);
    const a = (await s.press(0, { reason: 'BILL' }).expect(201)).body;
    const b = (await s.press(0, { reason: 'WATER' }).expect(201)).body;
    const dashboard = await w.t
      .http()
      .get('/api/v1/admin/tables')
      .set(...s.adminAuth())
      .expect(200);
    const row = dashboard.body.find((x: Body) => x.id === s.tables[0].id);
    expect(row.openStaffCalls).toEqual([a, b]);
    expect(dashboard.body.find((x: Body) => x.id === s.tables[1].id).openStaffCalls).toEqual([]);

    const adminStream = await s.stream('/api/v1/admin/events', s.admin.token);
    await s.complete(s.tables[0].id).expect(200);
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
    const open = await s.tableCalls(0);
    expect(open).toEqual([]);
    adminStream.close();
  });
});
