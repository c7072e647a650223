import {
  createHmac,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  sign as cryptoSign,
} from 'node:crypto';
import { constants } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SseService } from '../../src/modules/events/sse.service';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, loginSuperadmin } from '../utils/auth';
import { buildPath, Route, routeTable } from '../utils/route-table';
import { openSse } from '../utils/sse';
import { Answer, send } from './requests';
import { seedStore, SeededStore } from './world';

/**
 * Forged, tampered, malformed and revoked tokens, each sent to every guarded route of the route table (event
 * streams included). A token that is not exactly what the service issued and still holds is 401 with API.md's code
 * everywhere: INVALID_TOKEN, or TOKEN_EXPIRED for an expired one, never a 403, a 2xx or a 5xx.
 * (test/e2e/auth.e2e-spec.ts checks the codes once on /auth/me; this is the route-by-route sweep.)
 */
type Claims = Record<string, unknown>;

const b64 = (value: object | Buffer | string): string =>
  (Buffer.isBuffer(value)
    ? value
    : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))
  ).toString('base64url');

const decode = (token: string): { header: Claims; payload: Claims; signature: string } => {
  const [h, p, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Claims,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Claims,
    signature,
  };
};

/** `payload` is any JSON object or array: some forgeries are not a claims object at all. */
function signWith(
  alg: 'RS256' | 'RS512' | 'PS256',
  payload: Claims | Claims[],
  key: string,
  header: Claims = {},
): string {
  const input = `${b64({ alg, typ: 'JWT', ...header })}.${b64(payload)}`;
  const hash = alg === 'RS512' ? 'sha512' : 'sha256';
  const signature =
    alg === 'PS256'
      ? cryptoSign(hash, Buffer.from(input), {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        })
      : createSign(`RSA-${hash.toUpperCase()}`).update(input).sign(key);
  return `${input}.${b64(signature)}`;
}

