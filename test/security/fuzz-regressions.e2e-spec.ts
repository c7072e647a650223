import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { nest } from './fuzz-generators';
import { SeededStore, seedStore } from './world';

/** Requests the seeded fuzz (fuzz.e2e-spec.ts) once found answered with a 500, kept as plain tests. */
describe('security: what the fuzz found stays fixed', () => {
  const w = {} as {
    t: TestApp & { env: TestEnv; stop(): Promise<void> };
    own: SeededStore;
    loginTarget: SeededStore;
  };

  beforeAll(async () => {
    // Local image storage in both suites: these tests reach images through the service's /uploads route.
    w.t = await startTestApp({ IMAGE_STORAGE: 'local' });
    w.own = await seedStore(w.t, 'fuzz');
    w.loginTarget = await seedStore(w.t, 'login');
  }, 120_000);
  afterAll(async () => {
    await w.t?.stop();
  });

  const raw = (url: string, json: string, token?: string) => {
    const req = w.t.http().post(url).set('Content-Type', 'application/json');
    return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(json);
  };

  it('a lone UTF-16 surrogate anywhere in a body is 400 VALIDATION_ERROR (it has no UTF-8 form), never a 500', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['/api/v1/auth/superadmin-login', '{"username":"\\ud800","password":"whatever-pass"}', undefined],
      [
        '/api/v1/auth/admin-login',
        `{"storeCode":"${w.loginTarget.store.code}","username":"a\\udc00","password":"whatever-pass"}`,
        undefined,
      ],
      ['/api/v1/auth/table-login', '{"storeCode":"\\ud83d","tableNumber":1,"password":"1234"}', undefined],
      ['/api/v1/admin/categories', '{"name":"Drinks \\ud83d"}', w.own.admin.token],
      ['/api/v1/admin/tables', '{"number":900,"password":"pass\\ud800"}', w.own.admin.token],
    ];
    for (const [url, json, token] of cases) {
      const res = await raw(url, json, token);
      expect({ url, status: res.status, code: res.body.error_code, errors: res.body.errors }).toEqual({
        url,
        status: 400,
        code: 'VALIDATION_ERROR',
        errors: [{ field: 'body', message: 'must be well-formed Unicode (no lone surrogate)' }],
      });
    }
    // A well-formed pair (an emoji) is ordinary text.
    const emoji = await raw(
      '/api/v1/admin/categories',
      '{"name":"Drinks \\ud83c\\udf7a"}',
      w.own.admin.token,
    );
    expect({ status: emoji.status, name: emoji.body.name }).toEqual({ status: 201, name: 'Drinks 🍺' });
  });

  it('a deeply nested body is 400, not a stack overflow (500) in the validation', async () => {
    for (const [url, json] of [
      ['/api/v1/admin/categories', nest(2000, '[', ']')],
      ['/api/v1/admin/menus', `{"name":${nest(17, '{"a":', '}')}}`],
      ['/api/v1/admin/tables', nest(3000, '[', ']')],
    ]) {
      const res = await raw(url, json, w.own.admin.token);
      expect({ url, status: res.status, code: res.body.error_code }).toEqual({
        url,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    // Deep enough to break the parser itself: still a 400.
    const deeper = await raw('/api/v1/admin/categories', nest(30_000, '[', ']'), w.own.admin.token);
    expect(deeper.status).toBe(400);
  });

  it('an image request with a Range header gets the image, never an envelope labelled as an image', async () => {
    const whole = await w.t.http().get(`/uploads/${w.own.imageFile}`).buffer(true).expect(200);
    for (const range of ['bytes=99999-', 'bytes=5-1', 'bytes=0-10', 'bytes=abc']) {
      const res = await w.t.http().get(`/uploads/${w.own.imageFile}`).set('Range', range).buffer(true);
      expect({ range, status: res.status, type: res.headers['content-type'] }).toEqual({
        range,
        status: 200,
        type: 'image/png',
      });
      expect((res.body as Buffer).equals(whole.body as Buffer)).toBe(true);
    }
    const missing = await w.t.http().get(`/uploads/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.png`);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(String(missing.headers['cache-control'] ?? '')).not.toMatch(/max-age=86400/);
  });

  it('an order line that is an array is 400 naming the line, not a 500', async () => {
    for (const json of ['{"items":[[]]}', `{"items":[[{"menuId":"${w.own.menus[0].id}","quantity":1}]]}`]) {
      const res = await raw('/api/v1/orders', json, w.own.tables[0].token);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors).toContainEqual({ field: 'items', message: expect.stringMatching(/object/) });
    }
  });
});
