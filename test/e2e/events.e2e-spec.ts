import { randomUUID } from 'node:crypto';
import { TransactionService } from '../../src/database/transaction.service';
import { TokenRevocationService } from '../../src/modules/auth/token-revocation.service';
import { EventRetention } from '../../src/modules/events/event-retention';
import type { EventType } from '../../src/modules/events/event-types';
import { OutboxService } from '../../src/modules/events/outbox.service';
import { SseService } from '../../src/modules/events/sse.service';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';
import { createCategory, createMenu } from '../factories';
import { openSse, SseClient } from '../utils/sse';

type T = TestApp & { env: TestEnv; stop(): Promise<void> };

/** A `data` of this type as the services write it (the streams' frames are checked against the document). */
function sampleData(type: EventType, tableId: string | null): Record<string, unknown> {
  const now = new Date().toISOString();
  const table = tableId ?? randomUUID();
  switch (type) {
    case 'new_order':
    case 'order_updated':
      return {
        order: {
          id: randomUUID(),
          orderNumber: 1,
          tableId: table,
          tableNumber: 1,
          sessionId: randomUUID(),
          status: type === 'new_order' ? 'PENDING' : 'PREPARING',
          note: null,
          items: [],
          totalAmount: 0,
          createdAt: now,
          updatedAt: now,
        },
      };
    case 'order_deleted':
      return { orderId: randomUUID() };
    case 'table_reset':
      return { sessionId: randomUUID(), completedAt: now };
    case 'table_moved':
      return { fromTableId: table, toTableId: randomUUID(), sessionId: randomUUID(), merged: false };
    case 'staff_call':
    case 'staff_call_resolved':
      return {
        call: {
          id: randomUUID(),
          tableId: table,
          tableNumber: 1,
          reason: 'WATER',
          message: null,
          status: type === 'staff_call' ? 'OPEN' : 'RESOLVED',
          createdAt: now,
          resolvedAt: type === 'staff_call' ? null : now,
        },
      };
  }
}

/**
 * Commits one event the way the business services do (append as the last statement, then `committed()`),
 * so these tests do not depend on the order endpoints. Returns the event id.
 */
async function commitEvent(
  t: TestApp,
  storeId: string,
  type: EventType,
  tableId: string | null,
  fields: Record<string, unknown> = {},
): Promise<number> {
  const outbox = t.app.get(OutboxService);
  const data = { ...sampleData(type, tableId), ...fields };
  const { eventId } = await t.app
    .get(TransactionService)
    .run((em) => outbox.append(em, { storeId, type, tableId, data }));
  outbox.committed();
  return eventId;
}

