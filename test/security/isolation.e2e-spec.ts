import { isDeepStrictEqual } from 'node:util';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginSuperadmin } from '../utils/auth';
import { Route, routeTable } from '../utils/route-table';
import { openSse, SseClient } from '../utils/sse';
import { Answer, Caller, CALLERS, Kind, plan, Plan, send } from './requests';
import { findMarkers, placeOrder, SeededStore, seedStore, snapshotStore, tableMarkers } from './world';

/**
 * The isolation matrix, generated from the route table (controllers joined with /docs-json), so that a new
 * endpoint is in it the day it is added:
 * - every route × anonymous, table, admin, superadmin: public routes open to all; guarded ones 401 TOKEN_MISSING
 *   without a token, 403 INSUFFICIENT_PERMISSIONS for a role not admitted, and a real answer for an admitted one;
 * - every route that names rows (path, body or query) × every store role admitted on it, naming the rows of another
 *   store: a path id is 404, never 403 or 2xx; body and query ids are refused or answer nothing of that store; and
 *   the other store's rows are byte-for-byte unchanged afterwards;
 * - every answer is searched for the other store's ids, codes and names, and a table's answers for the other
 *   table's orders and sessions;
 * - the event streams: a table hears its own table only, an admin its own store only, live, replayed and through
 *   a ticket.
 */
