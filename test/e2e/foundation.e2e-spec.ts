import sharp from 'sharp';
import { DEMO } from '../../src/database/seed.service';
import { startApp, startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginTable } from '../utils/auth';

describe('foundation: start-up, probes and the error envelope', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };

  beforeAll(async () => {
    t = await startTestApp({ DEMO_SEED: 'true' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('applies every migration at start-up', async () => {
    const rows = (await t.dataSource.query(`SELECT name FROM migrations ORDER BY id`)) as Array<{
      name: string;
    }>;
    expect(rows.map((r) => r.name)).toEqual(t.dataSource.migrations.map((m) => m.name));
    expect(await t.dataSource.showMigrations()).toBe(false);
  });

  it('answers the liveness and readiness probes', async () => {
    const live = await t.http().get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.database.status).toBe('up');
  });

  it('seeds the demo store with an admin, 5 tables, 3 categories and 10 menus', async () => {
    const [counts] = (await t.dataSource.query(`
      SELECT (SELECT count(*) FROM stores WHERE code = 'demo')::int AS stores,
             (SELECT count(*) FROM admin_users a JOIN stores s ON s.id = a.store_id WHERE s.code = 'demo')::int AS admins,
             (SELECT count(*) FROM tables)::int AS tables,
             (SELECT count(*) FROM menu_categories)::int AS categories,
             (SELECT count(*) FROM menus)::int AS menus`)) as Array<Record<string, number>>;
    expect(counts).toEqual({ stores: 1, admins: 1, tables: 5, categories: 3, menus: 10 });
  });

  it('shows the demo menus with their option groups, and a demo table can order with options', async () => {
    const token = await loginTable(t, DEMO.storeCode, 1, DEMO.tablePassword);
    const menu = await t
      .http()
      .get('/api/v1/menu')
      .set(...bearer(token))
      .expect(200);
    type Item = {
      id: string;
      name: string;
      optionGroups: Array<{ name: string; options: Array<{ id: string }> }>;
    };
    const items = (menu.body.categories as Array<{ items: Item[] }>).flatMap((c) => c.items);
    const groupsOf = (name: string) => items.find((i) => i.name === name)?.optionGroups.map((g) => g.name);
    expect(groupsOf('Kimchi Stew')).toEqual(['Spice level (맵기)', 'Toppings (토핑 추가)']);
    expect(groupsOf('Cold Noodles')).toEqual(['Size (사이즈)']);
    expect(groupsOf('Cola')).toEqual([]);
    const stew = items.find((i) => i.name === 'Kimchi Stew') as Item;
    const [spice, toppings] = stew.optionGroups;
    const order = await t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(token))
      .send({
        items: [{ menuId: stew.id, quantity: 1, optionIds: [spice.options[2].id, toppings.options[0].id] }],
      })
      .expect(201);
    expect(order.body.items[0]).toMatchObject({ menuPrice: 8500, unitPrice: 9500 });
  });

  it('gives every demo menu a picture, with its thumbnail, served from the image storage', async () => {
    const token = await loginTable(t, DEMO.storeCode, 2, DEMO.tablePassword);
    const menu = await t
      .http()
      .get('/api/v1/menu')
      .set(...bearer(token))
      .expect(200);
    const items = (menu.body.categories as Array<{ items: Array<Record<string, string | null>> }>).flatMap(
      (c) => c.items,
    );
    expect(items).toHaveLength(10);
    for (const item of items) {
      expect(item.imageUrl).toMatch(/\/[0-9a-f-]{36}\.jpg$/);
      expect(item.thumbnailUrl).toMatch(/\/[0-9a-f-]{36}\.webp$/);
    }
    const display = await fetch(new URL(items[0].imageUrl!, t.url));
    expect(display.status).toBe(200);
    expect(await sharp(Buffer.from(await display.arrayBuffer())).metadata()).toMatchObject({
      format: 'jpeg',
      width: 1200,
      height: 900,
    });
    const thumbnail = await fetch(new URL(items[0].thumbnailUrl!, t.url));
    expect(await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).toMatchObject({
      format: 'webp',
      width: 300,
      height: 225,
    });
  });

  it('creates the bootstrap superadmin once', async () => {
    const rows = (await t.dataSource.query(
      `SELECT username FROM admin_users WHERE role = 'super_admin'`,
    )) as unknown[];
    expect(rows).toEqual([{ username: 'platform-root' }]);
  });

  it('renders unknown routes as a 404 envelope with the request id', async () => {
    const res = await t.http().get('/api/v1/no-such-thing').set('X-Request-Id', 'trace-123').expect(404);
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.body).toEqual({
      status: 404,
      error_code: 'NOT_FOUND',
      detail: expect.any(String),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      path: '/api/v1/no-such-thing',
      request_id: 'trace-123',
    });
  });

  it('replaces an invalid incoming request id with a generated one', async () => {
    const res = await t.http().get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const long = await t.http().get('/health/live').set('X-Request-Id', 'a'.repeat(129));
    expect(long.headers['x-request-id']).not.toBe('a'.repeat(129));
  });

  it('answers malformed JSON with 400 VALIDATION_ERROR', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('Content-Type', 'application/json')
      .send('{"storeCode": "demo",')
      .expect(400);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    expect(JSON.stringify(res.body)).not.toMatch(/SyntaxError|at .*\.js/);
    // Refused by the body parser, before any route: the request id is there all the same.
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('refuses a NUL character in any body string with 400, never a database error', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('X-Request-Id', 'nul-1')
      .send({ storeCode: 'de\u0000mo', username: 'admin', password: 'admin1234' })
      .expect(400);
    expect(res.body).toMatchObject({
      status: 400,
      error_code: 'VALIDATION_ERROR',
      request_id: 'nul-1',
      errors: [{ field: 'body', message: expect.stringContaining('NUL') }],
    });
  });

  it('refuses a JSON body over 100 KB with 413 PAYLOAD_TOO_LARGE, and accepts one just under', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(100 * 1024) });
    const res = await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('Content-Type', 'application/json')
      .send(big);
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    expect(res.body.request_id).not.toBe('');
    const under = JSON.stringify({ pad: 'x'.repeat(100 * 1024 - 20) });
    const ok = await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('Content-Type', 'application/json')
      .send(under);
    expect(ok.status).not.toBe(413);
  });

  it('allows no cross-origin browser call when CORS_ORIGINS is unset', async () => {
    const res = await t.http().get('/health/live').set('Origin', 'https://any.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t
      .http()
      .options('/api/v1/auth/admin-login')
      .set('Origin', 'https://any.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('keeps the data across a restart on the same DATA_DIR', async () => {
    await t.dataSource.query(`INSERT INTO stores (code, name) VALUES ('kept-store', 'Kept')`);
    await t.close();
    const again = await startApp(t.env, { DEMO_SEED: 'true' });
    try {
      const rows = (await again.dataSource.query(`SELECT code FROM stores ORDER BY code`)) as Array<{
        code: string;
      }>;
      expect(rows.map((r) => r.code)).toEqual(['demo', 'kept-store']);
      const [{ n }] = (await again.dataSource.query(`SELECT count(*)::int AS n FROM migrations`)) as Array<{
        n: number;
      }>;
      expect(n).toBe(again.dataSource.migrations.length);
    } finally {
      // Hand the instance back to afterAll.
      t = {
        ...t,
        ...again,
        env: t.env,
        stop: async () => {
          await again.close();
          await t.env.dispose();
        },
      };
    }
  });
});
