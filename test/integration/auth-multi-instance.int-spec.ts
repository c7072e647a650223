import Redis from 'ioredis';
import { LOCAL_TTL_MS, TokenRevocationService } from '../../src/modules/auth/token-revocation.service';
import { createAdmin, createStore, createTable } from '../factories';
import { createTestEnv, REDIS_URL, startApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginAdmin, loginSuperadmin, loginTable } from '../utils/auth';

/**
 * Two instances of one deployment (same database, same Redis prefix): the rate limit, the login lockout and
 * token revocation must hold for the deployment, not per instance.
 */
describe('auth across two instances on one Redis', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  let ipCounter = 0;
  const newIp = (): string => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    env = await createTestEnv({
      RATE_LIMIT_PER_MINUTE: '6',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      TRUST_PROXY: '1',
    });
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await env?.dispose();
  });

  async function newAdmin(): Promise<{
    storeCode: string;
    id: string;
    username: string;
    password: string;
    token: string;
  }> {
    const store = await createStore(a.dataSource);
    const admin = await createAdmin(a.dataSource, store.id);
    const res = await a
      .http()
      .post('/api/v1/auth/admin-login')
      .set('X-Forwarded-For', newIp())
      .send({ storeCode: store.code, username: admin.username, password: admin.password })
      .expect(200);
    return { storeCode: store.code, ...admin, token: res.body.accessToken as string };
  }

  it('shares RATE_LIMIT_PER_MINUTE of a principal between the instances', async () => {
    const admin = await newAdmin();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const instance = i % 2 === 0 ? a : b;
      statuses.push(
        (
          await instance
            .http()
            .get('/api/v1/auth/me')
            .set(...bearer(admin.token))
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    for (const instance of [a, b]) {
      const res = await instance
        .http()
        .get('/api/v1/auth/me')
        .set(...bearer(admin.token));
      expect(res.status).toBe(429);
      expect(res.body.error_code).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // The counters live in Redis under this deployment's prefix.
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${env.vars.REDIS_KEY_PREFIX}throttle:*`);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('shares the login lockout between the instances', async () => {
    const admin = await newAdmin();
    const body = { storeCode: admin.storeCode, username: admin.username, password: 'wrong-password' };
    for (let i = 0; i < 5; i++) {
      const instance = i % 2 === 0 ? a : b;
      await instance
        .http()
        .post('/api/v1/auth/admin-login')
        .set('X-Forwarded-For', newIp())
        .send(body)
        .expect(401);
    }
    for (const instance of [a, b]) {
      const res = await instance
        .http()
        .post('/api/v1/auth/admin-login')
        .set('X-Forwarded-For', newIp())
        .send({ ...body, password: admin.password });
      expect(res.status).toBe(429);
      expect(res.body.error_code).toBe('LOGIN_LOCKED');
    }
  });
});

describe('token revocation across two instances on one Redis', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    env = await createTestEnv();
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await env?.dispose();
  });

  async function newAdmin(): Promise<{ id: string; token: string }> {
    const store = await createStore(a.dataSource);
    const admin = await createAdmin(a.dataSource, store.id);
    return { id: admin.id, token: await loginAdmin(a, store.code, admin.username, admin.password) };
  }

  it('revokes a deactivated admin on the other instance within 60 s', async () => {
    const admin = await newAdmin();
    // Instance b has checked (and cached) the token's version.
    await b
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(admin.token))
      .expect(200);
    const root = await loginSuperadmin(a);
    await a
      .http()
      .patch(`/api/v1/platform/admins/${admin.id}`)
      .set(...bearer(root))
      .send({ isActive: false })
      .expect(200);
    const started = Date.now();
    let last = 200;
    let code: string | undefined;
    while (Date.now() - started < 65_000) {
      const res = await b
        .http()
        .get('/api/v1/auth/me')
        .set(...bearer(admin.token));
      last = res.status;
      code = res.body.error_code as string | undefined;
      if (last === 401) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect({ last, code }).toEqual({ last: 401, code: 'INVALID_TOKEN' });
    expect((Date.now() - started) / 1000).toBeLessThan(60);
  }, 90_000);

  it("a table's version bump announced on one instance reaches the other (forget drops the shared copy)", async () => {
    const store = await createStore(a.dataSource);
    const table = await createTable(a.dataSource, store.id, { number: 1 });
    const token = await loginTable(a, store.code, 1, table.password);
    await b
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(token))
      .expect(200);
    // What the table-password endpoint does: bump the version in its transaction, then forget after commit.
    await a.dataSource.query(`UPDATE tables SET token_version = token_version + 1 WHERE id = $1`, [table.id]);
    await a.app.get(TokenRevocationService).forget('table', table.id);
    const redis = new Redis(REDIS_URL, { keyPrefix: env.vars.REDIS_KEY_PREFIX });
    try {
      expect(await redis.exists(`tokver:table:${table.id}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 65_000) {
      status = (
        await b
          .http()
          .get('/api/v1/auth/me')
          .set(...bearer(token))
      ).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(401);
    // Bounded by the other instance's local cache lifetime, not by the shared one.
    expect(Date.now() - started).toBeLessThanOrEqual(LOCAL_TTL_MS + 2000);
  }, 90_000);
});
