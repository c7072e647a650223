import { createHmac, createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as bcrypt from 'bcrypt';
import { createAdmin, createStore, createTable } from '../factories';
import { SUPERADMIN, startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginSuperadmin, StoreFixture, storeFixture } from '../utils/auth';
import { call } from '../utils/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const b64url = (value: object | Buffer): string =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

function signRs256(
  payload: object,
  privateKey: string,
  header: object = { alg: 'RS256', typ: 'JWT' },
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${b64url(signature)}`;
}

describe('auth: logins, tokens, roles, lockout and revocation', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let f: StoreFixture;
  let privateKey: string;
  let publicKey: string;

  const me = (token: string) =>
    t
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(token));
  const adminLogin = (body: object) => t.http().post('/api/v1/auth/admin-login').send(body);
  const tableLogin = (body: object) => t.http().post('/api/v1/auth/table-login').send(body);

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 2);
    // Outside production the service generates its key pair into DATA_DIR; the tests forge tokens with it.
    const file = path.join(t.env.vars.DATA_DIR, 'keys', 'jwt-private.pem');
    privateKey = fs.readFileSync(file, 'utf8');
    publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('logins', () => {
    it('table login answers the token, the store and the table', async () => {
      const table = f.tables[0];
      const res = await tableLogin({
        storeCode: f.store.code,
        tableNumber: table.number,
        password: table.password,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 16 * 3600,
        role: 'table',
        store: { id: f.store.id, code: f.store.code, name: f.store.name },
        table: { id: table.id, number: table.number },
      });
      const { header, payload } = decode(res.body.accessToken as string);
      expect(header.alg).toBe('RS256');
      expect(payload).toEqual({
        sub: `table:${table.id}`,
        role: 'table',
        storeId: f.store.id,
        tableId: table.id,
        ver: 0,
        iss: 'table-order',
        aud: 'table-order-api',
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect((payload.exp as number) - (payload.iat as number)).toBe(16 * 3600);
    });

    it('admin login answers the token, the store and the admin', async () => {
      const res = await adminLogin({
        storeCode: f.store.code,
        username: f.admin.username,
        password: f.admin.password,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 57600,
        role: 'admin',
        store: { id: f.store.id, code: f.store.code, name: f.store.name },
        admin: { id: f.admin.id, username: f.admin.username },
      });
      const { payload } = decode(res.body.accessToken as string);
      expect(payload).toMatchObject({ sub: `admin:${f.admin.id}`, role: 'admin', storeId: f.store.id });
      expect(payload).not.toHaveProperty('tableId');
    });

    it('superadmin login answers a token without a store', async () => {
      const res = await t.http().post('/api/v1/auth/superadmin-login').send(SUPERADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 57600,
        role: 'superadmin',
      });
      const { payload } = decode(res.body.accessToken as string);
      expect(payload.sub).toMatch(/^superadmin:[0-9a-f-]{36}$/);
      expect(payload).not.toHaveProperty('storeId');
      expect(payload).not.toHaveProperty('tableId');
    });

    it('GET /auth/me describes each principal', async () => {
      const admin = await me(f.admin.token).expect(200);
      expect(admin.body).toEqual({
        role: 'admin',
        storeId: f.store.id,
        adminId: f.admin.id,
        expiresAt: expect.stringMatching(ISO),
      });
      const exp = decode(f.admin.token).payload.exp as number;
      expect(admin.body.expiresAt).toBe(new Date(exp * 1000).toISOString());
      const table = await me(f.tables[1].token).expect(200);
      expect(table.body).toEqual({
        role: 'table',
        storeId: f.store.id,
        tableId: f.tables[1].id,
        expiresAt: expect.stringMatching(ISO),
      });
      const root = await me(await loginSuperadmin(t)).expect(200);
      expect(root.body).toEqual({
        role: 'superadmin',
        adminId: expect.stringMatching(UUID),
        expiresAt: expect.stringMatching(ISO),
      });
    });

    it('answers every wrong credential with the same 401 AUTH_FAILED', async () => {
      const store = await createStore(t.dataSource);
      const admin = await createAdmin(t.dataSource, store.id);
      const inactive = await createAdmin(t.dataSource, store.id, { isActive: false });
      const table = await createTable(t.dataSource, store.id, { number: 7 });
      const attempts = [
        adminLogin({ storeCode: store.code, username: admin.username, password: 'wrong-password' }),
        adminLogin({ storeCode: store.code, username: 'nobody-here', password: admin.password }),
        adminLogin({ storeCode: 'no-such-store', username: admin.username, password: admin.password }),
        adminLogin({ storeCode: f.store.code, username: admin.username, password: admin.password }),
        adminLogin({ storeCode: store.code, username: inactive.username, password: inactive.password }),
        tableLogin({ storeCode: store.code, tableNumber: 7, password: 'wrong' }),
        tableLogin({ storeCode: store.code, tableNumber: 8, password: table.password }),
        tableLogin({ storeCode: f.store.code, tableNumber: 7, password: table.password }),
        t
          .http()
          .post('/api/v1/auth/superadmin-login')
          .send({ username: SUPERADMIN.username, password: 'wrong-password' }),
        t
          .http()
          .post('/api/v1/auth/superadmin-login')
          .send({ username: admin.username, password: admin.password }),
      ];
      const details = new Set<string>();
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(401);
        expect(res.body.error_code).toBe('AUTH_FAILED');
        expect(res.body).not.toHaveProperty('errors');
        details.add(res.body.detail as string);
      }
      expect(details.size).toBe(1);
    });

    it('validates login bodies: missing, mistyped and unknown fields', async () => {
      const cases: Array<[string, object, string]> = [
        ['/api/v1/auth/admin-login', { storeCode: f.store.code, username: f.admin.username }, 'password'],
        ['/api/v1/auth/admin-login', { ...adminBody(), extra: 1 }, 'extra'],
        ['/api/v1/auth/admin-login', { ...adminBody(), username: 5 }, 'username'],
        [
          '/api/v1/auth/table-login',
          { storeCode: f.store.code, tableNumber: '1', password: 'x' },
          'tableNumber',
        ],
        [
          '/api/v1/auth/table-login',
          { storeCode: f.store.code, tableNumber: 1000, password: 'x' },
          'tableNumber',
        ],
        [
          '/api/v1/auth/table-login',
          { storeCode: f.store.code, tableNumber: 1.5, password: 'x' },
          'tableNumber',
        ],
        ['/api/v1/auth/superadmin-login', { username: SUPERADMIN.username }, 'password'],
        ['/api/v1/auth/superadmin-login', { ...SUPERADMIN, storeCode: 'x' }, 'storeCode'],
      ];
      for (const [url, body, field] of cases) {
        const res = await t.http().post(url).send(body);
        expect({ url, body, status: res.status }).toEqual({ url, body, status: 400 });
        expect(res.body.error_code).toBe('VALIDATION_ERROR');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('refuses a password over 72 bytes (UTF-8) instead of truncating it', async () => {
      // 25 Hangul syllables are 25 characters but 75 bytes.
      const long = '가'.repeat(25);
      for (const [url, body] of [
        ['/api/v1/auth/admin-login', { storeCode: f.store.code, username: f.admin.username, password: long }],
        ['/api/v1/auth/table-login', { storeCode: f.store.code, tableNumber: 1, password: long }],
        ['/api/v1/auth/superadmin-login', { username: SUPERADMIN.username, password: long }],
        [
          '/api/v1/auth/admin-login',
          { storeCode: f.store.code, username: f.admin.username, password: 'a'.repeat(73) },
        ],
      ] as const) {
        const res = await t.http().post(url).send(body);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/72 bytes/) }]);
      }
      // The 72 bytes bcrypt reads are the whole password: a password sharing them but longer is not accepted.
      const store = await createStore(t.dataSource);
      const exact = 'p'.repeat(72);
      const admin = await createAdmin(t.dataSource, store.id, { password: exact });
      await adminLogin({ storeCode: store.code, username: admin.username, password: exact }).expect(200);
      await adminLogin({ storeCode: store.code, username: admin.username, password: `${exact}q` }).expect(
        400,
      );
    });

    it('takes as long for an unknown user as for a wrong password (bcrypt runs either way)', async () => {
      const time = async (body: object): Promise<number> => {
        const started = process.hrtime.bigint();
        await adminLogin(body).expect(401);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const store = await createStore(t.dataSource);
      const admin = await createAdmin(t.dataSource, store.id);
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 3; i++) {
        unknown.push(
          await time({ storeCode: store.code, username: `ghost-${i}`, password: 'whatever-pass' }),
        );
        wrong.push(
          await time({ storeCode: store.code, username: admin.username, password: `wrong-pass-${i}` }),
        );
      }
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1];
      // A skipped bcrypt would answer in a millisecond or two; cost 10 takes tens of milliseconds.
      expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
    });
  });

  function adminBody(): object {
    return { storeCode: f.store.code, username: f.admin.username, password: f.admin.password };
  }

  describe('tokens', () => {
    const claims = (): Record<string, unknown> => {
      const now = Math.floor(Date.now() / 1000);
      return {
        sub: `admin:${f.admin.id}`,
        role: 'admin',
        storeId: f.store.id,
        ver: 0,
        iss: 'table-order',
        aud: 'table-order-api',
        iat: now,
        exp: now + 3600,
      };
    };
    const expectCode = async (token: string, code: string): Promise<void> => {
      const res = await me(token);
      expect({ status: res.status, code: res.body.error_code }).toEqual({ status: 401, code });
    };

    it('accepts a token the tests sign like the service does (the forging below is otherwise faithful)', async () => {
      await me(signRs256(claims(), privateKey)).expect(200);
    });

    it('TOKEN_MISSING without a bearer token', async () => {
      for (const header of [undefined, 'Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer ']) {
        const req = t.http().get('/api/v1/auth/me');
        if (header !== undefined) req.set('Authorization', header);
        const res = await req;
        expect(res.status).toBe(401);
        expect(res.body.error_code).toBe('TOKEN_MISSING');
      }
    });

    it('TOKEN_EXPIRED for an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectCode(
        signRs256({ ...claims(), iat: now - 7200, exp: now - 10 }, privateKey),
        'TOKEN_EXPIRED',
      );
    });

    it('INVALID_TOKEN for alg none, HS256 with the public key, tampering, another key, issuer, audience, claims', async () => {
      const forged: Record<string, string> = {};
      forged.algNone = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`;
      const hsInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims())}`;
      forged.hs256WithPublicKey = `${hsInput}.${createHmac('sha256', publicKey).update(hsInput).digest('base64url')}`;
      const [h, , s] = f.admin.token.split('.');
      const payload = decode(f.admin.token).payload;
      forged.tamperedRole = `${h}.${b64url({ ...payload, role: 'superadmin' })}.${s}`;
      forged.tamperedStore = `${h}.${b64url({ ...payload, storeId: f.tables[0].id })}.${s}`;
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      });
      forged.otherKey = signRs256(claims(), other.toString());
      forged.wrongIssuer = signRs256({ ...claims(), iss: 'someone-else' }, privateKey);
      forged.wrongAudience = signRs256({ ...claims(), aud: 'another-api' }, privateKey);
      forged.noIssuer = signRs256({ ...claims(), iss: undefined }, privateKey);
      forged.noVersion = signRs256({ ...claims(), ver: undefined }, privateKey);
      forged.staleVersion = signRs256({ ...claims(), ver: 1 }, privateKey);
      forged.subjectMismatch = signRs256({ ...claims(), sub: `admin:${f.tables[0].id}` }, privateKey);
      forged.unknownRole = signRs256({ ...claims(), role: 'owner', sub: `owner:${f.admin.id}` }, privateKey);
      forged.tableWithoutTableId = signRs256(
        { ...claims(), role: 'table', sub: `table:${f.tables[0].id}` },
        privateKey,
      );
      forged.garbage = 'not-a-jwt';
      forged.truncated = f.admin.token.slice(0, -5);
      for (const [name, token] of Object.entries(forged)) {
        const res = await me(token);
        expect({ name, status: res.status, code: res.body.error_code }).toEqual({
          name,
          status: 401,
          code: 'INVALID_TOKEN',
        });
      }
    });
  });

  describe('roles', () => {
    /** Every admin and platform operation the OpenAPI document lists, with a random id for each path parameter. */
    async function routes(prefix: RegExp): Promise<Array<[string, string]>> {
      const doc = (await t.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const out: Array<[string, string]> = [];
      for (const [p, ops] of Object.entries(doc.paths)) {
        if (!prefix.test(p)) continue;
        for (const method of Object.keys(ops)) {
          if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
          out.push([method, p.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')]);
        }
      }
      return out;
    }

    it('a table token is 403 INSUFFICIENT_PERMISSIONS on every admin and platform route', async () => {
      const list = await routes(/^\/api\/v1\/(admin|platform)\//);
      expect(list).toEqual(
        expect.arrayContaining([
          ['post', '/api/v1/platform/stores'],
          ['get', '/api/v1/platform/stores'],
        ]),
      );
      for (const [method, url] of list) {
        const res = await call(t, method, url)
          .set(...bearer(f.tables[0].token))
          .send({});
        expect({ method, url, status: res.status, code: res.body.error_code }).toEqual({
          method,
          url,
          status: 403,
          code: 'INSUFFICIENT_PERMISSIONS',
        });
      }
    });

    it('an admin token is 403 on every platform route', async () => {
      const list = await routes(/^\/api\/v1\/platform\//);
      expect(list.length).toBeGreaterThanOrEqual(5);
      for (const [method, url] of list) {
        const res = await call(t, method, url)
          .set(...bearer(f.admin.token))
          .send({});
        expect({ method, url, status: res.status }).toEqual({ method, url, status: 403 });
        expect(res.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
      }
    });

    it('admin and platform routes without a token are 401 TOKEN_MISSING', async () => {
      for (const url of ['/api/v1/platform/stores', '/api/v1/auth/me']) {
        const res = await t.http().get(url);
        expect(res.status).toBe(401);
        expect(res.body.error_code).toBe('TOKEN_MISSING');
      }
    });

    it('public operational routes need no token', async () => {
      await t.http().get('/health/live').expect(200);
      await t.http().get('/docs-json').expect(200);
    });
  });

  describe('lockout', () => {
    it('locks a store+username for 60 s after five failures, even for the right password', async () => {
      const store = await createStore(t.dataSource);
      const admin = await createAdmin(t.dataSource, store.id);
      const neighbour = await createAdmin(t.dataSource, store.id);
      const wrong = { storeCode: store.code, username: admin.username, password: 'wrong-password' };
      for (let i = 1; i <= 5; i++) {
        const res = await adminLogin(wrong);
        expect({ attempt: i, status: res.status, code: res.body.error_code }).toEqual({
          attempt: i,
          status: 401,
          code: 'AUTH_FAILED',
        });
      }
      for (const password of ['wrong-password', admin.password]) {
        const res = await adminLogin({ ...wrong, password });
        expect(res.status).toBe(429);
        expect(res.body.error_code).toBe('LOGIN_LOCKED');
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      // Only that login is locked.
      await adminLogin({
        storeCode: store.code,
        username: neighbour.username,
        password: neighbour.password,
      }).expect(200);
    });

    it('a success before the fifth failure resets the count', async () => {
      const store = await createStore(t.dataSource);
      const admin = await createAdmin(t.dataSource, store.id);
      const body = { storeCode: store.code, username: admin.username, password: admin.password };
      for (let i = 0; i < 4; i++) await adminLogin({ ...body, password: 'wrong-password' }).expect(401);
      await adminLogin(body).expect(200);
      for (let i = 0; i < 4; i++) await adminLogin({ ...body, password: 'wrong-password' }).expect(401);
      await adminLogin(body).expect(200);
    });

    it('locks a store+table number', async () => {
      const store = await createStore(t.dataSource);
      const table = await createTable(t.dataSource, store.id, { number: 3 });
      const other = await createTable(t.dataSource, store.id, { number: 4 });
      for (let i = 0; i < 5; i++)
        await tableLogin({ storeCode: store.code, tableNumber: 3, password: 'nope' }).expect(401);
      const locked = await tableLogin({ storeCode: store.code, tableNumber: 3, password: table.password });
      expect(locked.status).toBe(429);
      expect(locked.body.error_code).toBe('LOGIN_LOCKED');
      expect(locked.headers['retry-after']).toMatch(/^\d+$/);
      await tableLogin({ storeCode: store.code, tableNumber: 4, password: other.password }).expect(200);
    });

    it('locks a superadmin username', async () => {
      const username = 'second-root';
      await t.dataSource.query(
        `INSERT INTO admin_users (store_id, username, password_hash, role) VALUES (NULL, $1, $2, 'super_admin')`,
        [username, await bcrypt.hash('second-root-pass', 10)],
      );
      const login = (password: string) =>
        t.http().post('/api/v1/auth/superadmin-login').send({ username, password });
      await login('second-root-pass').expect(200);
      for (let i = 0; i < 5; i++) await login('wrong-password').expect(401);
      const res = await login('second-root-pass');
      expect(res.status).toBe(429);
      expect(res.body.error_code).toBe('LOGIN_LOCKED');
      await loginSuperadmin(t);
    });
  });

  describe('revocation', () => {
    /** Polls /auth/me until it stops answering 200; returns how long that took. */
    async function secondsUntilRevoked(token: string): Promise<{ seconds: number; code: string }> {
      const started = Date.now();
      while (Date.now() - started < 65_000) {
        const res = await me(token);
        if (res.status !== 200)
          return { seconds: (Date.now() - started) / 1000, code: res.body.error_code as string };
        await new Promise((r) => setTimeout(r, 250));
      }
      return { seconds: Infinity, code: 'still valid' };
    }

    it('deactivating an admin revokes their tokens within 60 s and blocks new logins', async () => {
      const fx = await storeFixture(t, 0);
      await me(fx.admin.token).expect(200);
      const root = await loginSuperadmin(t);
      await t
        .http()
        .patch(`/api/v1/platform/admins/${fx.admin.id}`)
        .set(...bearer(root))
        .send({ isActive: false })
        .expect(200);
      const revoked = await secondsUntilRevoked(fx.admin.token);
      expect(revoked.code).toBe('INVALID_TOKEN');
      expect(revoked.seconds).toBeLessThan(60);
      const body = { storeCode: fx.store.code, username: fx.admin.username, password: fx.admin.password };
      expect((await adminLogin(body)).body.error_code).toBe('AUTH_FAILED');
      // Reactivated: a new login works, the old token stays revoked.
      await t
        .http()
        .patch(`/api/v1/platform/admins/${fx.admin.id}`)
        .set(...bearer(root))
        .send({ isActive: true })
        .expect(200);
      const fresh = (await adminLogin(body).expect(200)).body.accessToken as string;
      await me(fresh).expect(200);
      expect((await me(fx.admin.token)).status).toBe(401);
    }, 90_000);

    it('a table token stops working within 60 s of its token_version changing, even without notice', async () => {
      // The table-password endpoint bumps the version and calls TokenRevocationService.forget; here the row is
      // changed behind the service's back, so only the cache lifetime bounds the delay.
      const fx = await storeFixture(t, 1);
      await me(fx.tables[0].token).expect(200);
      await t.dataSource.query(`UPDATE tables SET token_version = token_version + 1 WHERE id = $1`, [
        fx.tables[0].id,
      ]);
      const revoked = await secondsUntilRevoked(fx.tables[0].token);
      expect(revoked.code).toBe('INVALID_TOKEN');
      expect(revoked.seconds).toBeLessThan(60);
      const again = await loginTableToken(fx, 0);
      await me(again).expect(200);
    }, 90_000);

    it('a deleted table loses its token', async () => {
      const fx = await storeFixture(t, 1);
      await t.dataSource.query(`DELETE FROM tables WHERE id = $1`, [fx.tables[0].id]);
      const revoked = await secondsUntilRevoked(fx.tables[0].token);
      expect(revoked.code).toBe('INVALID_TOKEN');
      expect(revoked.seconds).toBeLessThan(60);
    }, 90_000);
  });

  async function loginTableToken(fx: StoreFixture, i: number): Promise<string> {
    const res = await tableLogin({
      storeCode: fx.store.code,
      tableNumber: fx.tables[i].number,
      password: fx.tables[i].password,
    });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  }
});