function hmac(alg: 'HS256' | 'HS512', payload: Claims, secret: string): string {
  const input = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(input)
    .digest('base64url')}`;
}

/** Same header and signature, another payload: what an attacker who can only edit base64 gets. */
const tamper = (token: string, change: (p: Claims) => Claims): string => {
  const [h, , s] = token.split('.');
  return `${h}.${b64(change(decode(token).payload))}.${s}`;
};

const without = (claims: Claims, ...names: string[]): Claims =>
  Object.fromEntries(Object.entries(claims).filter(([k]) => !names.includes(k)));

interface Forgery {
  name: string;
  token: string;
  code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'TOKEN_MISSING';
}

describe('security: forged and revoked tokens on every guarded route', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let guarded: Route[];
  let own: SeededStore;
  let foreign: SeededStore;
  let root: string;
  let privateKey: string;
  let publicKey: string;
  let attackerKey: string;
  const figures = { guardedRoutes: 0, forgeries: 0, cells: 0, accepted: 0 };
  const started = Date.now();

  beforeAll(async () => {
    t = await startTestApp();
    guarded = (await routeTable(t)).routes.filter((r) => r.roles !== null);
    figures.guardedRoutes = guarded.length;
    own = await seedStore(t, 'own');
    foreign = await seedStore(t, 'foreign');
    root = await loginSuperadmin(t);
    // Outside production the service generates its key pair into DATA_DIR: the tests sign with it to show that
    // the claims, not only the signature, are checked.
    privateKey = fs.readFileSync(path.join(t.env.vars.DATA_DIR, 'keys', 'jwt-private.pem'), 'utf8');
    publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  }, 120_000);

  afterAll(async () => {
    console.log(
      `security jwt figures: ${JSON.stringify({ ...figures, seconds: (Date.now() - started) / 1000 })}`,
    );
    await t?.stop();
  });

  /** Any well-formed request: the guards run before the pipes, so ids need not exist. */
  const attempt = (route: Route, token: string): Promise<Answer> =>
    send(
      t,
      route,
      {
        path: buildPath(route, (name) =>
          name === 'file' ? 'x.png' : '00000000-0000-4000-8000-000000000000',
        ),
        query: {},
        json: route.jsonBody ? {} : undefined,
        idsOutsidePath: false,
      },
      token,
    );

  /** Sends every token to every guarded route; returns the cells that did not answer as expected. */
  async function sweep(forgeries: Forgery[], routes = guarded): Promise<string[]> {
    const problems: string[] = [];
    figures.forgeries += forgeries.length;
    // One token at a time, its routes concurrently: refusals are independent of each other.
    for (const forgery of forgeries) {
      await Promise.all(
        routes.map(async (route) => {
          const answer = await attempt(route, forgery.token);
          figures.cells++;
          if (answer.status !== 401 || answer.body?.error_code !== forgery.code) {
            if (answer.status < 300) figures.accepted++;
            problems.push(
              `${forgery.name} on ${route.key}: ${answer.status} ${answer.body?.error_code} (expected 401 ${forgery.code})`,
            );
          }
        }),
      );
    }
    return problems.sort();
  }

  /** The claims the service itself would put in a token for each role, fresh. */
  const genuine = (): Record<'table' | 'admin' | 'superadmin', { token: string; claims: Claims }> => ({
    table: { token: own.tables[0].token, claims: decode(own.tables[0].token).payload },
    admin: { token: own.admin.token, claims: decode(own.admin.token).payload },
    superadmin: { token: root, claims: decode(root).payload },
  });

  it('the tokens the tests sign with the service key are accepted when faithful (the forgeries below differ in one thing)', async () => {
    for (const { claims } of Object.values(genuine())) {
      await t
        .http()
        .get('/api/v1/auth/me')
        .set(...bearer(signWith('RS256', claims, privateKey)))
        .expect(200);
    }
  });

  it('signature and algorithm attacks are INVALID_TOKEN on every guarded route, for every role', async () => {
    const forgeries: Forgery[] = [];
    const jwk = createPublicKey(attackerKey).export({ format: 'jwk' });
    for (const [role, { token, claims }] of Object.entries(genuine())) {
      const add = (name: string, forged: string): void => {
        forgeries.push({ name: `${role}: ${name}`, token: forged, code: 'INVALID_TOKEN' });
      };
      const { signature } = decode(token);
      add('alg none, no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
      add('alg None, no signature', `${b64({ alg: 'None', typ: 'JWT' })}.${b64(claims)}.`);
      add('alg none, original signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.${signature}`);
      add('HS256 keyed with the public key', hmac('HS256', claims, publicKey));
      add('HS512 keyed with the public key', hmac('HS512', claims, publicKey));
      add('HS256 keyed with an empty secret', hmac('HS256', claims, ''));
      add('RS256 with another key', signWith('RS256', claims, attackerKey));
      add('RS256 with another key embedded as jwk', signWith('RS256', claims, attackerKey, { jwk }));
      add(
        'RS256 with another key and kid/jku pointing elsewhere',
        signWith('RS256', claims, attackerKey, {
          kid: '../../keys/jwt-private.pem',
          jku: 'http://127.0.0.1:1/jwks',
        }),
      );
      add('RS512 with the service key (RS256 only)', signWith('RS512', claims, privateKey));
      add('PS256 with the service key (RS256 only)', signWith('PS256', claims, privateKey));
      add('signature stripped', `${token.split('.').slice(0, 2).join('.')}.`);
      add(
        'signature of another token',
        `${token.split('.').slice(0, 2).join('.')}.${decode(foreign.admin.token).signature}`,
      );
      add(
        'header swapped to HS256, original signature',
        `${b64({ alg: 'HS256', typ: 'JWT' })}.${token.split('.').slice(1).join('.')}`,
      );
    }
    expect(await sweep(forgeries)).toEqual([]);
  }, 120_000);

  it('a tampered payload under the original signature is INVALID_TOKEN on every guarded route', async () => {
    const g = genuine();
    const now = Math.floor(Date.now() / 1000);
    const forgeries: Forgery[] = [
      [
        'admin: storeId of another store',
        tamper(g.admin.token, (p) => ({ ...p, storeId: foreign.store.id })),
      ],
      [
        'admin: role superadmin',
        tamper(g.admin.token, (p) => ({
          ...without(p, 'storeId'),
          role: 'superadmin',
          sub: `superadmin:${own.admin.id}`,
        })),
      ],
      ['admin: role superadmin, sub kept', tamper(g.admin.token, (p) => ({ ...p, role: 'superadmin' }))],
      [
        'admin: sub of another store’s admin',
        tamper(g.admin.token, (p) => ({ ...p, sub: `admin:${foreign.admin.id}`, storeId: foreign.store.id })),
      ],
      ['admin: expiry pushed a year out', tamper(g.admin.token, (p) => ({ ...p, exp: now + 365 * 86400 }))],
      [
        'table: role admin',
        tamper(g.table.token, (p) => ({
          ...without(p, 'tableId'),
          role: 'admin',
          sub: `admin:${own.admin.id}`,
        })),
      ],
      [
        'table: storeId of another store',
        tamper(g.table.token, (p) => ({ ...p, storeId: foreign.store.id })),
      ],
      [
        'table: the other table of the store',
        tamper(g.table.token, (p) => ({ ...p, tableId: own.tables[1].id, sub: `table:${own.tables[1].id}` })),
      ],
      [
        'table: a table of another store',
        tamper(g.table.token, (p) => ({
          ...p,
          storeId: foreign.store.id,
          tableId: foreign.tables[0].id,
          sub: `table:${foreign.tables[0].id}`,
        })),
      ],
      ['table: token version lowered', tamper(g.table.token, (p) => ({ ...p, ver: -1 }))],
      ['superadmin: storeId added', tamper(g.superadmin.token, (p) => ({ ...p, storeId: own.store.id }))],
      [
        'superadmin: role admin of a store',
        tamper(g.superadmin.token, (p) => ({
          ...p,
          role: 'admin',
          storeId: own.store.id,
          sub: String(p.sub).replace('superadmin:', 'admin:'),
        })),
      ],
    ].map(([name, token]) => ({ name, token, code: 'INVALID_TOKEN' as const }));
    expect(await sweep(forgeries)).toEqual([]);
  }, 120_000);

  it('issuer, audience, lifetime and claim shape are checked even under the service key', async () => {
    const g = genuine();
    const now = Math.floor(Date.now() / 1000);
    const forgeries: Forgery[] = [];
    for (const [role, { claims }] of Object.entries(g)) {
      const add = (
        name: string,
        payload: Claims | Claims[],
        code: Forgery['code'] = 'INVALID_TOKEN',
      ): void => {
        forgeries.push({ name: `${role}: ${name}`, token: signWith('RS256', payload, privateKey), code });
      };
      add('expired', { ...claims, iat: now - 7200, exp: now - 60 }, 'TOKEN_EXPIRED');
      add('not valid before next hour', { ...claims, nbf: now + 3600 });
      add('issued by someone else', { ...claims, iss: 'someone-else' });
      add('for another audience', { ...claims, aud: 'another-api' });
      add('for another audience (list)', { ...claims, aud: ['another-api'] });
      add('no issuer', without(claims, 'iss'));
      add('no audience', without(claims, 'aud'));
      add('no expiry', without(claims, 'exp'));
      add('no subject', without(claims, 'sub'));
      add('no role', without(claims, 'role'));
      add('no token version', without(claims, 'ver'));
      add('token version as text', { ...claims, ver: '0' });
      add('unknown role', {
        ...claims,
        role: 'owner',
        sub: String(claims.sub).replace(/^[a-z]+:/, 'owner:'),
      });
      add('subject kind differs from role', {
        ...claims,
        sub: String(claims.sub).replace(/^[a-z]+:/, 'Admin:'),
      });
      add('subject id not a UUID', { ...claims, sub: `${String(claims.role)}:1 OR 1=1` });
      add('subject of a principal that does not exist', {
        ...claims,
        sub: `${String(claims.role)}:00000000-0000-4000-8000-000000000000`,
        ...(claims.tableId ? { tableId: '00000000-0000-4000-8000-000000000000' } : {}),
      });
      add('payload is a JSON array', [claims]);
    }
    const add = (name: string, payload: Claims): void => {
      forgeries.push({ name, token: signWith('RS256', payload, privateKey), code: 'INVALID_TOKEN' });
    };
    add('admin without storeId', without(g.admin.claims, 'storeId'));
    add('admin with a tableId', { ...g.admin.claims, tableId: own.tables[0].id });
    add('admin with storeId not a UUID', { ...g.admin.claims, storeId: "' OR '1'='1" });
    add('table without tableId', without(g.table.claims, 'tableId'));
    add('table without storeId', without(g.table.claims, 'storeId'));
    add('table whose tableId is not its subject', { ...g.table.claims, tableId: own.tables[1].id });
    add('superadmin with a storeId', { ...g.superadmin.claims, storeId: own.store.id });
    expect(await sweep(forgeries)).toEqual([]);
  }, 120_000);

  it('malformed tokens and Authorization headers are 401 on every guarded route', async () => {
    const token = own.admin.token;
    const [h, p, s] = token.split('.');
    const forgeries: Forgery[] = [
      ['garbage', 'not-a-jwt'],
      ['two parts', `${h}.${p}`],
      ['four parts', `${token}.${s}`],
      ['empty parts', '..'],
      ['payload not base64url', `${h}.%%%.${s}`],
      ['payload not JSON', `${h}.${b64('not json')}.${s}`],
      ['header not JSON', `${b64('{"alg":')}.${p}.${s}`],
      ['truncated', token.slice(0, -7)],
      [
        'one character of the signature changed',
        `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`,
      ],
      ['8 KB of base64', `${h}.${'A'.repeat(8000)}.${s}`],
      ['latin-1 bytes', `${h}.${p}.\u00e9\u00e8`],
    ].map(([name, forged]) => ({ name, token: forged, code: 'INVALID_TOKEN' as const }));
    const problems = await sweep(forgeries);
    // Headers that carry no bearer token at all.
    for (const header of ['', 'Bearer', 'Basic YWRtaW46YWRtaW4=', `Token ${token}`, `${token}`]) {
      for (const route of guarded.filter((r) => !r.sse)) {
        const req = t.http()[route.method](buildPath(route, () => '00000000-0000-4000-8000-000000000000'));
        const res = await req.set('Authorization', header);
        figures.cells++;
        if (res.status !== 401 || res.body.error_code !== 'TOKEN_MISSING')
          problems.push(
            `Authorization "${header.slice(0, 20)}" on ${route.key}: ${res.status} ${res.body.error_code}`,
          );
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  describe('revocation', () => {
    /** Waits until the token is refused (API.md: within 60 s; the endpoints below also drop the cached copy). */
    async function untilRefused(token: string): Promise<void> {
      const started = Date.now();
      while (Date.now() - started < 65_000) {
        const res = await t
          .http()
          .get('/api/v1/auth/me')
          .set(...bearer(token));
        if (res.status === 401) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('token still accepted after 65 s');
    }

    it('a deactivated admin’s token, tickets and open streams stop working on every route', async () => {
      const victim = await seedStore(t, 'deactivated');
      const ticket = (
        await t
          .http()
          .post('/api/v1/admin/events/ticket')
          .set(...bearer(victim.admin.token))
          .expect(201)
      ).body.ticket as string;
      const stream = await openSse(t.url, '/api/v1/admin/events', {
        headers: { Authorization: `Bearer ${victim.admin.token}` },
      });
      expect(stream.status).toBe(200);
      await t
        .http()
        .patch(`/api/v1/platform/admins/${victim.admin.id}`)
        .set(...bearer(root))
        .send({ isActive: false })
        .expect(200);
      await untilRefused(victim.admin.token);
      expect(
        await sweep([{ name: 'deactivated admin', token: victim.admin.token, code: 'INVALID_TOKEN' }]),
      ).toEqual([]);
      const redeemed = await openSse(t.url, `/api/v1/admin/events?ticket=${ticket}`);
      expect({ status: redeemed.status, code: redeemed.body?.error_code }).toEqual({
        status: 401,
        code: 'INVALID_TOKEN',
      });
      // The periodic sweep closes the streams of revoked tokens; run it now rather than wait for it.
      await t.app.get(SseService).sweep();
      await stream.waitForEnd(5000);
    }, 90_000);

    it('a table token stops working on every route once its password changes or the table is deleted', async () => {
      const victim = await seedStore(t, 'revoked-table');
      const [changed, deleted] = [victim.tables[0], victim.tables[1]];
      const stream = await openSse(t.url, '/api/v1/orders/events', {
        headers: { Authorization: `Bearer ${changed.token}` },
      });
      expect(stream.status).toBe(200);
      await t
        .http()
        .patch(`/api/v1/admin/tables/${changed.id}`)
        .set(...bearer(victim.admin.token))
        .send({ password: 'a-new-password' })
        .expect(200);
      // Table 2 must be free of its session before it can be deleted.
      await t
        .http()
        .post(`/api/v1/admin/tables/${deleted.id}/complete`)
        .set(...bearer(victim.admin.token))
        .expect(200);
      await t
        .http()
        .delete(`/api/v1/admin/tables/${deleted.id}`)
        .set(...bearer(victim.admin.token))
        .expect(204);
      await untilRefused(changed.token);
      await untilRefused(deleted.token);
      expect(
        await sweep([
          { name: 'table after a password change', token: changed.token, code: 'INVALID_TOKEN' },
          { name: 'deleted table', token: deleted.token, code: 'INVALID_TOKEN' },
        ]),
      ).toEqual([]);
      await t.app.get(SseService).sweep();
      await stream.waitForEnd(5000);
      // The new password logs in; the old one does not.
      const login = (password: string) =>
        t
          .http()
          .post('/api/v1/auth/table-login')
          .send({ storeCode: victim.store.code, tableNumber: changed.number, password });
      expect((await login(changed.password)).status).toBe(401);
      expect((await login('a-new-password')).status).toBe(200);
    }, 90_000);
  });
});
