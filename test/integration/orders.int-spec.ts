import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

type App = TestApp & { env: TestEnv; stop(): Promise<void> };

/** Concurrency of order placement, idempotency, status changes and 이용 완료 on real PostgreSQL. */
describe('orders under concurrency (PostgreSQL)', () => {
  let t: App;
  let f: StoreFixture;
  let menuId: string;

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 10);
    const category = await createCategory(t.dataSource, f.store.id);
    menuId = (await createMenu(t.dataSource, f.store.id, category.id, { price: 1000 })).id;
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  const place = (token: string, quantity = 1, key?: string): Promise<Response> => {
    const req = t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(token));
    if (key) req.set('Idempotency-Key', key);
    return req.send({ items: [{ menuId, quantity }] }).then((r) => r);
  };
  const admin = () => bearer(f.admin.token);
  const completeAll = async () => {
    for (const table of f.tables) {
      await t
        .http()
        .post(`/api/v1/admin/tables/${table.id}/complete`)
        .set(...admin());
    }
  };

  it('gives 100 concurrent orders across the store’s tables the consecutive numbers 1..100', async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => place(f.tables[i % f.tables.length].token)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const numbers = responses.map((r) => r.body.orderNumber as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // One session per table even though each table's first orders raced to start it.
    const [sessions] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM table_sessions WHERE store_id = $1`,
      [f.store.id],
    )) as Array<{ n: number }>;
    expect(sessions.n).toBe(10);
    const eventIds = (
      (await t.dataSource.query(
        `SELECT store_seq::int AS seq FROM events WHERE store_id = $1 AND type = 'new_order' ORDER BY store_seq`,
        [f.store.id],
      )) as Array<{ seq: number }>
    ).map((e) => e.seq);
    expect(eventIds).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await completeAll();
  });

  it('creates exactly one order from 30 concurrent retries with one Idempotency-Key', async () => {
    const table = f.tables[0];
    const key = `retry-${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 30 }, () => place(table.token, 2, key)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const fresh = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] !== 'true');
    expect(fresh).toHaveLength(1);
    for (const r of responses) {
      if (r.status === 201) expect(r.body).toEqual(fresh[0].body);
      else expect(r.body.error_code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
    const rows = (await t.dataSource.query(`SELECT id FROM orders WHERE table_id = $1`, [
      table.id,
    ])) as Array<{
      id: string;
    }>;
    expect(rows).toEqual([{ id: fresh[0].body.id }]);
    const replay = await place(table.token, 2, key);
    expect([replay.status, replay.headers['idempotent-replayed'], replay.body.id]).toEqual([
      201,
      'true',
      fresh[0].body.id,
    ]);
    await completeAll();
  });

  it('lets exactly one of two admins’ conflicting status changes win', async () => {
    const patch = (id: string, status: string) =>
      t
        .http()
        .patch(`/api/v1/admin/orders/${id}`)
        .set(...admin())
        .send({ status })
        .then((r) => r);
    const orders = await Promise.all(f.tables.map((table) => place(table.token)));
    // Same move twice: one 200, one 409.
    const same = await Promise.all(
      orders.flatMap((o) => [patch(o.body.id, 'PREPARING'), patch(o.body.id, 'PREPARING')]),
    );
    for (let i = 0; i < orders.length; i++) {
      expect([same[2 * i].status, same[2 * i + 1].status].sort((a, b) => a - b)).toEqual([200, 409]);
    }
    // COMPLETED racing PREPARING from PENDING: COMPLETED always ends up, PREPARING wins only if it went first.
    const fresh = await Promise.all(f.tables.map((table) => place(table.token)));
    const race = await Promise.all(
      fresh.flatMap((o) => [patch(o.body.id, 'COMPLETED'), patch(o.body.id, 'PREPARING')]),
    );
    for (let i = 0; i < fresh.length; i++) {
      const [completed, preparing] = [race[2 * i], race[2 * i + 1]];
      expect(completed.status).toBe(200);
      expect([200, 409]).toContain(preparing.status);
      const final = await t
        .http()
        .get(`/api/v1/admin/orders/${fresh[i].body.id}`)
        .set(...admin());
      expect(final.body.status).toBe('COMPLETED');
    }
    const [updates] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE store_id = $1 AND type = 'order_updated'`,
      [f.store.id],
    )) as Array<{ n: number }>;
    const wins = [...same, ...race].filter((r) => r.status === 200).length;
    expect(updates.n).toBe(wins);
    await completeAll();
  });

  it('loses no order when a table is completed while orders are being placed', async () => {
    const table = f.tables[3];
    const completions: Response[] = [];
    const placements: Array<Promise<Response>> = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 15; i++) placements.push(place(table.token));
      completions.push(
        await t
          .http()
          .post(`/api/v1/admin/tables/${table.id}/complete`)
          .set(...admin()),
      );
    }
    const placed = await Promise.all(placements);
    expect(placed.map((r) => r.status)).toEqual(Array(placements.length).fill(201));
    const completed = completions.filter((c) => c.status === 200).map((c) => c.body);
    expect(completions.every((c) => c.status === 200 || c.body.error_code === 'NO_ACTIVE_SESSION')).toBe(
      true,
    );

    // Every order of the sessions this test's orders went to (earlier tests' sessions left out).
    const sessions = [...new Set(placed.map((r) => r.body.sessionId as string))];
    const archived = (await t.dataSource.query(
      `SELECT id, session_id FROM order_history WHERE table_id = $1 AND session_id = ANY($2::uuid[])`,
      [table.id, sessions],
    )) as Array<{ id: string; session_id: string }>;
    const live = (await t.dataSource.query(`SELECT id, session_id FROM orders WHERE table_id = $1`, [
      table.id,
    ])) as Array<{ id: string; session_id: string }>;
    const where = new Map([...archived, ...live].map((o) => [o.id, o.session_id]));
    expect(archived.length + live.length).toBe(placed.length);
    for (const r of placed) expect(where.get(r.body.id)).toBe(r.body.sessionId);

    const completedIds = new Set(completed.map((c) => c.sessionId));
    for (const o of archived) expect(completedIds.has(o.session_id)).toBe(true);
    for (const o of live) expect(completedIds.has(o.session_id)).toBe(false);
    for (const c of completed) {
      const inSession = archived.filter((o) => o.session_id === c.sessionId);
      expect(inSession).toHaveLength(c.orderCount);
      expect(c.totalAmount).toBe(c.orderCount * 1000);
    }
    const [active] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM table_sessions WHERE table_id = $1 AND ended_at IS NULL`,
      [table.id],
    )) as Array<{ n: number }>;
    // Whatever was placed after the last completion sits in one new, active session.
    expect(new Set(live.map((o) => o.session_id)).size).toBe(live.length > 0 ? 1 : 0);
    if (live.length > 0) expect(active.n).toBe(1);
  });

  it('completes a table with 200 orders in one set-based transaction', async () => {
    const table = f.tables[5];
    for (let i = 0; i < 4; i++) await Promise.all(Array.from({ length: 50 }, () => place(table.token)));
    const res = await t
      .http()
      .post(`/api/v1/admin/tables/${table.id}/complete`)
      .set(...admin())
      .expect(200);
    expect(res.body).toMatchObject({ orderCount: 200, totalAmount: 200_000 });
    const [counts] = (await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM order_history WHERE session_id = $1) AS archived,
              (SELECT count(*)::int FROM orders WHERE table_id = $2) AS live`,
      [res.body.sessionId, table.id],
    )) as Array<{ archived: number; live: number }>;
    expect(counts).toEqual({ archived: 200, live: 0 });
  });
});
