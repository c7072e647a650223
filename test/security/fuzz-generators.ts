import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestApp } from '../utils/app';
import type { Route } from '../utils/route-table';
import { BODIES, QUERIES, RESOURCES } from './requests';
import { IMAGE, SeededStore } from './world';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export class Dice {
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

export const nest = (depth: number, open: string, close: string, inner = '1'): string =>
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

export interface FuzzRequest {
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

/** What the generator draws from: the app, its route table, the seeded stores and the ids the fuzz may name. */
export interface FuzzWorld {
  t: TestApp;
  routes: Route[];
  own: SeededStore;
  foreign: SeededStore;
  /** A store whose logins the fuzz may lock: its tokens are never used. */
  loginTarget: SeededStore;
  /** The superadmin's token. */
  root: string;
  /** Ids by resource name (RESOURCES), for path parameters. */
  pools: Record<string, string[]>;
  /** Every id of the pools, and the foreign store's, for bodies and queries. */
  ids: string[];
}

/** Turns one seed into the same sequence of malformed requests on every machine. */
export class FuzzGenerator {
  constructor(
    private readonly w: FuzzWorld,
    private readonly seed: number,
  ) {}

  private tokenFor(role: string): string {
    const tokens: Record<string, string> = {
      table: this.w.own.tables[0].token,
      admin: this.w.own.admin.token,
      superadmin: this.w.root,
    };
    return tokens[role];
  }

  private pathFor(d: Dice, route: Route, recipe: string[]): string {
    const segments = route.path.split('/');
    return segments
      .map((segment, i) => {
        if (!segment.startsWith(':')) return segment;
        const pool = this.w.pools[RESOURCES[segments[i - 1]]];
        if (!pool) throw new Error(`${route.key}: the fuzz has no pool of ids for ${segment}`);
        const roll = d.next();
        if (roll < 0.65) return d.pick(pool);
        if (roll < 0.75) return d.pick(this.w.foreign.markers.filter((m) => /^[0-9a-f-]{36}$/.test(m)));
        if (roll < 0.8) return d.uuid();
        const evil = d.pick(EVIL_SEGMENTS);
        recipe.push(`path ${segment}=${evil.slice(0, 40)}`);
        return evil;
      })
      .join('/');
  }

  private queryFor(d: Dice, route: Route, recipe: string[]): string {
    const parts: string[] = [];
    if (QUERIES[route.key] && d.chance(0.3)) {
      const valid = QUERIES[route.key]({ t: this.w.t, store: this.w.own, kind: 'own' });
      for (const [k, v] of Object.entries(valid)) parts.push(`${k}=${encodeURIComponent(v)}`);
    }
    const names = [...route.query, 'unknown', 'storeId', '__proto__[x]', 'a[b][c]', 'page', 'ids[]'];
    const count = route.query.length > 0 ? d.int(4) : d.chance(0.2) ? 1 : 0;
    for (let i = 0; i < count; i++) {
      const name = d.chance(0.8) && route.query.length > 0 ? d.pick(route.query) : d.pick(names);
      const value = d.chance(0.3) ? encodeURIComponent(d.pick(this.w.ids)) : d.pick(EVIL_QUERY_VALUES);
      parts.push(`${name}=${value}`);
      recipe.push(`query ${name}=${value.slice(0, 30)}`);
    }
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  }

  /** A valid body for the route, as JSON text, or undefined when it takes none or the suite has no recipe. */
  private async validJson(route: Route): Promise<unknown> {
    const spec = BODIES[route.key];
    if (!spec) return undefined;
    const isLogin = route.key.startsWith('POST /api/v1/auth/');
    return spec.body(
      { t: this.w.t, store: isLogin ? this.w.loginTarget : this.w.own, kind: 'own' },
      { id: this.w.own.optionGroup.id },
    );
  }

  /** Replaces one leaf (or the whole body) of a valid body with an evil JSON text. */
  private mutate(d: Dice, valid: unknown, evil: string, recipe: string[]): string {
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

  private multipartBody(d: Dice, req: FuzzRequest): void {
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

  private async jsonBody(d: Dice, req: FuzzRequest): Promise<void> {
    const valid = (await this.validJson(req.route)) ?? {};
    const roll = d.next();
    let text: string;
    if (roll < 0.12) {
      text = JSON.stringify(valid);
      req.recipe.push('valid body');
    } else if (roll < 0.5) {
      text = this.mutate(d, valid, d.pick(EVIL_JSON)(d, this.w.ids), req.recipe);
    } else if (roll < 0.58) {
      const copy = {
        ...(valid as object),
        [d.pick(['extra', 'storeId', 'tableId', 'role', 'isAdmin', 'id'])]: d.pick(this.w.ids),
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
      text = d.pick(EVIL_JSON)(d, this.w.ids);
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

  async generate(d: Dice, i: number): Promise<FuzzRequest> {
    const route = this.w.routes[i % this.w.routes.length];
    const recipe: string[] = [];
    const req: FuzzRequest = { route, method: route.method.toUpperCase(), url: '', headers: {}, recipe };
    req.url = this.pathFor(d, route, recipe) + this.queryFor(d, route, recipe);
    // Credentials: mostly an admitted role, so the request reaches validation.
    const roll = d.next();
    if (route.roles !== null && route.roles.length > 0 && roll < 0.78) {
      req.headers.authorization = `Bearer ${this.tokenFor(d.pick(route.roles))}`;
    } else if (roll < 0.86) {
      const others = ['table', 'admin', 'superadmin'].filter((r) => !route.roles?.includes(r as never));
      if (others.length > 0) {
        req.headers.authorization = `Bearer ${this.tokenFor(d.pick(others))}`;
        recipe.push('a role not admitted');
      }
    } else if (roll < 0.93) {
      req.headers.authorization = d.pick([
        'Bearer',
        'Bearer x.y.z',
        `Bearer ${this.w.own.admin.token.slice(0, -4)}`,
        'Basic Zm9vOmJhcg==',
        `Bearer ${'A'.repeat(3000)}`,
      ]);
      recipe.push(`authorization ${req.headers.authorization.slice(0, 20)}`);
    } else {
      recipe.push('no token');
    }
    // Request this.w.ids: a valid one is echoed, an invalid one replaced.
    const idRoll = d.next();
    if (idRoll < 0.4) {
      req.sentRequestId = `fuzz-${this.seed}-${i}`;
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
    if (route.multipart && d.chance(0.85)) this.multipartBody(d, req);
    else if (route.jsonBody || req.method !== 'GET' || d.chance(0.1)) await this.jsonBody(d, req);
    return req;
  }
}
