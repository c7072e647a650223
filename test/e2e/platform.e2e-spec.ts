import { createAdmin, createStore } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginAdmin, loginSuperadmin } from '../utils/auth';
import { call } from '../utils/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('platform: stores and admin accounts (superadmin)', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let root: string;

  const post = (url: string, body: unknown) =>
    t
      .http()
      .post(url)
      .set(...bearer(root))
      .send(body as object);
  const get = (url: string) =>
    t
      .http()
      .get(url)
      .set(...bearer(root));
  const patch = (url: string, body: unknown) =>
    t
      .http()
      .patch(url)
      .set(...bearer(root))
      .send(body as object);

  beforeAll(async () => {
    t = await startTestApp();
    root = await loginSuperadmin(t);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a store (201) and lists it', async () => {
    const res = await post('/api/v1/platform/stores', { code: 'gangnam-1', name: 'Gangnam Bistro' }).expect(
      201,
    );
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      code: 'gangnam-1',
      name: 'Gangnam Bistro',
      createdAt: expect.stringMatching(ISO),
    });
    const list = await get('/api/v1/platform/stores').expect(200);
    expect(list.body).toContainEqual(res.body);
    for (const store of list.body as object[])
      expect(Object.keys(store).sort()).toEqual(['code', 'createdAt', 'id', 'name']);
  });

  it('refuses a duplicate store code with 409 CONFLICT', async () => {
    await post('/api/v1/platform/stores', { code: 'dup-code', name: 'One' }).expect(201);
    const res = await post('/api/v1/platform/stores', { code: 'dup-code', name: 'Two' }).expect(409);
    expect(res.body.error_code).toBe('CONFLICT');
  });

  it('validates store bodies', async () => {
    const cases: Array<[unknown, string]> = [
      [{ code: 'AB', name: 'x' }, 'code'],
      [{ code: 'ab', name: 'x' }, 'code'],
      [{ code: 'a'.repeat(31), name: 'x' }, 'code'],
      [{ code: 'has space', name: 'x' }, 'code'],
      [{ code: 'UPPER-case', name: 'x' }, 'code'],
      [{ code: 'ok-code', name: '' }, 'name'],
      [{ code: 'ok-code', name: '   ' }, 'name'],
      [{ code: 'ok-code', name: 'n'.repeat(101) }, 'name'],
      [{ code: 'ok-code' }, 'name'],
      [{ code: 'ok-code', name: 'x', extra: true }, 'extra'],
      [{ code: 5, name: 'x' }, 'code'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/api/v1/platform/stores', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const list = await get('/api/v1/platform/stores').expect(200);
    expect((list.body as Array<{ code: string }>).map((s) => s.code)).not.toContain('ok-code');
  });

  it('creates an admin who can log in, and lists the store admins', async () => {
    const store = await createStore(t.dataSource);
    const res = await post(`/api/v1/platform/stores/${store.id}/admins`, {
      username: 'manager.kim',
      password: 'manager-pass',
    }).expect(201);
    expect(res.body).toEqual({ id: expect.stringMatching(UUID), username: 'manager.kim', isActive: true });
    const token = await loginAdmin(t, store.code, 'manager.kim', 'manager-pass');
    expect(token).toEqual(expect.any(String));
    const list = await get(`/api/v1/platform/stores/${store.id}/admins`).expect(200);
    expect(list.body).toEqual([{ ...res.body, createdAt: expect.stringMatching(ISO) }]);
    const raw = JSON.stringify(list.body);
    expect(raw).not.toMatch(/password|hash|\$2[aby]\$/i);
  });

  it('keeps usernames unique per store, not across stores', async () => {
    const a = await createStore(t.dataSource);
    const b = await createStore(t.dataSource);
    await post(`/api/v1/platform/stores/${a.id}/admins`, {
      username: 'same-name',
      password: 'password-1',
    }).expect(201);
    const dup = await post(`/api/v1/platform/stores/${a.id}/admins`, {
      username: 'same-name',
      password: 'password-2',
    }).expect(409);
    expect(dup.body.error_code).toBe('CONFLICT');
    await post(`/api/v1/platform/stores/${b.id}/admins`, {
      username: 'same-name',
      password: 'password-3',
    }).expect(201);
  });

  it('validates admin bodies: username pattern, password 8-72 bytes, unknown fields', async () => {
    const store = await createStore(t.dataSource);
    const cases: Array<[unknown, string]> = [
      [{ username: 'ab', password: 'password-1' }, 'username'],
      [{ username: 'Upper', password: 'password-1' }, 'username'],
      [{ username: 'u'.repeat(31), password: 'password-1' }, 'username'],
      [{ username: 'with space', password: 'password-1' }, 'username'],
      [{ username: 'valid-user', password: 'short' }, 'password'],
      [{ username: 'valid-user', password: 'p'.repeat(73) }, 'password'],
      [{ username: 'valid-user', password: '가'.repeat(25) }, 'password'],
      [{ username: 'valid-user' }, 'password'],
      [{ username: 'valid-user', password: 'password-1', role: 'super_admin' }, 'role'],
    ];
    for (const [body, field] of cases) {
      const res = await post(`/api/v1/platform/stores/${store.id}/admins`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // Exactly 72 bytes (24 three-byte characters) is allowed.
    await post(`/api/v1/platform/stores/${store.id}/admins`, {
      username: 'valid-user',
      password: '가'.repeat(24),
    }).expect(201);
    await loginAdmin(t, store.code, 'valid-user', '가'.repeat(24));
  });

  it('answers 404 STORE_NOT_FOUND for an unknown store and 400 for a malformed id', async () => {
    const created = await post(`/api/v1/platform/stores/${MISSING}/admins`, {
      username: 'valid-user',
      password: 'password-1',
    }).expect(404);
    expect(created.body.error_code).toBe('STORE_NOT_FOUND');
    const listed = await get(`/api/v1/platform/stores/${MISSING}/admins`).expect(404);
    expect(listed.body.error_code).toBe('STORE_NOT_FOUND');
    for (const bad of ['not-a-uuid', '123', `${MISSING}x`]) {
      const res = await get(`/api/v1/platform/stores/${bad}/admins`).expect(400);
      expect(res.body).toMatchObject({
        error_code: 'VALIDATION_ERROR',
        errors: [{ field: 'storeId', message: 'must be a UUID' }],
      });
      const p = await patch(`/api/v1/platform/admins/${bad}`, { isActive: false }).expect(400);
      expect(p.body.errors).toEqual([{ field: 'adminId', message: 'must be a UUID' }]);
    }
  });

  it('deactivates and reactivates an admin; 404 ADMIN_NOT_FOUND and validation on PATCH', async () => {
    const store = await createStore(t.dataSource);
    const admin = await createAdmin(t.dataSource, store.id);
    const off = await patch(`/api/v1/platform/admins/${admin.id}`, { isActive: false }).expect(200);
    expect(off.body).toEqual({
      id: admin.id,
      username: admin.username,
      isActive: false,
      createdAt: expect.stringMatching(ISO),
    });
    const [row] = (await t.dataSource.query(`SELECT token_version::int AS v FROM admin_users WHERE id = $1`, [
      admin.id,
    ])) as Array<{ v: number }>;
    expect(row.v).toBe(1);
    // Setting the same state again changes nothing.
    await patch(`/api/v1/platform/admins/${admin.id}`, { isActive: false }).expect(200);
    const on = await patch(`/api/v1/platform/admins/${admin.id}`, { isActive: true }).expect(200);
    expect(on.body.isActive).toBe(true);
    await loginAdmin(t, store.code, admin.username, admin.password);

    const missing = await patch(`/api/v1/platform/admins/${MISSING}`, { isActive: false }).expect(404);
    expect(missing.body.error_code).toBe('ADMIN_NOT_FOUND');
    // The superadmin is not a store admin: not found here, so the platform cannot lock itself out.
    const [{ id: rootId }] = (await t.dataSource.query(
      `SELECT id FROM admin_users WHERE role = 'super_admin'`,
    )) as Array<{ id: string }>;
    await patch(`/api/v1/platform/admins/${rootId}`, { isActive: false }).expect(404);
    for (const body of [{}, { isActive: 'false' }, { isActive: 0 }, { isActive: true, username: 'x' }]) {
      const res = await patch(`/api/v1/platform/admins/${admin.id}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('is closed to tables and admins (403) and to anonymous callers (401)', async () => {
    const store = await createStore(t.dataSource);
    const admin = await createAdmin(t.dataSource, store.id);
    const adminToken = await loginAdmin(t, store.code, admin.username, admin.password);
    const routes: Array<[string, string, object?]> = [
      ['post', '/api/v1/platform/stores', { code: 'x-store', name: 'x' }],
      ['get', '/api/v1/platform/stores'],
      ['post', `/api/v1/platform/stores/${store.id}/admins`, { username: 'sneaky', password: 'password-1' }],
      ['get', `/api/v1/platform/stores/${store.id}/admins`],
      ['patch', `/api/v1/platform/admins/${admin.id}`, { isActive: false }],
    ];
    for (const [method, url, body] of routes) {
      const anon = await call(t, method, url).send(body ?? {});
      expect({ url, status: anon.status, code: anon.body.error_code }).toEqual({
        url,
        status: 401,
        code: 'TOKEN_MISSING',
      });
      const asAdmin = await call(t, method, url)
        .set(...bearer(adminToken))
        .send(body ?? {});
      expect({ url, status: asAdmin.status, code: asAdmin.body.error_code }).toEqual({
        url,
        status: 403,
        code: 'INSUFFICIENT_PERMISSIONS',
      });
    }
    const [{ n }] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM admin_users WHERE username = 'sneaky'`,
    )) as Array<{ n: number }>;
    expect(n).toBe(0);
  });
});