describe('live events (SSE): in-process bus under npm test, RabbitMQ under test:services', () => {
  let t: T;
  let f: StoreFixture;
  const open: SseClient[] = [];
  const sse = async (path: string, headers: Record<string, string> = {}): Promise<SseClient> => {
    const client = await openSse(t.url, path, { headers });
    open.push(client);
    return client;
  };
  const auth = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 2);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('opens the admin stream with SSE headers and retry first, then delivers committed events', async () => {
    const stream = await sse('/api/v1/admin/events', auth(f.admin.token));
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    await stream.waitFor((c) => c.retry !== undefined);
    expect(stream.frames[0]).toBe('retry:3000');

    const orderId = randomUUID();
    const eventId = await commitEvent(t, f.store.id, 'order_deleted', f.tables[0].id, { orderId });
    const [event] = await stream.waitForEvents(1);
    expect(event.id).toBe(String(eventId));
    expect(event.event).toBe('order_deleted');
    expect(event.json).toEqual({
      eventId,
      storeId: f.store.id,
      tableId: f.tables[0].id,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      orderId,
    });
  });

  it('streams new_order to the admin and the ordering table when an order is placed', async () => {
    const category = await createCategory(t.dataSource, f.store.id);
    const menu = await createMenu(t.dataSource, f.store.id, category.id, { price: 12000 });
    const admin = await sse('/api/v1/admin/events', auth(f.admin.token));
    const table = await sse('/api/v1/orders/events', auth(f.tables[0].token));
    await table.waitFor((c) => c.retry !== undefined);
    const res = await t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(f.tables[0].token))
      .send({ items: [{ menuId: menu.id, quantity: 2 }] });
    expect(res.status).toBe(201);
    for (const stream of [admin, table]) {
      const [event] = await stream.waitForEvents(1);
      expect(event.event).toBe('new_order');
      expect(event.json).toMatchObject({
        eventId: Number(event.id),
        storeId: f.store.id,
        tableId: f.tables[0].id,
        order: { id: res.body.id, totalAmount: 24000 },
      });
    }
  });

  it('sends nothing of another store', async () => {
    const other = await storeFixture(t, 1);
    const stream = await sse('/api/v1/admin/events', auth(other.admin.token));
    await commitEvent(t, f.store.id, 'new_order', f.tables[0].id);
    const own = await commitEvent(t, other.store.id, 'new_order', other.tables[0].id);
    await stream.waitForEvents(1);
    await commitEvent(t, other.store.id, 'order_deleted', other.tables[0].id);
    await stream.waitForEvents(2);
    expect(stream.ids()).toEqual([own, own + 1]);
    expect(stream.events.every((e) => e.json.storeId === other.store.id)).toBe(true);
  });

  it("gives a table only its own table's events, table_reset included", async () => {
    const [mine, theirs] = f.tables;
    const tableStream = await sse('/api/v1/orders/events', auth(mine.token));
    const adminStream = await sse('/api/v1/admin/events', auth(f.admin.token));
    expect(tableStream.status).toBe(200);
    const a = await commitEvent(t, f.store.id, 'new_order', mine.id);
    await commitEvent(t, f.store.id, 'new_order', theirs.id);
    const c = await commitEvent(t, f.store.id, 'order_updated', mine.id);
    await commitEvent(t, f.store.id, 'table_reset', theirs.id);
    const e = await commitEvent(t, f.store.id, 'table_reset', mine.id);
    await adminStream.waitForEvents(5);
    await tableStream.waitForEvents(3);
    expect(tableStream.ids()).toEqual([a, c, e]);
    expect(tableStream.events.map((x) => x.event)).toEqual(['new_order', 'order_updated', 'table_reset']);
    expect(adminStream.ids()).toEqual([a, a + 1, c, c + 1, e]);
  });

  it('replays exactly the missed events after Last-Event-ID, then continues live', async () => {
    const first = await sse('/api/v1/admin/events', auth(f.admin.token));
    await first.waitFor((c) => c.retry !== undefined);
    const seen = [
      await commitEvent(t, f.store.id, 'new_order', f.tables[0].id),
      await commitEvent(t, f.store.id, 'new_order', f.tables[1].id),
    ];
    await first.waitForEvents(2);
    first.close();
    const missed = [
      await commitEvent(t, f.store.id, 'order_updated', f.tables[0].id),
      await commitEvent(t, f.store.id, 'order_deleted', f.tables[1].id),
      await commitEvent(t, f.store.id, 'table_reset', f.tables[0].id),
    ];
    const again = await sse('/api/v1/admin/events', {
      ...auth(f.admin.token),
      'Last-Event-ID': String(seen[1]),
    });
    await again.waitForEvents(3);
    const live = await commitEvent(t, f.store.id, 'new_order', f.tables[1].id);
    await again.waitForEvents(4);
    expect(again.ids()).toEqual([...missed, live]);
    expect(again.events.map((e) => e.event)).toEqual([
      'order_updated',
      'order_deleted',
      'table_reset',
      'new_order',
    ]);

    // The query form, for a table: only its own missed events.
    const tableAgain = await sse(`/api/v1/orders/events?lastEventId=${seen[0]}`, auth(f.tables[0].token));
    await tableAgain.waitForEvents(2);
    expect(tableAgain.ids()).toEqual([missed[0], missed[2]]);
  });

  it('keeps replay and live events free of gaps and duplicates while events keep coming', async () => {
    const base = await commitEvent(t, f.store.id, 'new_order', f.tables[0].id);
    const writer = (async () => {
      const ids: number[] = [];
      for (let i = 0; i < 30; i++)
        ids.push(await commitEvent(t, f.store.id, 'order_updated', f.tables[0].id));
      return ids;
    })();
    const stream = await sse('/api/v1/admin/events', {
      ...auth(f.admin.token),
      'Last-Event-ID': String(base),
    });
    const ids = await writer;
    await stream.waitForEvents(30);
    expect(stream.ids()).toEqual(ids);
  });

  it('answers an id older than the retained events, or one the store never reached, with reset first', async () => {
    const store = await storeFixture(t, 1);
    const old = [
      await commitEvent(t, store.store.id, 'new_order', store.tables[0].id),
      await commitEvent(t, store.store.id, 'new_order', store.tables[0].id),
    ];
    const kept = await commitEvent(t, store.store.id, 'order_updated', store.tables[0].id);
    t.app.get(OutboxService).committed();
    // Age the first two past the retention (published ones only are pruned).
    await waitUntil(async () => {
      const [{ n }] = (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE store_id = $1 AND published_at IS NULL`,
        [store.store.id],
      )) as Array<{ n: number }>;
      return n === 0;
    });
    await t.dataSource.query(
      `UPDATE events SET created_at = now() - interval '25 hours' WHERE store_id = $1 AND store_seq <= $2`,
      [store.store.id, old[1]],
    );
    expect(await t.app.get(EventRetention).prune()).toBeGreaterThanOrEqual(2);

    const stale = await sse('/api/v1/admin/events', {
      ...auth(store.admin.token),
      'Last-Event-ID': String(old[0]),
    });
    await stale.waitForEvents(1);
    expect(stale.events[0].event).toBe('reset');
    expect(stale.events[0].id).toBe(String(kept));
    const live = await commitEvent(t, store.store.id, 'order_deleted', store.tables[0].id);
    await stale.waitForEvents(2);
    expect(stale.ids()).toEqual([kept, live]);

    // The newest pruned id is still a valid resume point: nothing after it is missing.
    const fine = await sse('/api/v1/admin/events', {
      ...auth(store.admin.token),
      'Last-Event-ID': String(old[1]),
    });
    await fine.waitForEvents(2);
    expect(fine.events.map((e) => e.event)).toEqual(['order_updated', 'order_deleted']);

    const future = await sse('/api/v1/admin/events', {
      ...auth(store.admin.token),
      'Last-Event-ID': '999999',
    });
    await future.waitForEvents(1);
    expect(future.events[0].event).toBe('reset');
  });

  it('refuses a malformed Last-Event-ID or lastEventId with 400', async () => {
    const header = await sse('/api/v1/admin/events', { ...auth(f.admin.token), 'Last-Event-ID': 'abc' });
    expect(header.status).toBe(400);
    expect(header.body.error_code).toBe('VALIDATION_ERROR');
    const query = await sse('/api/v1/orders/events?lastEventId=-1', auth(f.tables[0].token));
    expect(query.status).toBe(400);
    expect(query.body.error_code).toBe('VALIDATION_ERROR');
    const unknown = await sse('/api/v1/admin/events?foo=1', auth(f.admin.token));
    expect(unknown.status).toBe(400);
  });

  it('answers 401 without a token and 403 for the wrong role', async () => {
    for (const path of ['/api/v1/admin/events', '/api/v1/orders/events']) {
      const res = await sse(path);
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('TOKEN_MISSING');
    }
    const tableOnAdmin = await sse('/api/v1/admin/events', auth(f.tables[0].token));
    expect(tableOnAdmin.status).toBe(403);
    expect(tableOnAdmin.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
    const adminOnTable = await sse('/api/v1/orders/events', auth(f.admin.token));
    expect(adminOnTable.status).toBe(403);
    await t.http().post('/api/v1/admin/events/ticket').expect(401);
    const tableTicket = await t
      .http()
      .post('/api/v1/admin/events/ticket')
      .set(...bearer(f.tables[0].token));
    expect(tableTicket.status).toBe(403);
    expect(tableTicket.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('limits open streams to 5 per admin and 2 per table with 429 RATE_LIMIT_EXCEEDED', async () => {
    // A store of its own: other tests revoke tokens of the shared one, and the limits count per principal.
    const g = await storeFixture(t, 2);
    const admins: SseClient[] = [];
    for (let i = 0; i < 5; i++) admins.push(await sse('/api/v1/admin/events', auth(g.admin.token)));
    expect(admins.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await sse('/api/v1/admin/events', auth(g.admin.token));
    expect(sixth.status).toBe(429);
    expect(sixth.body.error_code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    // Another table's login is counted apart.
    const tables = [
      await sse('/api/v1/orders/events', auth(g.tables[1].token)),
      await sse('/api/v1/orders/events', auth(g.tables[1].token)),
    ];
    expect(tables.map((s) => s.status)).toEqual([200, 200]);
    const third = await sse('/api/v1/orders/events', auth(g.tables[1].token));
    expect(third.status).toBe(429);
    expect(third.body.error_code).toBe('RATE_LIMIT_EXCEEDED');

    // A closed stream frees its place.
    admins[0].close();
    await waitUntil(async () => (await sse('/api/v1/admin/events', auth(g.admin.token))).status === 200);
  });

  it('issues single-use tickets for EventSource that expire after 60 s', async () => {
    const res = await t
      .http()
      .post('/api/v1/admin/events/ticket')
      .set(...bearer(f.admin.token))
      .expect(201);
    expect(res.body).toEqual({ ticket: expect.any(String), expiresIn: 60 });
    const ticket = res.body.ticket as string;
    const stream = await sse(`/api/v1/admin/events?ticket=${encodeURIComponent(ticket)}`);
    expect(stream.status).toBe(200);
    const id = await commitEvent(t, f.store.id, 'new_order', f.tables[0].id);
    await stream.waitForEvents(1);
    expect(stream.ids()).toEqual([id]);

    const reused = await sse(`/api/v1/admin/events?ticket=${encodeURIComponent(ticket)}`);
    expect(reused.status).toBe(401);
    expect(reused.body.error_code).toBe('INVALID_TOKEN');
    const unknown = await sse('/api/v1/admin/events?ticket=not-a-ticket');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error_code).toBe('INVALID_TOKEN');
    // Tickets are for the admin stream only.
    const other = await t
      .http()
      .post('/api/v1/admin/events/ticket')
      .set(...bearer(f.admin.token))
      .expect(201);
    const onTable = await sse(`/api/v1/orders/events?ticket=${other.body.ticket}`);
    expect(onTable.status).toBe(401);

    const late = await t
      .http()
      .post('/api/v1/admin/events/ticket')
      .set(...bearer(f.admin.token))
      .expect(201);
    jest.useFakeTimers({
      doNotFake: [
        'setTimeout',
        'setInterval',
        'setImmediate',
        'nextTick',
        'queueMicrotask',
        'clearTimeout',
        'clearInterval',
        'clearImmediate',
        'hrtime',
        'performance',
      ],
    });
    try {
      jest.setSystemTime(Date.now() + 61_000);
      const expired = await sse(`/api/v1/admin/events?ticket=${late.body.ticket}`);
      expect(expired.status).toBe(401);
      expect(expired.body.error_code).toBe('TOKEN_EXPIRED');
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes the streams of a revoked token', async () => {
    const table = f.tables[1];
    const stream = await sse('/api/v1/orders/events', auth(table.token));
    expect(stream.status).toBe(200);
    await t.dataSource.query(`UPDATE tables SET token_version = token_version + 1 WHERE id = $1`, [table.id]);
    await t.app.get(TokenRevocationService).forget('table', table.id);
    await t.app.get(SseService).sweep();
    await stream.waitForEnd();
    expect(stream.comments).toContain('token revoked');
    const again = await sse('/api/v1/orders/events', auth(table.token));
    expect(again.status).toBe(401);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
