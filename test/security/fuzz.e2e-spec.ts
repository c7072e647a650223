import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createAdmin, createCategory, createMenu, createTable } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { loginSuperadmin } from '../utils/auth';
import { Route, routeTable } from '../utils/route-table';
import { BODIES, QUERIES, RESOURCES } from './requests';
import { createOptionGroup, IMAGE, placeOrder, pressStaffCall, SeededStore, seedStore } from './world';

/**
 * A seeded fuzz of malformed requests over every route of the route table: wrong types, huge and deeply nested
 * values, NUL and other odd characters, bad UUIDs in paths and queries, wrong and lying Content-Types, malformed
 * and oversized JSON, broken multipart. Most requests carry a token of a role the route admits, so they get past
 * the guards to validation; the rest go without one, with the wrong role or with a broken token.
 *
 * Every answer must be below 500, and every error (status >= 400) the envelope of API.md with the right `status`
 * and `request_id` equal to the X-Request-Id header. The seed is printed; FUZZ_SEED replays a run, FUZZ_REQUESTS
 * changes its length.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122) >>> 0 || 1;
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 5000);
const CONCURRENCY = 8;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** A version-4 UUID from the seed (so a replayed run names the same ids). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[this.int(4)];
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

const PNG = fs.readFileSync(IMAGE);
const GIF = fs.readFileSync(path.join(path.dirname(IMAGE), 'sample.gif'));

const nest = (depth: number, open: string, close: string, inner = '1'): string =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** JSON texts of values no field expects; each is spliced into otherwise valid bodies. */
const EVIL_JSON: ReadonlyArray<(d: Dice, ids: string[]) => string> = [
  () => 'null',
  () => 'true',
  () => 'false',
  () => '0',
  () => '-1',
  () => '1.5',
  () => '1e308',
  () => '-1e308',
  () => '9007199254740993',
  () => '1e21',
  () => '-0',
  () => '"NaN"',
  () => '"Infinity"',
  () => '"-1"',
  () => '"1e3"',
  () => '""',
  () => '" "',
  () => '"\\t\\n"',
  (d) => JSON.stringify('a'.repeat(d.pick([256, 1001, 5000, 40_000]))),
  (d) => JSON.stringify('가'.repeat(d.pick([50, 73, 3000]))),
  () => JSON.stringify('😀'.repeat(300)),
  () => JSON.stringify('\u202e\ufeff\u200b\u0085\u2028'),
  () => '"\\ud800"',
  () => '"\\u0000"',
  () => '"x\\u0000y"',
  () => JSON.stringify('<script>alert(1)</script>'),
  () => JSON.stringify("' OR '1'='1"),
  () => JSON.stringify("'); DROP TABLE stores; --"),
  () => JSON.stringify('${jndi:ldap://127.0.0.1/a}'),
  () => JSON.stringify('../../../../etc/passwd'),
  () => JSON.stringify('00000000-0000-0000-0000-000000000000'),
  () => JSON.stringify('00000000-0000-4000-8000-00000000000g'),
  (d) => JSON.stringify(d.uuid().toUpperCase()),
  (d) => JSON.stringify(d.uuid()),
  (d, ids) => JSON.stringify(d.pick(ids)),
  () => '"2026-02-30"',
  () => '[]',
  () => '[null]',
  (d, ids) => JSON.stringify([d.pick(ids), d.pick(ids)]),
  () => '{}',
  () => '{"__proto__":{"isAdmin":true,"storeId":"x"}}',
  () => '{"constructor":{"prototype":{"polluted":1}}}',
  (d) => nest(d.pick([64, 2000, 20_000]), '[', ']'),
  (d) => nest(d.pick([64, 2000, 10_000]), '{"a":', '}'),
  (d) => `[${Array.from({ length: d.pick([101, 1000, 10_000]) }, (_, i) => i % 7).join(',')}]`,
  (d) => `{${Array.from({ length: d.pick([50, 2000]) }, (_, i) => `"k${i}":${i}`).join(',')}}`,
  (d, ids) =>
    `[${Array.from({ length: d.pick([2, 51, 300]) }, () => `{"menuId":${JSON.stringify(d.pick(ids))},"quantity":1}`).join(',')}]`,
];

