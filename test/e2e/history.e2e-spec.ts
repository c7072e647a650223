import { businessDate } from '../../src/common/time';
import { addDays, startOfDay } from '../../src/modules/history/history.service';
import { createCategory, createMenu } from '../factories';
import { ArchivedSession, createArchivedSession } from '../factories/history';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

const HOUR = 60 * 60 * 1000;

describe('GET /api/v1/admin/tables/:id/history', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let a: StoreFixture;
  let b: StoreFixture;

  beforeAll(async () => {
    t = await startTestApp();
    a = await storeFixture(t, 3);
    b = await storeFixture(t, 1);
  });
  afterAll(async () => {
    await t.stop();
  });

  const history = (fixture: StoreFixture, tableId: string, query: Record<string, string | number> = {}) =>
    t
      .http()
      .get(`/api/v1/admin/tables/${tableId}/history`)
      .query(query)
      .set(...bearer(fixture.admin.token));

  const archive = (
    fixture: StoreFixture,
    tableIndex: number,
    completedAt: Date | string,
    extra: Partial<Parameters<typeof createArchivedSession>[1]> = {},
  ) =>
    createArchivedSession(t.dataSource, {
      storeId: fixture.store.id,
      tableId: fixture.tables[tableIndex].id,
      tableNumber: fixture.tables[tableIndex].number,
      completedAt,
      ...extra,
    });

  const expected = (fixture: StoreFixture, tableIndex: number, s: ArchivedSession) => ({
    sessionId: s.id,
    startedAt: s.startedAt.toISOString(),
    completedAt: s.completedAt.toISOString(),
    totalAmount: s.totalAmount,
    orders: s.orders.map((o) => ({
      id: o.id,
      orderNumber: o.orderNumber,
      tableId: fixture.tables[tableIndex].id,
      tableNumber: fixture.tables[tableIndex].number,
      sessionId: s.id,
      status: o.status,
      note: null,
      // The factory writes lines as stored before options existed: they read with the menu price as unitPrice.
      items: o.items.map((l) => ({
        menuId: l.menuId,
        menuName: l.menuName,
        menuPrice: l.unitPrice,
        options: [],
        note: null,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        subtotal: l.unitPrice * l.quantity,
      })),
      totalAmount: o.totalAmount,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.createdAt.toISOString(),
    })),
  });

  it('returns the sessions completed in the range, newest first, with their orders and snapshots', async () => {
    const older = await archive(a, 0, '2025-06-10T03:00:00Z', {
      orders: [
        {
          status: 'COMPLETED',
          items: [
            { menuName: '김치찌개', unitPrice: 9000, quantity: 2 },
            { menuName: '공기밥', unitPrice: 1000, quantity: 3 },
          ],
        },
        { status: 'PREPARING', items: [{ menuName: '소주', unitPrice: 5000, quantity: 1 }] },
      ],
    });
    const newer = await archive(a, 0, '2025-06-11T12:00:00Z', {
      orders: [{ status: 'PENDING', items: [{ menuName: '맥주', unitPrice: 6000, quantity: 4 }] }],
    });
    await archive(a, 0, '2025-06-20T03:00:00Z'); // outside the range
    await archive(a, 1, '2025-06-10T05:00:00Z'); // another table

    const res = await history(a, a.tables[0].id, { from: '2025-06-10', to: '2025-06-12' }).expect(200);
    expect(res.body).toEqual({
      items: [expected(a, 0, newer), expected(a, 0, older)],
      pagination: { page: 1, pageSize: 20, totalCount: 2, totalPages: 1 },
    });
    expect(res.body.items[1].totalAmount).toBe(18000 + 3000 + 5000);
    expect(res.body.items[1].orders[0].items[0]).toEqual({
      menuId: older.orders[0].items[0].menuId,
      menuName: '김치찌개',
      menuPrice: 9000,
      options: [],
      note: null,
      unitPrice: 9000,
      quantity: 2,
      subtotal: 18000,
    });
  });

  it('counts days in Asia/Seoul: 23:59 and 00:01 fall on their Seoul dates', async () => {
    const table = 2;
    const lastMinute = await archive(a, table, '2026-03-01T14:59:00Z'); // 2026-03-01 23:59 KST
    const midnight = await archive(a, table, '2026-03-01T15:00:00Z'); // 2026-03-02 00:00 KST
    const firstMinute = await archive(a, table, '2026-03-01T15:01:00Z'); // 2026-03-02 00:01 KST
    const dayStart = await archive(a, table, '2026-02-28T15:00:00Z'); // 2026-03-01 00:00 KST
    const dayBefore = await archive(a, table, '2026-02-28T14:59:59.999Z'); // 2026-02-28 23:59:59.999 KST

    const ids = async (from: string, to: string) =>
      (await history(a, a.tables[table].id, { from, to }).expect(200)).body.items.map(
        (s: { sessionId: string }) => s.sessionId,
      );
    expect(await ids('2026-03-01', '2026-03-01')).toEqual([lastMinute.id, dayStart.id]);
    expect(await ids('2026-03-02', '2026-03-02')).toEqual([firstMinute.id, midnight.id]);
    expect(await ids('2026-02-28', '2026-02-28')).toEqual([dayBefore.id]);
    expect(await ids('2026-02-28', '2026-03-02')).toEqual([
      firstMinute.id,
      midnight.id,
      lastMinute.id,
      dayStart.id,
      dayBefore.id,
    ]);
  });

  it('defaults to the last 7 days: today in Seoul and the 6 days before', async () => {
    const fixture = await storeFixture(t, 1);
    const today = businessDate();
    const at = (day: string, hours: number) => new Date(startOfDay(day).getTime() + hours * HOUR);
    const now = await archive(fixture, 0, new Date(Date.now() - 1000));
    const sixDaysAgo = await archive(fixture, 0, at(addDays(today, -6), 0));
    await archive(fixture, 0, new Date(at(addDays(today, -6), 0).getTime() - 1)); // 23:59:59.999 seven days ago
    await archive(fixture, 0, at(addDays(today, -7), 12));
    await archive(fixture, 0, at(addDays(today, 1), 0)); // tomorrow

    const res = await history(fixture, fixture.tables[0].id).expect(200);
    expect(res.body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual([now.id, sixDaysAgo.id]);
    expect(res.body.pagination).toEqual({ page: 1, pageSize: 20, totalCount: 2, totalPages: 1 });

    // Only `to`: the 7 days ending there (today-7 .. yesterday). Only `from`: up to today.
    const onlyTo = await history(fixture, fixture.tables[0].id, { to: addDays(today, -1) }).expect(200);
    expect(onlyTo.body.pagination.totalCount).toBe(3);
    const onlyFrom = await history(fixture, fixture.tables[0].id, { from: addDays(today, -7) }).expect(200);
    expect(onlyFrom.body.pagination.totalCount).toBe(4);
  });

  it('paginates newest first without overlap, and a page beyond the end is empty', async () => {
    const fixture = await storeFixture(t, 1);
    const sessions: ArchivedSession[] = [];
    for (let i = 0; i < 25; i++) {
      sessions.push(await archive(fixture, 0, new Date(Date.UTC(2025, 0, 10, 0, i))));
    }
    // Two sessions completed at the same instant are still ordered, once each.
    sessions.push(await archive(fixture, 0, new Date(Date.UTC(2025, 0, 10, 0, 5))));
    const newestFirst = [...sessions]
      .sort(
        (x, y) =>
          y.completedAt.getTime() - x.completedAt.getTime() || (y.id > x.id ? 1 : y.id < x.id ? -1 : 0),
      )
      .map((s) => s.id);

    const query = { from: '2025-01-10', to: '2025-01-10', pageSize: 10 };
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await history(fixture, fixture.tables[0].id, { ...query, page }).expect(200);
      expect(res.body.pagination).toEqual({ page, pageSize: 10, totalCount: 26, totalPages: 3 });
      seen.push(...res.body.items.map((s: { sessionId: string }) => s.sessionId));
    }
    expect(seen).toEqual(newestFirst);

    const beyond = await history(fixture, fixture.tables[0].id, { ...query, page: 4 }).expect(200);
    expect(beyond.body).toEqual({
      items: [],
      pagination: { page: 4, pageSize: 10, totalCount: 26, totalPages: 3 },
    });

    const byDefault = await history(fixture, fixture.tables[0].id, { from: '2025-01-10', to: '2025-01-10' });
    expect(byDefault.body.items).toHaveLength(20);
    expect(byDefault.body.pagination).toEqual({ page: 1, pageSize: 20, totalCount: 26, totalPages: 2 });
    const max = await history(fixture, fixture.tables[0].id, {
      from: '2025-01-10',
      to: '2025-01-10',
      pageSize: 100,
    });
    expect(max.body.items).toHaveLength(26);
  });

  it('answers an empty range with no items and zero pages', async () => {
    const res = await history(b, b.tables[0].id, { from: '2020-01-01', to: '2020-01-31' }).expect(200);
    expect(res.body).toEqual({
      items: [],
      pagination: { page: 1, pageSize: 20, totalCount: 0, totalPages: 0 },
    });
  });

  it.each([
    [{ from: '2026-02-30' }, 'from'],
    [{ to: '9999-12-31' }, 'to'],
    [{ from: '0001-01-01' }, 'from'],
    [{ to: '2026-13-01' }, 'to'],
    [{ from: '2025-02-29', to: '2025-03-01' }, 'from'],
    [{ from: '2026/03/01' }, 'from'],
    [{ from: '2026-3-1' }, 'from'],
    [{ to: '2026-03-01T00:00:00Z' }, 'to'],
    [{ from: '' }, 'from'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'from'],
    [{ page: 0 }, 'page'],
    [{ page: -1 }, 'page'],
    [{ page: 'two' }, 'page'],
    [{ page: '1.5' }, 'page'],
    [{ pageSize: 0 }, 'pageSize'],
    [{ pageSize: 101 }, 'pageSize'],
    [{ pageSize: 'x' }, 'pageSize'],
    [{ sort: 'asc' }, 'sort'],
  ])('refuses %j with 400 VALIDATION_ERROR on %s', async (query, field) => {
    const res = await history(a, a.tables[0].id, query as Record<string, string>).expect(400);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts the bounds of pageSize (1 and 100)', async () => {
    await history(a, a.tables[0].id, { pageSize: 1 }).expect(200);
    await history(a, a.tables[0].id, { pageSize: 100 }).expect(200);
  });

  it('refuses a malformed table id with 400', async () => {
    const res = await history(a, 'not-a-uuid').expect(400);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors[0].field).toBe('id');
  });

  it('is 404 TABLE_NOT_FOUND for another store’s table, an unknown id and a deleted table', async () => {
    await archive(b, 0, '2025-06-10T03:00:00Z');
    const foreign = await history(a, b.tables[0].id, { from: '2025-06-01', to: '2025-06-30' }).expect(404);
    expect(foreign.body.error_code).toBe('TABLE_NOT_FOUND');

    await history(a, '00000000-0000-4000-8000-000000000000').expect(404);

    const fixture = await storeFixture(t, 1);
    await archive(fixture, 0, '2025-06-10T03:00:00Z');
    await history(fixture, fixture.tables[0].id, { from: '2025-06-10', to: '2025-06-10' }).expect(200);
    await t.dataSource.query(`DELETE FROM tables WHERE id = $1`, [fixture.tables[0].id]);
    const gone = await history(fixture, fixture.tables[0].id, { from: '2025-06-10', to: '2025-06-10' });
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe('TABLE_NOT_FOUND');
  });

  it('archives real orders: place, delete one, complete, and history shows the session as it ended', async () => {
    const f = await storeFixture(t, 1);
    const [table] = f.tables;
    const category = await createCategory(t.dataSource, f.store.id);
    const stew = await createMenu(t.dataSource, f.store.id, category.id, { name: '김치찌개', price: 9000 });
    const rice = await createMenu(t.dataSource, f.store.id, category.id, { name: '공기밥', price: 1000 });
    const order = (items: Array<{ menuId: string; quantity: number }>) =>
      t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(table.token))
        .send({ items })
        .expect(201)
        .then((r) => r.body as { id: string; sessionId: string; totalAmount: number });

    const first = await order([
      { menuId: stew.id, quantity: 2 },
      { menuId: rice.id, quantity: 1 },
    ]);
    const deleted = await order([{ menuId: rice.id, quantity: 5 }]);
    const second = await order([{ menuId: rice.id, quantity: 3 }]);
    await t
      .http()
      .delete(`/api/v1/admin/orders/${deleted.id}`)
      .set(...bearer(f.admin.token))
      .expect(204);
    const done = await t
      .http()
      .post(`/api/v1/admin/tables/${table.id}/complete`)
      .set(...bearer(f.admin.token))
      .expect(200);
    // Renaming and repricing the menu afterwards changes nothing in history: it keeps the snapshots.
    await t.dataSource.query(`UPDATE menus SET name = 'renamed', price = 1 WHERE store_id = $1`, [
      f.store.id,
    ]);

    const res = await history(f, table.id).expect(200);
    expect(res.body).toEqual({
      items: [
        {
          sessionId: first.sessionId,
          startedAt: done.body.startedAt,
          completedAt: done.body.completedAt,
          totalAmount: 19000 + 3000,
          orders: [first, second],
        },
      ],
      pagination: { page: 1, pageSize: 20, totalCount: 1, totalPages: 1 },
    });
    expect(done.body).toMatchObject({ sessionId: first.sessionId, orderCount: 2, totalAmount: 22000 });

    // The next order opens a new session, which is not history until that one is completed too.
    const next = await order([{ menuId: stew.id, quantity: 1 }]);
    expect(next.sessionId).not.toBe(first.sessionId);
    expect((await history(f, table.id).expect(200)).body.pagination.totalCount).toBe(1);
    await t
      .http()
      .post(`/api/v1/admin/tables/${table.id}/complete`)
      .set(...bearer(f.admin.token))
      .expect(200);
    const both = await history(f, table.id).expect(200);
    expect(both.body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual([
      next.sessionId,
      first.sessionId,
    ]);
    expect(both.body.items[0].orders).toEqual([next]);
  });

  it('needs a token (401) of an admin (403 for a table)', async () => {
    const none = await t.http().get(`/api/v1/admin/tables/${a.tables[0].id}/history`).expect(401);
    expect(none.body.error_code).toBe('TOKEN_MISSING');
    const table = await t
      .http()
      .get(`/api/v1/admin/tables/${a.tables[0].id}/history`)
      .set(...bearer(a.tables[0].token))
      .expect(403);
    expect(table.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
  });
});