describe('security: isolation matrix', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let routes: Route[];
  let own: SeededStore;
  let foreign: SeededStore;
  let root: string;
  const figures = { routes: 0, roleCells: 0, foreignCells: 0, leakChecks: 0, sseEvents: 0, leaks: 0 };
  const started = Date.now();

  beforeAll(async () => {
    // Local image storage in both suites: these tests reach images through the service's /uploads route.
    t = await startTestApp({ IMAGE_STORAGE: 'local' });
    const table = await routeTable(t);
    // Asserted in its own test below; the matrix runs over whatever is served.
    routes = table.routes;
    figures.routes = routes.length;
    own = await seedStore(t, 'own');
    foreign = await seedStore(t, 'foreign');
    root = await loginSuperadmin(t);
  }, 120_000);

  afterAll(async () => {
    console.log(
      `security isolation figures: ${JSON.stringify({ ...figures, seconds: (Date.now() - started) / 1000 })}`,
    );
    await t?.stop();
  });

  const tokenOf = (caller: Caller): string | undefined =>
    ({
      anonymous: undefined,
      table: own.tables[0].token,
      admin: own.admin.token,
      superadmin: root,
    })[caller];

  /** What a caller of the own store must never see: the other store, and for a table, the other table. */
  const forbiddenMarkers = (caller: Caller, route: Route): string[] => {
    if (caller === 'superadmin') return route.params.length > 0 ? foreign.markers : [];
    if (caller === 'table') return [...foreign.markers, ...tableMarkers(own, 1)];
    return foreign.markers;
  };

  /** Leak check of one answer; ids the request itself carried (echoed in a detail) are not a leak. */
  const leaksIn = (answer: Answer, p: Plan, markers: string[]): string[] => {
    figures.leakChecks++;
    const sent = JSON.stringify([p.path, p.query, p.json ?? null]);
    return findMarkers(
      answer.text,
      markers.filter((m) => !sent.includes(m)),
    );
  };

  const describeAnswer = (a: Answer): string =>
    `${a.status} ${typeof a.body === 'object' ? (a.body?.error_code ?? '') : ''} ${String(a.body?.detail ?? '')}`.trim();

  it('the route table: every served route is documented with the same guard, and every documented route is served', async () => {
    const table = await routeTable(t);
    expect(table.problems).toEqual([]);
    // The 42 operations API.md lists, plus /docs and /docs-json.
    expect(table.routes.length).toBeGreaterThanOrEqual(44);
    const keys = table.routes.map((r) => r.key);
    for (const key of [
      'GET /api/v1/admin/events',
      'GET /api/v1/orders/events',
      'POST /api/v1/admin/events/ticket',
      'PUT /api/v1/admin/menus/:id/image',
      'GET /uploads/:file',
    ]) {
      expect(keys).toContain(key);
    }
    expect(table.routes.filter((r) => r.sse).map((r) => r.key)).toEqual(
      expect.arrayContaining(['GET /api/v1/admin/events', 'GET /api/v1/orders/events']),
    );
  });

  it('the leak detector sees each store in its own answers (so an empty finding means something)', async () => {
    const seen = await t
      .http()
      .get('/api/v1/admin/orders')
      .set(...bearer(foreign.admin.token));
    expect(findMarkers(seen.body, foreign.markers).length).toBeGreaterThan(3);
    const orders = await t
      .http()
      .get('/api/v1/orders')
      .set(...bearer(own.tables[1].token));
    expect(findMarkers(orders.body, tableMarkers(own, 1)).length).toBeGreaterThan(1);
  });

  it('every route × every caller: 401 without a token, 403 for a role not admitted, an answer for the others; nothing leaks', async () => {
    const problems: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        const p = await plan(route, { t, store: own, kind: 'own' });
        const answer = await send(t, route, p, tokenOf(caller));
        figures.roleCells++;
        const cell = `${route.key} as ${caller}: ${describeAnswer(answer)}`;
        const admitted = route.roles === null || (caller !== 'anonymous' && route.roles.includes(caller));
        if (route.roles === null) {
          // Public. Readiness may honestly be 503 while a dependency is down (another suite restarting it).
          const fine = answer.status < 400 || (route.key === 'GET /health/ready' && answer.status === 503);
          if (!fine) problems.push(`${cell}: a public route must answer`);
        } else if (caller === 'anonymous') {
          if (answer.status !== 401 || answer.body?.error_code !== 'TOKEN_MISSING')
            problems.push(`${cell}: expected 401 TOKEN_MISSING`);
        } else if (!admitted) {
          if (answer.status !== 403 || answer.body?.error_code !== 'INSUFFICIENT_PERMISSIONS')
            problems.push(`${cell}: expected 403 INSUFFICIENT_PERMISSIONS`);
        } else if (!(answer.status < 300 || answer.status === 409)) {
          // Fresh rows of the caller's own store and a valid body: anything but success (or a state conflict,
          // e.g. completing a table without a session) means the matrix tests nothing for this route.
          problems.push(`${cell}: an admitted caller naming its own rows must succeed`);
        }
        const leaked = leaksIn(answer, p, forbiddenMarkers(caller, route));
        if (leaked.length > 0) {
          figures.leaks++;
          problems.push(`${cell}: LEAK of ${leaked.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("every route that names rows × every store role admitted on it, with another store's rows: 404 or refused, nothing changed, nothing leaked", async () => {
    const problems: string[] = [];
    let cells = 0;
    for (const route of routes) {
      if (route.roles === null) continue;
      for (const caller of route.roles.filter((r) => r === 'table' || r === 'admin')) {
        const kind: Kind = 'foreign';
        const p = await plan(route, { t, store: foreign, kind });
        if (route.params.length === 0 && !p.idsOutsidePath) continue;
        const before = await snapshotStore(t.dataSource, foreign.store.id);
        const answer = await send(t, route, p, tokenOf(caller));
        const after = await snapshotStore(t.dataSource, foreign.store.id);
        cells++;
        figures.foreignCells++;
        const cell = `${route.key} as ${caller} naming ${foreign.label} rows (${p.path}): ${describeAnswer(answer)}`;
        if (route.params.length > 0) {
          if (answer.status !== 404 || !String(answer.body?.error_code).endsWith('NOT_FOUND'))
            problems.push(`${cell}: a foreign path id must be 404 *_NOT_FOUND`);
        } else if (route.method === 'get') {
          if (!(answer.status < 300 || answer.status === 400 || answer.status === 404))
            problems.push(`${cell}: a foreign filter must answer nothing of that store, or 400/404`);
        } else if (answer.status !== 400 && answer.status !== 404) {
          problems.push(`${cell}: foreign ids in a body must be 400 or 404`);
        }
        if (!isDeepStrictEqual(before, after)) {
          const changed = Object.keys(after).filter((k) => !isDeepStrictEqual(before[k], after[k]));
          problems.push(`${cell}: CHANGED the other store (${changed.join(', ')})`);
        }
        const leaked = leaksIn(answer, p, [
          ...foreign.markers,
          ...(caller === 'table' ? tableMarkers(own, 1) : []),
        ]);
        if (leaked.length > 0) {
          figures.leaks++;
          problems.push(`${cell}: LEAK of ${leaked.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Every admin route with an id, the filters and the bodies that name rows, the table's order.
    expect(cells).toBeGreaterThanOrEqual(20);
    // The other store's image is still there and still served.
    await t.http().get(`/uploads/${foreign.imageFile}`).expect(200);
  }, 120_000);

  it("a move or merge onto another store's table is 404 TABLE_NOT_FOUND and changes neither store", async () => {
    const order = await placeOrder(t, own.tables[0].token, [{ menuId: own.menus[1].id, quantity: 1 }]);
    const targets: Array<[string, Record<string, string>]> = [
      ['move', { toTableId: foreign.spareTable.id }],
      ['move', { toTableId: foreign.tables[0].id }],
      ['merge', { intoTableId: foreign.tables[1].id }],
    ];
    // The relay marks events published on its own time: compare the events by id and type only.
    const rows = async (): Promise<unknown[]> => {
      const snapshots = [
        await snapshotStore(t.dataSource, own.store.id),
        await snapshotStore(t.dataSource, foreign.store.id),
      ];
      for (const [i, storeId] of [own.store.id, foreign.store.id].entries()) {
        snapshots[i].events = (
          (await t.dataSource.query(
            `SELECT id::text || ' ' || type AS r FROM events WHERE store_id = $1 ORDER BY id`,
            [storeId],
          )) as Array<{ r: string }>
        ).map((x) => x.r);
      }
      return snapshots;
    };
    for (const [action, body] of targets) {
      const before = await rows();
      const res = await t
        .http()
        .post(`/api/v1/admin/tables/${own.tables[0].id}/${action}`)
        .set(...bearer(own.admin.token))
        .send(body);
      expect({ action, body, status: res.status, code: res.body.error_code }).toEqual({
        action,
        body,
        status: 404,
        code: 'TABLE_NOT_FOUND',
      });
      expect(
        findMarkers(
          res.body,
          foreign.markers.filter((m) => !Object.values(body).includes(m)),
        ),
      ).toEqual([]);
      const after = await rows();
      expect(isDeepStrictEqual(before, after)).toBe(true);
    }
    const orders = await t
      .http()
      .get('/api/v1/orders')
      .set(...bearer(own.tables[0].token))
      .expect(200);
    expect(orders.body.orders.map((o: { id: string }) => o.id)).toContain(order.id);
  });

  it('a route the suite cannot fill fails with what to add (how a new endpoint joins the matrix)', async () => {
    const base = routes.find((r) => r.key === 'PATCH /api/v1/admin/categories/:id')!;
    const coupon: Route = {
      ...base,
      path: '/api/v1/admin/coupons/:id',
      key: 'PATCH /api/v1/admin/coupons/:id',
    };
    await expect(plan(coupon, { t, store: own, kind: 'own' })).rejects.toThrow(
      /does not know what :id names \(segment "coupons"\)/,
    );
    const unknownBody: Route = {
      ...base,
      params: [],
      path: '/api/v1/admin/coupons',
      key: 'POST /api/v1/admin/coupons',
    };
    await expect(plan(unknownBody, { t, store: own, kind: 'own' })).rejects.toThrow(
      /POST \/api\/v1\/admin\/coupons takes a JSON body the security suite cannot fill/,
    );
  });

  it('an Idempotency-Key is scoped to the table: the same key from another table or store replays nothing of it', async () => {
    const key = `shared-key-${Date.now()}`;
    const order = (token: string, menuId: string) =>
      t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(token))
        .set('Idempotency-Key', key)
        .send({ items: [{ menuId, quantity: 1 }] });
    const first = await order(own.tables[0].token, own.menus[1].id);
    expect(first.status).toBe(201);
    for (const [who, token, menuId] of [
      ['the other table', own.tables[1].token, own.menus[1].id],
      ['a table of another store', foreign.tables[1].token, foreign.menus[1].id],
    ] as const) {
      const res = await order(token, menuId);
      expect({ who, status: res.status, replayed: res.headers['idempotent-replayed'] }).toEqual({
        who,
        status: 201,
        replayed: undefined,
      });
      expect(res.body.id).not.toBe(first.body.id);
      expect(findMarkers(res.body, [first.body.id as string, own.tables[0].id])).toEqual([]);
    }
  });

  describe('event streams', () => {
    const opened: SseClient[] = [];
    afterAll(() => opened.forEach((c) => c.close()));

    /** Opens a stream, retrying briefly while a stream the matrix just closed is still counted against the login. */
    async function stream(
      path: string,
      token?: string,
      headers: Record<string, string> = {},
    ): Promise<SseClient> {
      for (let attempt = 0; ; attempt++) {
        const client = await openSse(t.url, path, {
          headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
        });
        if (client.status === 429 && attempt < 20) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        expect({ path, status: client.status }).toEqual({ path, status: 200 });
        opened.push(client);
        return client;
      }
    }

    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 800));

    it('a table hears only its own table and an admin only its own store: live, through a ticket and replayed', async () => {
      const ticket = (
        await t
          .http()
          .post('/api/v1/admin/events/ticket')
          .set(...bearer(own.admin.token))
          .expect(201)
      ).body.ticket as string;
      const s = {
        adminOwn: await stream('/api/v1/admin/events', own.admin.token),
        adminOwnByTicket: await stream(`/api/v1/admin/events?ticket=${encodeURIComponent(ticket)}`),
        adminForeign: await stream('/api/v1/admin/events', foreign.admin.token),
        table0: await stream('/api/v1/orders/events', own.tables[0].token),
        table1: await stream('/api/v1/orders/events', own.tables[1].token),
        foreignTable0: await stream('/api/v1/orders/events', foreign.tables[0].token),
      };
      // The ticket was single-use.
      const reused = await openSse(t.url, `/api/v1/admin/events?ticket=${encodeURIComponent(ticket)}`);
      expect({ status: reused.status, code: reused.body?.error_code }).toEqual({
        status: 401,
        code: 'INVALID_TOKEN',
      });

      const a0 = await placeOrder(t, own.tables[0].token, [{ menuId: own.menus[0].id, quantity: 1 }]);
      const a1 = await placeOrder(t, own.tables[1].token, [{ menuId: own.menus[1].id, quantity: 1 }]);
      const b0 = await placeOrder(t, foreign.tables[0].token, [{ menuId: foreign.menus[0].id, quantity: 1 }]);
      const admin = (token: string) => ({
        patch: (url: string, body: object) =>
          t
            .http()
            .patch(url)
            .set(...bearer(token))
            .send(body)
            .expect(200),
        del: (url: string) =>
          t
            .http()
            .delete(url)
            .set(...bearer(token))
            .expect(204),
        post: (url: string) =>
          t
            .http()
            .post(url)
            .set(...bearer(token))
            .expect(200),
      });
      await admin(own.admin.token).patch(`/api/v1/admin/orders/${a1.id}`, { status: 'PREPARING' });
      await admin(own.admin.token).del(`/api/v1/admin/orders/${a0.id}`);
      await admin(foreign.admin.token).patch(`/api/v1/admin/orders/${b0.id}`, { status: 'COMPLETED' });
      await admin(foreign.admin.token).post(`/api/v1/admin/tables/${foreign.tables[0].id}/complete`);

      const expected: Record<keyof typeof s, number> = {
        adminOwn: 4,
        adminOwnByTicket: 4,
        adminForeign: 3,
        table0: 2,
        table1: 2,
        foreignTable0: 3,
      };
      for (const [name, count] of Object.entries(expected)) {
        await s[name as keyof typeof s].waitForEvents(count, 10_000);
      }
      await settle();

      const problems: string[] = [];
      const check = (name: string, client: SseClient, storeId: string, tableId?: string): void => {
        for (const e of client.events) {
          figures.sseEvents++;
          if (e.event === 'reset') continue;
          const data = e.json as { storeId?: string; tableId?: string };
          if (data?.storeId !== storeId || (tableId !== undefined && data.tableId !== tableId)) {
            figures.leaks++;
            problems.push(`${name} received ${e.event} of store ${data?.storeId} table ${data?.tableId}`);
          }
        }
      };
      check('own admin', s.adminOwn, own.store.id);
      check('own admin (ticket)', s.adminOwnByTicket, own.store.id);
      check('foreign admin', s.adminForeign, foreign.store.id);
      check('own table 1', s.table0, own.store.id, own.tables[0].id);
      check('own table 2', s.table1, own.store.id, own.tables[1].id);
      check('foreign table 1', s.foreignTable0, foreign.store.id, foreign.tables[0].id);
      for (const [name, count] of Object.entries(expected)) {
        expect({ name, events: s[name as keyof typeof s].events.length }).toEqual({ name, events: count });
      }
      expect(s.table0.events.map((e) => e.event)).toEqual(['new_order', 'order_deleted']);
      expect(s.table1.events.map((e) => e.event)).toEqual(['new_order', 'order_updated']);
      // The raw frames carry nothing of the other side either (orders embed table numbers, menu names, …).
      for (const [name, client, markers] of [
        ['own admin', s.adminOwn, foreign.markers],
        ['own table 1', s.table0, [...foreign.markers, ...tableMarkers(own, 1)]],
        ['own table 2', s.table1, [...foreign.markers, ...tableMarkers(own, 0)]],
        ['foreign admin', s.adminForeign, own.markers],
      ] as const) {
        const leaked = findMarkers(client.events.map((e) => e.data).join('\n'), [...markers]);
        if (leaked.length > 0) {
          figures.leaks++;
          problems.push(`${name} stream carried ${leaked.join(', ')}`);
        }
      }
      expect(problems).toEqual([]);
      Object.values(s).forEach((c) => c.close());

      // Replay from the beginning: every event the store ever had goes through the same scoping.
      const replays = {
        table1: await stream('/api/v1/orders/events', own.tables[1].token, { 'Last-Event-ID': '0' }),
        foreignAdmin: await stream('/api/v1/admin/events?lastEventId=0', foreign.admin.token),
      };
      await replays.table1.waitForEvents(3, 10_000);
      await replays.foreignAdmin.waitForEvents(8, 10_000);
      await settle();
      check('own table 2 (replay)', replays.table1, own.store.id, own.tables[1].id);
      check('foreign admin (replay)', replays.foreignAdmin, foreign.store.id);
      expect(problems).toEqual([]);
      expect(
        findMarkers(replays.table1.events.map((e) => e.data).join('\n'), [
          ...foreign.markers,
          ...tableMarkers(own, 0),
        ]),
      ).toEqual([]);
      expect(findMarkers(replays.foreignAdmin.events.map((e) => e.data).join('\n'), own.markers)).toEqual([]);
    }, 60_000);

    it('a ticket opens only the admin stream, and only for a bearer of the admin role', async () => {
      const ticket = (
        await t
          .http()
          .post('/api/v1/admin/events/ticket')
          .set(...bearer(own.admin.token))
          .expect(201)
      ).body.ticket as string;
      const onTableStream = await openSse(t.url, `/api/v1/orders/events?ticket=${ticket}`);
      expect({ status: onTableStream.status, code: onTableStream.body?.error_code }).toEqual({
        status: 401,
        code: 'TOKEN_MISSING',
      });
      const asTable = await openSse(t.url, `/api/v1/orders/events?ticket=${ticket}`, {
        headers: { Authorization: `Bearer ${own.tables[0].token}` },
      });
      expect(asTable.status).toBe(400);
      const forged = await openSse(t.url, `/api/v1/admin/events?ticket=${'x'.repeat(40)}`);
      expect({ status: forged.status, code: forged.body?.error_code }).toEqual({
        status: 401,
        code: 'INVALID_TOKEN',
      });
      // The ticket was not spent by the refused attempts: it still opens the admin stream, once.
      const ok = await stream(`/api/v1/admin/events?ticket=${ticket}`);
      ok.close();
    });
  });
});