/** Path segments (already encoded, spliced in raw): bad UUIDs, traversal, broken percent-encoding. */
const EVIL_SEGMENTS = [
  'abc',
  '1',
  '-1',
  'null',
  'undefined',
  '00000000-0000-0000-0000-000000000000',
  '00000000000000000000000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000-0000-4000-8000-00000000000G',
  "'%20OR%20'1'%3D'1",
  '..%2F..%2Fetc%2Fpasswd',
  '..',
  '%2e%2e',
  '%00',
  'a%00b',
  '%E0%A4%A',
  '%',
  '%zz',
  '%C0%AE%C0%AE',
  '%F0%9F%98%80',
  'a'.repeat(300),
  'x.png',
  'x.svg',
  '.env',
];

const EVIL_QUERY_VALUES = [
  '',
  'abc',
  '-1',
  '0',
  '1e309',
  'NaN',
  '99999999999999999999',
  '1.5',
  '2026-02-30',
  '2026-13-01',
  '9999-12-31',
  '0000-01-01',
  '00000000-0000-0000-0000-000000000000',
  "'%20OR%201=1--",
  '%00',
  '%E0%A4%A',
  'PENDING',
  'pending',
  'DELETED',
  'a'.repeat(3000),
  '%F0%9F%98%80',
];

const MALFORMED_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}garbage',
  '[1,2',
  'nul',
  'undefined',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":01}',
  '{"a":"\\x41"}',
  '{"a":"\u0001"}',
  '\ufeff{}',
  '{"a":"unterminated',
  '"just a string"',
  '42',
  ' ',
  '{"items":[{"menuId":"x","quantity":1}]',
  '\u0000',
];

const ENVELOPE_KEYS = new Set([
  'status',
  'error_code',
  'detail',
  'timestamp',
  'path',
  'request_id',
  'errors',
  // /health/ready's 503 names each check.
  'checks',
]);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const INTERNALS =
  /QueryFailedError|TypeError|RangeError|SyntaxError:|\bat \S+ \(|node_modules|\.ts:\d+|SELECT |INSERT |UPDATE |violates|syntax error at/;

interface FuzzRequest {
  route: Route;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What the generator did, for the failure report. */
  recipe: string[];
  /** A status the request must get (huge JSON bodies are 413 whatever else is wrong). */
  expectStatus?: number;
  sentRequestId?: string;
}

interface FuzzAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  error?: string;
}

