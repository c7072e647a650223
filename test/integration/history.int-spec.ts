import { createArchivedSession } from '../factories/history';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

/** On real PostgreSQL: a history page costs the same few queries whatever its size. */
describe('history on PostgreSQL', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let f: StoreFixture;

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 1);
    // 120 sessions of 3 orders over 2025-05-01..2025-05-04 (Seoul).
    for (let i = 0; i < 120; i++) {
      await createArchivedSession(t.dataSource, {
        storeId: f.store.id,
        tableId: f.tables[0].id,
        tableNumber: f.tables[0].number,
        completedAt: new Date(Date.UTC(2025, 3, 30, 15) + i * 45 * 60 * 1000),
        orders: [{}, { items: [{}, {}] }, {}],
      });
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  async function historyQueries(query: Record<string, string | number>) {
    const spy = jest.spyOn(t.dataSource.manager, 'query');
    try {
      const res = await t
        .http()
        .get(`/api/v1/admin/tables/${f.tables[0].id}/history`)
        .query({ from: '2025-05-01', to: '2025-05-04', ...query })
        .set(...bearer(f.admin.token))
        .expect(200);
      const sql = spy.mock.calls.map((call) => String(call[0]));
      return { body: res.body, count: sql.filter((s) => /session_history|order_history/.test(s)).length };
    } finally {
      spy.mockRestore();
    }
  }

  it('reads a page of 1 and a page of 100 sessions in three queries each', async () => {
    const small = await historyQueries({ pageSize: 1 });
    const large = await historyQueries({ pageSize: 100 });
    expect(small.body.items).toHaveLength(1);
    expect(large.body.items).toHaveLength(100);
    expect(large.body.items.every((s: { orders: unknown[] }) => s.orders.length === 3)).toBe(true);
    expect(large.body.pagination).toEqual({ page: 1, pageSize: 100, totalCount: 120, totalPages: 2 });
    expect(small.count).toBe(3);
    expect(large.count).toBe(3);
  });

  it('answers a page beyond the end with the count alone', async () => {
    const beyond = await historyQueries({ pageSize: 100, page: 3 });
    expect(beyond.body.items).toEqual([]);
    expect(beyond.count).toBe(1);
  });

  it('keeps every order under its own session across a page', async () => {
    const { body } = await historyQueries({ pageSize: 50, page: 2 });
    for (const session of body.items as Array<{ sessionId: string; orders: Array<{ sessionId: string }> }>) {
      expect(session.orders.map((o) => o.sessionId)).toEqual([
        session.sessionId,
        session.sessionId,
        session.sessionId,
      ]);
    }
  });
});
