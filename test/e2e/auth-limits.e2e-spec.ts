import { createAdmin, createStore, createTable } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer } from '../utils/auth';

/**
 * Rate limits and CORS, on an instance with small limits. TRUST_PROXY=1 makes Express take the client address
 * from X-Forwarded-For, which lets one test process act as several clients.
 */
describe('auth: rate limits and CORS', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let ipCounter = 0;
  const newIp = (): string => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '5',
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: '1',
      CORS_ORIGINS: 'https://allowed.example,https://also.example',
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  async function adminToken(): Promise<string> {
    const store = await createStore(t.dataSource);
    const admin = await createAdmin(t.dataSource, store.id);
    const res = await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('X-Forwarded-For', newIp())
      .send({ storeCode: store.code, username: admin.username, password: admin.password })
      .expect(200);
    return res.body.accessToken as string;
  }

  it('limits each principal to RATE_LIMIT_PER_MINUTE, whatever its address', async () => {
    const a = await adminToken();
    const b = await adminToken();
    for (let i = 1; i <= 5; i++) {
      // A different address per request: the budget follows the token, not the IP.
      await t
        .http()
        .get('/api/v1/auth/me')
        .set(...bearer(a))
        .set('X-Forwarded-For', newIp())
        .expect(200);
    }
    const limited = await t
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(a))
      .set('X-Forwarded-For', newIp());
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429, error_code: 'RATE_LIMIT_EXCEEDED' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another principal has its own budget.
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(b))
      .expect(200);
  });

  it('limits anonymous callers (and callers with bad tokens) per client IP', async () => {
    const ip = newIp();
    for (let i = 1; i <= 5; i++) {
      const res = await t
        .http()
        .get('/api/v1/auth/me')
        .set('X-Forwarded-For', ip)
        .set('Authorization', 'Bearer forged.token.value');
      expect(res.status).toBe(401);
    }
    const limited = await t.http().get('/api/v1/auth/me').set('X-Forwarded-For', ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error_code).toBe('RATE_LIMIT_EXCEEDED');
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    const other = await t.http().get('/api/v1/auth/me').set('X-Forwarded-For', newIp());
    expect(other.status).toBe(401);
  });

  it('limits login attempts per client IP to LOGIN_RATE_LIMIT_PER_MINUTE, across login endpoints and accounts', async () => {
    const store = await createStore(t.dataSource);
    const table = await createTable(t.dataSource, store.id, { number: 1 });
    const admin = await createAdmin(t.dataSource, store.id);
    const ip = newIp();
    await t
      .http()
      .post('/api/v1/auth/table-login')
      .set('X-Forwarded-For', ip)
      .send({ storeCode: store.code, tableNumber: 1, password: 'wrong' })
      .expect(401);
    await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('X-Forwarded-For', ip)
      .send({ storeCode: store.code, username: 'someone', password: 'wrong-pass' })
      .expect(401);
    await t
      .http()
      .post('/api/v1/auth/superadmin-login')
      .set('X-Forwarded-For', ip)
      .send({ username: 'someone', password: 'wrong-pass' })
      .expect(401);
    const limited = await t
      .http()
      .post('/api/v1/auth/table-login')
      .set('X-Forwarded-For', ip)
      .send({ storeCode: store.code, tableNumber: 1, password: table.password });
    expect(limited.status).toBe(429);
    expect(limited.body.error_code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another client still logs in.
    await t
      .http()
      .post('/api/v1/auth/admin-login')
      .set('X-Forwarded-For', newIp())
      .send({ storeCode: store.code, username: admin.username, password: admin.password })
      .expect(200);
  });

  it('never limits the probes and the API document', async () => {
    const ip = newIp();
    for (let i = 0; i < 12; i++) {
      await t.http().get('/health/live').set('X-Forwarded-For', ip).expect(200);
    }
    for (let i = 0; i < 7; i++) {
      await t.http().get('/docs-json').set('X-Forwarded-For', ip).expect(200);
    }
  });

  it('CORS: a listed origin is allowed, an unlisted one is not', async () => {
    const allowed = await t.http().get('/health/live').set('Origin', 'https://allowed.example').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://allowed.example');
    const also = await t
      .http()
      .options('/api/v1/auth/admin-login')
      .set('Origin', 'https://also.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');
    expect(also.status).toBeLessThan(300);
    expect(also.headers['access-control-allow-origin']).toBe('https://also.example');
    const denied = await t.http().get('/health/live').set('Origin', 'https://evil.example').expect(200);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t
      .http()
      .options('/api/v1/auth/admin-login')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sets Helmet security headers', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