describe('security: seeded fuzz over every route', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let routes: Route[];
  let own: SeededStore;
  let foreign: SeededStore;
  /** A store whose logins the fuzz may lock: its tokens are never used. */
  let loginTarget: SeededStore;
  let root: string;
  const pools: Record<string, string[]> = {};
  let ids: string[] = [];

  beforeAll(async () => {
    // Local image storage in both suites: these tests reach images through the service's /uploads route.
    t = await startTestApp({ IMAGE_STORAGE: 'local' });
    const table = await routeTable(t);
    expect(table.problems).toEqual([]);
    routes = table.routes;
    own = await seedStore(t, 'fuzz');
    foreign = await seedStore(t, 'foreign');
    loginTarget = await seedStore(t, 'login');
    root = await loginSuperadmin(t);
    // Rows the fuzz may change or delete; never the principals whose tokens it sends.
    const ds = t.dataSource;
    const s = own.store.id;
    const categories = [own.category.id, own.emptyCategory.id];
    for (let i = 0; i < 4; i++) categories.push((await createCategory(ds, s)).id);
    const menus = own.menus.map((m) => m.id);
    for (let i = 0; i < 6; i++) menus.push((await createMenu(ds, s, categories[i % 3 === 0 ? 0 : 2])).id);
    const tables = [own.spareTable.id, own.tables[1].id];
    for (let i = 0; i < 4; i++) tables.push((await createTable(ds, s)).id);
    const orders = [...own.ordersByTable.values()].flat();
    for (let i = 0; i < 6; i++)
      orders.push((await placeOrder(t, own.tables[0].token, [{ menuId: menus[i % 2], quantity: 1 }])).id);
    const admins: string[] = [];
    for (let i = 0; i < 4; i++) admins.push((await createAdmin(ds, s)).id);
    const groups = [own.optionGroup];
    for (let i = 0; i < 3; i++) groups.push(await createOptionGroup(t, own.admin.token, `fuzz-${i}`));
    const staffCalls = [own.staffCallId];
    for (const reason of ['CALL', 'BILL', 'OTHER'])
      staffCalls.push((await pressStaffCall(t, own.tables[0].token, reason)).id);
    Object.assign(pools, {
      'option-group': groups.map((g) => g.id),
      option: groups.flatMap((g) => g.options.map((o) => o.id)),
      category: categories,
      menu: menus,
      table: tables,
      order: orders,
      admin: admins,
      store: [s, loginTarget.store.id],
      upload: [own.imageFile, foreign.imageFile],
      staffCall: staffCalls,
    });
    ids = [
      ...categories,
      ...menus,
      ...tables,
      ...orders,
      ...pools.option,
      ...staffCalls,
      ...foreign.markers.filter((m) => /^[0-9a-f-]{36}$/.test(m)),
    ];
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const tokenFor = (role: string): string =>
    ({ table: own.tables[0].token, admin: own.admin.token, superadmin: root })[role] as string;

  function pathFor(d: Dice, route: Route, recipe: string[]): string {
    const segments = route.path.split('/');
    return segments
      .map((segment, i) => {
        if (!segment.startsWith(':')) return segment;
        const pool = pools[RESOURCES[segments[i - 1]]];
        if (!pool) throw new Error(`${route.key}: the fuzz has no pool of ids for ${segment}`);
        const roll = d.next();
        if (roll < 0.65) return d.pick(pool);
        if (roll < 0.75) return d.pick(foreign.markers.filter((m) => /^[0-9a-f-]{36}$/.test(m)));
        if (roll < 0.8) return d.uuid();
        const evil = d.pick(EVIL_SEGMENTS);
        recipe.push(`path ${segment}=${evil.slice(0, 40)}`);
        return evil;
      })
      .join('/');
  }

  function queryFor(d: Dice, route: Route, recipe: string[]): string {
    const parts: string[] = [];
    if (QUERIES[route.key] && d.chance(0.3)) {
      const valid = QUERIES[route.key]({ t, store: own, kind: 'own' });
      for (const [k, v] of Object.entries(valid)) parts.push(`${k}=${encodeURIComponent(v)}`);
    }
    const names = [...route.query, 'unknown', 'storeId', '__proto__[x]', 'a[b][c]', 'page', 'ids[]'];
    const count = route.query.length > 0 ? d.int(4) : d.chance(0.2) ? 1 : 0;
    for (let i = 0; i < count; i++) {
      const name = d.chance(0.8) && route.query.length > 0 ? d.pick(route.query) : d.pick(names);
      const value = d.chance(0.3) ? encodeURIComponent(d.pick(ids)) : d.pick(EVIL_QUERY_VALUES);
      parts.push(`${name}=${value}`);
      recipe.push(`query ${name}=${value.slice(0, 30)}`);
    }
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  }

  /** A valid body for the route, as JSON text, or undefined when it takes none or the suite has no recipe. */
  async function validJson(route: Route): Promise<unknown> {
    const spec = BODIES[route.key];
    if (!spec) return undefined;
    const isLogin = route.key.startsWith('POST /api/v1/auth/');
    return spec.body({ t, store: isLogin ? loginTarget : own, kind: 'own' }, { id: own.optionGroup.id });
  }

  /** Replaces one leaf (or the whole body) of a valid body with an evil JSON text. */
  function mutate(d: Dice, valid: unknown, evil: string, recipe: string[]): string {
    const leaves: string[][] = [];
    const walk = (value: unknown, at: string[]): void => {
      leaves.push(at);
      if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value as object)) walk(v, [...at, k]);
    };
    walk(valid, []);
    const target = d.pick(leaves);
    recipe.push(
      `set ${target.join('.') || '(body)'}=${evil.slice(0, 40)}${evil.length > 40 ? `…(${evil.length})` : ''}`,
    );
    const marker = `__fuzz_${d.int(1e9)}__`;
    if (target.length === 0) return evil;
    const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (const key of target.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[target[target.length - 1]] = marker;
    return JSON.stringify(copy).replace(`"${marker}"`, evil);
  }

  function multipart(
    parts: Array<{ name: string; filename?: string; type?: string; data: Buffer }>,
    boundary: string,
  ): Buffer {
    const chunks: Buffer[] = [];
    for (const p of parts) {
      const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
        ),
        p.data,
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
  }

  function multipartBody(d: Dice, req: FuzzRequest): void {
    const boundary = `fuzz${d.int(1e9)}`;
    const image = (data: Buffer, name = 'image') => ({ name, filename: 'menu.png', type: 'image/png', data });
    const kinds: Array<[string, () => Buffer]> = [
      ['a valid PNG', () => multipart([image(PNG)], boundary)],
      ['a GIF', () => multipart([image(GIF)], boundary)],
      [
        'random bytes as image/png',
        () => multipart([image(Buffer.from(Array.from({ length: 2000 }, () => d.int(256))))], boundary),
      ],
      ['an empty file', () => multipart([image(Buffer.alloc(0))], boundary)],
      ['the file under another field name', () => multipart([image(PNG, 'file')], boundary)],
      ['two files', () => multipart([image(PNG), image(PNG)], boundary)],
      ['a text field image', () => multipart([{ name: 'image', data: Buffer.from('not a file') }], boundary)],
      ['extra fields', () => multipart([{ name: 'price', data: Buffer.from('1') }, image(PNG)], boundary)],
      [
        '11 fields',
        () =>
          multipart(
            Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })),
            boundary,
          ),
      ],
      ['truncated', () => multipart([image(PNG)], boundary).subarray(0, 200)],
      [
        'no closing boundary',
        () =>
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\n`,
          ),
      ],
      ['garbage', () => Buffer.from('this is not multipart at all')],
    ];
    if (d.chance(0.04))
      kinds.push([
        'a 5 MB + 1 file',
        () =>
          multipart([image(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 1 - PNG.length)]))], boundary),
      ]);
    const [name, make] = d.pick(kinds);
    req.body = make();
    const typeRoll = d.next();
    req.headers['content-type'] =
      typeRoll < 0.85
        ? `multipart/form-data; boundary=${boundary}`
        : typeRoll < 0.92
          ? 'multipart/form-data'
          : `multipart/form-data; boundary=other`;
    req.recipe.push(`multipart ${name} (${req.headers['content-type']})`);
  }

  async function jsonBody(d: Dice, req: FuzzRequest): Promise<void> {
    const valid = (await validJson(req.route)) ?? {};
    const roll = d.next();
    let text: string;
    if (roll < 0.12) {
      text = JSON.stringify(valid);
      req.recipe.push('valid body');
    } else if (roll < 0.5) {
      text = mutate(d, valid, d.pick(EVIL_JSON)(d, ids), req.recipe);
    } else if (roll < 0.58) {
      const copy = {
        ...(valid as object),
        [d.pick(['extra', 'storeId', 'tableId', 'role', 'isAdmin', 'id'])]: d.pick(ids),
      };
      text = JSON.stringify(copy);
      req.recipe.push('unknown field');
    } else if (roll < 0.64) {
      const keys = Object.keys(valid as object);
      const copy = { ...(valid as Record<string, unknown>) };
      if (keys.length > 0) delete copy[d.pick(keys)];
      text = JSON.stringify(copy);
      req.recipe.push('a field missing');
    } else if (roll < 0.72) {
      text = d.pick(EVIL_JSON)(d, ids);
      req.recipe.push(`whole body ${text.slice(0, 40)}`);
    } else if (roll < 0.84) {
      text = d.pick(MALFORMED_JSON);
      req.recipe.push(`malformed JSON ${JSON.stringify(text)}`);
    } else if (roll < 0.88) {
      text = JSON.stringify({ ...(valid as object), padding: 'x'.repeat(102_400 + d.int(200_000)) });
      req.recipe.push(`huge body ${text.length} bytes`);
      req.expectStatus = 413;
    } else {
      text = JSON.stringify(valid);
    }
    req.body = Buffer.from(text, 'utf8');
    req.headers['content-type'] = 'application/json';
    if (roll >= 0.88) {
      // The right bytes under the wrong label, or the label lying about the encoding.
      const [label, type, body] = d.pick<[string, string, Buffer?]>([
        ['text/plain', 'text/plain', undefined],
        [
          'form-urlencoded',
          'application/x-www-form-urlencoded',
          Buffer.from('name=a&price=1&items[0][menuId]=x'),
        ],
        [
          'multipart on a JSON route',
          'multipart/form-data; boundary=x',
          multipart([{ name: 'name', data: Buffer.from('a') }], 'x'),
        ],
        ['application/xml', 'application/xml', Buffer.from('<name>a</name>')],
        ['charset utf-16', 'application/json; charset=utf-16', undefined],
        ['charset bogus', 'application/json; charset=bogus', undefined],
        ['+json suffix', 'application/merge-patch+json', undefined],
        ['no Content-Type', '', undefined],
        ['gzip of the JSON', 'application/json', gzipSync(req.body)],
        ['deflate label on plain bytes', 'application/json', undefined],
      ]);
      if (body) req.body = body;
      if (type) req.headers['content-type'] = type;
      else delete req.headers['content-type'];
      if (label === 'gzip of the JSON' || label === 'deflate label on plain bytes')
        req.headers['content-encoding'] = label.startsWith('gzip') ? 'gzip' : 'deflate';
      req.recipe.push(`content-type: ${label}`);
    }
  }

  async function generate(d: Dice, i: number): Promise<FuzzRequest> {
    const route = routes[i % routes.length];
    const recipe: string[] = [];
    const req: FuzzRequest = { route, method: route.method.toUpperCase(), url: '', headers: {}, recipe };
    req.url = pathFor(d, route, recipe) + queryFor(d, route, recipe);
    // Credentials: mostly an admitted role, so the request reaches validation.
    const roll = d.next();
    if (route.roles !== null && route.roles.length > 0 && roll < 0.78) {
      req.headers.authorization = `Bearer ${tokenFor(d.pick(route.roles))}`;
    } else if (roll < 0.86) {
      const others = ['table', 'admin', 'superadmin'].filter((r) => !route.roles?.includes(r as never));
      if (others.length > 0) {
        req.headers.authorization = `Bearer ${tokenFor(d.pick(others))}`;
        recipe.push('a role not admitted');
      }
    } else if (roll < 0.93) {
      req.headers.authorization = d.pick([
        'Bearer',
        'Bearer x.y.z',
        `Bearer ${own.admin.token.slice(0, -4)}`,
        'Basic Zm9vOmJhcg==',
        `Bearer ${'A'.repeat(3000)}`,
      ]);
      recipe.push(`authorization ${req.headers.authorization.slice(0, 20)}`);
    } else {
      recipe.push('no token');
    }
    // Request ids: a valid one is echoed, an invalid one replaced.
    const idRoll = d.next();
    if (idRoll < 0.4) {
      req.sentRequestId = `fuzz-${SEED}-${i}`;
      req.headers['x-request-id'] = req.sentRequestId;
    } else if (idRoll < 0.5) {
      req.headers['x-request-id'] = d.pick(['', ' ', 'a'.repeat(129), 'bad id', 'é', '<x>', '../../']);
      recipe.push(`x-request-id ${JSON.stringify(req.headers['x-request-id'])}`);
    }
    if (route.key === 'POST /api/v1/orders' && d.chance(0.5)) {
      req.headers['idempotency-key'] = d.pick([
        '',
        ' ',
        'k'.repeat(256),
        'é',
        'a b',
        `key-${d.int(20)}`,
        'x'.repeat(255),
      ]);
      recipe.push(`idempotency-key ${JSON.stringify(req.headers['idempotency-key']).slice(0, 30)}`);
    }
    if (route.sse && d.chance(0.5)) {
      req.headers['last-event-id'] = d.pick([
        '',
        '-1',
        'abc',
        '1e3',
        '99999999999999999999',
        '0',
        '3',
        ' 2 ',
      ]);
      recipe.push(`last-event-id ${JSON.stringify(req.headers['last-event-id'])}`);
    }
    if (d.chance(0.04)) {
      req.headers.range = d.pick([
        'bytes=99999-',
        'bytes=5-1',
        'bytes=0-0',
        'bytes=-1',
        'bytes=abc',
        'items=0-1',
      ]);
      recipe.push(`range ${req.headers.range}`);
    }
    if (d.chance(0.02)) {
      // Another method on the same path: 404 envelope, never a crash.
      req.method = d.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => m !== req.method));
      recipe.push(`method ${req.method}`);
    }
    if (route.multipart && d.chance(0.85)) multipartBody(d, req);
    else if (route.jsonBody || req.method !== 'GET' || d.chance(0.1)) await jsonBody(d, req);
    return req;
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  afterAll(() => agent.destroy());

  function fire(req: FuzzRequest): Promise<FuzzAnswer> {
    const url = new URL(t.url);
    return new Promise<FuzzAnswer>((resolve) => {
      let answered = false;
      const done = (a: FuzzAnswer): void => {
        if (answered) return;
        answered = true;
        resolve(a);
      };
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body) headers['content-length'] = req.body.length;
      const r = http.request(
        { host: url.hostname, port: url.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const status = res.statusCode ?? 0;
          if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
            // A stream that opened: it is the answer; close it.
            res.destroy();
            done({ status, headers: res.headers, text: '' });
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done({ status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e) =>
            done({ status, headers: res.headers, text: Buffer.concat(chunks).toString(), error: e.message }),
          );
        },
      );
      r.setTimeout(15_000, () => r.destroy(new Error('no answer within 15 s')));
      r.on('error', (e) => done({ status: 0, headers: {}, text: '', error: e.message }));
      r.end(req.body);
    });
  }

  /** What is wrong with an answer, if anything. */
  function verdict(req: FuzzRequest, a: FuzzAnswer): string | null {
    if (a.status === 0) return `no answer (${a.error})`;
    if (a.status >= 500 && !(req.route.key === 'GET /health/ready' && a.status === 503))
      return `status ${a.status}`;
    const header = a.headers['x-request-id'];
    if (typeof header !== 'string' || !VALID_REQUEST_ID.test(header))
      return `X-Request-Id header ${String(header)}`;
    if (req.sentRequestId && header !== req.sentRequestId)
      return `X-Request-Id ${header} instead of ${req.sentRequestId}`;
    if (req.expectStatus && a.status !== req.expectStatus)
      return `status ${a.status}, expected ${req.expectStatus}`;
    if (a.status < 400) return null;
    if (!String(a.headers['content-type'] ?? '').startsWith('application/json'))
      return `content-type ${a.headers['content-type']}`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(a.text) as Record<string, unknown>;
    } catch {
      return `error body is not JSON: ${a.text.slice(0, 100)}`;
    }
    const extra = Object.keys(body).filter((k) => !ENVELOPE_KEYS.has(k));
    if (extra.length > 0) return `envelope has extra fields ${extra.join(',')}`;
    if (body.status !== a.status) return `envelope status ${String(body.status)} on a ${a.status}`;
    if (typeof body.error_code !== 'string' || !/^[A-Z][A-Z_]+$/.test(body.error_code))
      return `error_code ${String(body.error_code)}`;
    if (typeof body.detail !== 'string') return 'detail missing';
    if (typeof body.timestamp !== 'string' || !ISO.test(body.timestamp))
      return `timestamp ${String(body.timestamp)}`;
    if (body.path !== req.url.split('?')[0]) return `path ${String(body.path)} for ${req.url.split('?')[0]}`;
    if (body.request_id !== header)
      return `request_id ${String(body.request_id)} differs from X-Request-Id ${header}`;
    if ('errors' in body) {
      const errors = body.errors as Array<Record<string, unknown>>;
      if (body.error_code !== 'VALIDATION_ERROR') return `errors on a ${String(body.error_code)}`;
      if (
        !Array.isArray(errors) ||
        errors.some((e) => typeof e.field !== 'string' || typeof e.message !== 'string')
      )
        return 'errors is not [{field, message}]';
    }
    if (a.status === 413 && body.error_code !== 'PAYLOAD_TOO_LARGE') return `413 ${String(body.error_code)}`;
    if (INTERNALS.test(String(body.detail)) || INTERNALS.test(JSON.stringify(body.errors ?? '')))
      return `internals in the detail: ${String(body.detail).slice(0, 120)}`;
    return null;
  }

  describe('what the fuzz found stays fixed', () => {
    const raw = (url: string, json: string, token?: string) => {
      const req = t.http().post(url).set('Content-Type', 'application/json');
      return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(json);
    };

    it('a lone UTF-16 surrogate anywhere in a body is 400 VALIDATION_ERROR (it has no UTF-8 form), never a 500', async () => {
      const cases: Array<[string, string, string | undefined]> = [
        ['/api/v1/auth/superadmin-login', '{"username":"\\ud800","password":"whatever-pass"}', undefined],
        [
          '/api/v1/auth/admin-login',
          `{"storeCode":"${loginTarget.store.code}","username":"a\\udc00","password":"whatever-pass"}`,
          undefined,
        ],
        ['/api/v1/auth/table-login', '{"storeCode":"\\ud83d","tableNumber":1,"password":"1234"}', undefined],
        ['/api/v1/admin/categories', '{"name":"Drinks \\ud83d"}', own.admin.token],
        ['/api/v1/admin/tables', '{"number":900,"password":"pass\\ud800"}', own.admin.token],
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
        own.admin.token,
      );
      expect({ status: emoji.status, name: emoji.body.name }).toEqual({ status: 201, name: 'Drinks 🍺' });
    });

    it('a deeply nested body is 400, not a stack overflow (500) in the validation', async () => {
      for (const [url, json] of [
        ['/api/v1/admin/categories', nest(2000, '[', ']')],
        ['/api/v1/admin/menus', `{"name":${nest(17, '{"a":', '}')}}`],
        ['/api/v1/admin/tables', nest(3000, '[', ']')],
      ]) {
        const res = await raw(url, json, own.admin.token);
        expect({ url, status: res.status, code: res.body.error_code }).toEqual({
          url,
          status: 400,
          code: 'VALIDATION_ERROR',
        });
      }
      // Deep enough to break the parser itself: still a 400.
      const deeper = await raw('/api/v1/admin/categories', nest(30_000, '[', ']'), own.admin.token);
      expect(deeper.status).toBe(400);
    });

    it('an image request with a Range header gets the image, never an envelope labelled as an image', async () => {
      const whole = await t.http().get(`/uploads/${own.imageFile}`).buffer(true).expect(200);
      for (const range of ['bytes=99999-', 'bytes=5-1', 'bytes=0-10', 'bytes=abc']) {
        const res = await t.http().get(`/uploads/${own.imageFile}`).set('Range', range).buffer(true);
        expect({ range, status: res.status, type: res.headers['content-type'] }).toEqual({
          range,
          status: 200,
          type: 'image/png',
        });
        expect((res.body as Buffer).equals(whole.body as Buffer)).toBe(true);
      }
      const missing = await t.http().get(`/uploads/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.png`);
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/json/);
      expect(String(missing.headers['cache-control'] ?? '')).not.toMatch(/max-age=86400/);
    });

    it('an order line that is an array is 400 naming the line, not a 500', async () => {
      for (const json of ['{"items":[[]]}', `{"items":[[{"menuId":"${own.menus[0].id}","quantity":1}]]}`]) {
        const res = await raw('/api/v1/orders', json, own.tables[0].token);
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('VALIDATION_ERROR');
        expect(res.body.errors).toContainEqual({ field: 'items', message: expect.stringMatching(/object/) });
      }
    });
  });

  it(`${TOTAL} malformed requests: no 5xx, every error the envelope with its X-Request-Id`, async () => {
    console.log(
      `fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${TOTAL} requests over ${routes.length} routes`,
    );
    const d = new Dice(prng(SEED));
    const started = Date.now();
    // Generated in order from the one seed, so a run is reproducible whatever the answers' timing.
    const requests: FuzzRequest[] = [];
    for (let i = 0; i < TOTAL; i++) requests.push(await generate(d, i));
    const statuses = new Map<number, number>();
    const perRoute = new Map<string, number>();
    const failures: string[] = [];
    let fiveXX = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const req = requests[next++];
        const a = await fire(req);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        perRoute.set(req.route.key, (perRoute.get(req.route.key) ?? 0) + 1);
        if (a.status >= 500 && !(req.route.key === 'GET /health/ready' && a.status === 503)) fiveXX++;
        const wrong = verdict(req, a);
        if (wrong)
          failures.push(
            `#${requests.indexOf(req)} ${req.method} ${req.url.slice(0, 120)} [${req.recipe.join('; ')}]: ${wrong} ${a.text.slice(0, 200)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `security fuzz figures: ${JSON.stringify({
        seed: SEED,
        requests: requests.length,
        routes: perRoute.size,
        fiveXX,
        failures: failures.length,
        seconds,
        statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      })}`,
    );
    expect(failures.slice(0, 40)).toEqual([]);
    expect(fiveXX).toBe(0);
    expect(requests.length).toBe(TOTAL);
    // Every route of the table got its share.
    expect(perRoute.size).toBe(routes.length);
    // And the fuzz reached past the guards: validation refused, and valid requests succeeded.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(TOTAL / 10);
    expect([...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(TOTAL / 20);
    expect(statuses.get(413) ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
