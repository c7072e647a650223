import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createCategory, createMenu } from '../factories';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import { StoreFixture, storeFixture } from '../utils/auth';
import { Child, startMain } from '../utils/main-process';
import { ensureServicesUp, sleep, waitUntil } from '../utils/servers';
import { openSse, SseClient } from '../utils/sse';

/**
 * Shared by the reliability suites: a steady load of orders whose every attempt is recorded, and the checks that
 * count what a client and the database saw (events lost or duplicated, half-written orders). Stopping and starting
 * the servers of this machine: test/utils/servers.ts.
 */
// ---- the deployment ------------------------------------------------------------------------------------------

/** A store with `tables` tables and one menu item at `price`, created through `app`. */
export async function storeWithMenu(
  app: TestApp,
  tables: number,
  price: number,
): Promise<{ f: StoreFixture; menuId: string }> {
  const f = await storeFixture(app, tables);
  const category = await createCategory(app.dataSource, f.store.id);
  const menuId = (await createMenu(app.dataSource, f.store.id, category.id, { price })).id;
  return { f, menuId };
}

/** The admin dashboard's event stream on the instance at `url`; its status is for the caller to check. */
export const openAdminStream = (url: string, token: string): Promise<SseClient> =>
  openSse(url, '/api/v1/admin/events', { headers: { Authorization: `Bearer ${token}` } });

export interface TwoInstances {
  env: TestEnv;
  a: TestApp;
  b: TestApp;
  f: StoreFixture;
  menuId: string;
  /** Closed after the tests. */
  streams: SseClient[];
}

/**
 * For a test that stops a shared server: registers the beforeAll and afterAll of two instances of one deployment
 * (one fresh database) and a store of `tables` tables with one menu item at `price`. Every server of this machine
 * is up before, and again afterwards whatever the test stopped. The fields are set once beforeAll has run.
 */
export function twoInstancesUnderFault(tables: number, price: number): TwoInstances {
  const d: Partial<TwoInstances> & { streams: SseClient[] } = { streams: [] };
  beforeAll(async () => {
    await ensureServicesUp();
    d.env = await createTestEnv();
    d.a = await startApp(d.env);
    d.b = await startApp(d.env);
    Object.assign(d, await storeWithMenu(d.a, tables, price));
  });
  afterAll(async () => {
    for (const s of d.streams) s.close();
    await ensureServicesUp();
    await d.a?.close();
    await d.b?.close();
    await d.env?.dispose();
  });
  return d as TwoInstances;
}

export interface InstanceAndChild {
  env: TestEnv;
  /** The instance in this process. */
  app: TestApp;
  /** The other instance: the real entry point in a child process. */
  child: Child;
  f: StoreFixture;
  menuId: string;
  /** Closed after the tests. */
  streams: SseClient[];
}

/**
 * For a test that signals or kills an instance: registers the beforeAll and afterAll of two instances of one
 * deployment (one fresh database), one in this process and one the real entry point in a child process with
 * `childVars` in its environment, and a store of `tables` tables with one menu item at `price`. A child still
 * running at the end is killed. The fields are set once beforeAll has run.
 */
export function instanceAndChild(
  tables: number,
  price: number,
  childVars: Record<string, string>,
  /** The deployment's settings beyond the test defaults (both instances), read when beforeAll runs. */
  envVars: () => Record<string, string> = () => ({}),
): InstanceAndChild {
  const d: Partial<InstanceAndChild> & { streams: SseClient[] } = { streams: [] };
  beforeAll(async () => {
    d.env = await createTestEnv(envVars());
    d.app = await startApp(d.env);
    d.child = await startMain(d.env, childVars);
    Object.assign(d, await storeWithMenu(d.app, tables, price));
  }, 120_000);
  afterAll(async () => {
    for (const s of d.streams) s.close();
    const proc = d.child?.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await d.app?.close();
    await d.env?.dispose();
  });
  return d as InstanceAndChild;
}

// ---- load ------------------------------------------------------------------------------------------------------

/** One HTTP attempt as the client saw it. `error` is set when no HTTP answer came (socket error or our timeout). */
export interface Attempt {
  status?: number;
  // oxlint-disable-next-line typescript/no-explicit-any -- tests read arbitrary body fields
  body?: any;
  replayed?: boolean;
  error?: string;
  sentAt: number;
  ms: number;
}

export interface PlaceOptions {
  key?: string;
  quantity?: number;
  /** Abort the request after this long: an answer that late counts as a hang. */
  timeoutMs?: number;
}

/** POST /api/v1/orders with one line; never throws. */
export async function placeOrder(
  baseUrl: string,
  token: string,
  menuId: string,
  options: PlaceOptions = {},
): Promise<Attempt> {
  const sentAt = Date.now();
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${token}`,
  };
  if (options.key) headers['Idempotency-Key'] = options.key;
  try {
    const res = await fetch(`${baseUrl}/api/v1/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ items: [{ menuId, quantity: options.quantity ?? 1 }] }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return {
      status: res.status,
      body,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      sentAt,
      ms: Date.now() - sentAt,
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return {
      error: e.name === 'TimeoutError' ? 'TIMEOUT' : (e.cause?.code ?? e.message),
      sentAt,
      ms: Date.now() - sentAt,
    };
  }
}

/** GET with a timeout; never throws. */
export async function get(
  baseUrl: string,
  path: string,
  token?: string,
  timeoutMs = 20_000,
): Promise<Attempt> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body, sentAt, ms: Date.now() - sentAt };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return {
      error: e.name === 'TimeoutError' ? 'TIMEOUT' : (e.cause?.code ?? e.message),
      sentAt,
      ms: Date.now() - sentAt,
    };
  }
}

/**
 * A tablet that places an order every `periodMs` with a fresh Idempotency-Key, and retries the same key after a
 * 503, a socket error or a 409 IDEMPOTENCY_KEY_IN_USE, as a well-behaved client does, until it gets its 201 (or
 * `giveUpAt`). Every attempt is recorded; each logical order ends as `orders[key]`.
 */
export interface Tablet {
  table: number;
  attempts: Array<Attempt & { key: string; target: string }>;
  /** key → the order id of its 201, or undefined when the tablet gave up. */
  orders: Map<string, string | undefined>;
}

export interface SteadyLoadOptions {
  tokens: string[];
  menuId: string;
  /** Instance URLs; tablets spread their attempts over them (round robin per tablet). */
  targets: () => string[];
  periodMs: number;
  /** Stops starting new logical orders once this returns true; retries of started ones continue. */
  stopped: () => boolean;
  /** Hard stop for retries (ms since epoch). */
  giveUpAt: () => number;
  retryDelayMs?: number;
  timeoutMs?: number;
  keyPrefix: string;
}

export async function steadyLoad(options: SteadyLoadOptions): Promise<Tablet[]> {
  const tablets: Tablet[] = options.tokens.map((_, table) => ({ table, attempts: [], orders: new Map() }));
  await Promise.all(
    tablets.map(async (tablet) => {
      await sleep(Math.floor(Math.random() * options.periodMs));
      let turn = tablet.table;
      for (let n = 0; !options.stopped(); n++) {
        const started = Date.now();
        const key = `${options.keyPrefix}-t${tablet.table}-${n}`;
        tablet.orders.set(key, undefined);
        while (Date.now() < options.giveUpAt()) {
          const targets = options.targets();
          const target = targets[turn++ % targets.length];
          const attempt = await placeOrder(target, options.tokens[tablet.table], options.menuId, {
            key,
            timeoutMs: options.timeoutMs,
          });
          tablet.attempts.push({ ...attempt, key, target });
          if (attempt.status === 201) {
            tablet.orders.set(key, attempt.body.id as string);
            break;
          }
          const retryable =
            attempt.error !== undefined ||
            attempt.status === 503 ||
            (attempt.status === 409 && attempt.body?.error_code === 'IDEMPOTENCY_KEY_IN_USE');
          if (!retryable) break;
          await sleep(options.retryDelayMs ?? 300);
        }
        await sleep(Math.max(0, options.periodMs - (Date.now() - started)));
      }
    }),
  );
  return tablets;
}

export interface LoadOutcome {
  tablets: Tablet[];
  attempts: Array<Attempt & { key: string; target: string }>;
  /** Every logical order: its key, and the order id of its 201 (undefined when its tablet gave up). */
  keys: Array<[string, string | undefined]>;
  /** The logical orders that got their 201. */
  succeeded: Array<[string, string | undefined]>;
}

export interface Load {
  /** True once `finish` has been called. */
  readonly stopping: boolean;
  /**
   * Starts no new logical order, leaves `graceMs` for the retries of those started, and waits for every tablet.
   */
  finish(graceMs?: number): Promise<LoadOutcome>;
}

/** A `steadyLoad` that runs until `finish` is called. */
export function startLoad(options: Omit<SteadyLoadOptions, 'stopped' | 'giveUpAt'>): Load {
  let stopping = false;
  let giveUpAt = Number.POSITIVE_INFINITY;
  const running = steadyLoad({ ...options, stopped: () => stopping, giveUpAt: () => giveUpAt });
  return {
    get stopping() {
      return stopping;
    },
    async finish(graceMs = 30_000) {
      stopping = true;
      giveUpAt = Date.now() + graceMs;
      const tablets = await running;
      const keys = tablets.flatMap((t) => [...t.orders.entries()]);
      return {
        tablets,
        attempts: tablets.flatMap((t) => t.attempts),
        keys,
        succeeded: keys.filter(([, id]) => id !== undefined),
      };
    },
  };
}

/** Counts of attempts by outcome: `201`, `503`, `error:ECONNREFUSED`, … */
export function tally(attempts: Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) {
    const k = a.error ? `error:${a.error}` : String(a.status);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

// ---- checks ----------------------------------------------------------------------------------------------------

/** The order ids of the `new_order` events a stream received, in arrival order. */
export const newOrderIds = (client: SseClient): string[] =>
  client.events.filter((e) => e.event === 'new_order').map((e) => e.json.order.id as string);

export interface Delivery {
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  unexpected: number;
}

/** Every committed order's event exactly once on a stream: what is missing, repeated or unknown. */
export function delivery(committed: string[], received: string[]): Delivery {
  const expected = new Set(committed);
  const seen = new Map<string, number>();
  for (const id of received) seen.set(id, (seen.get(id) ?? 0) + 1);
  let duplicated = 0;
  for (const n of seen.values()) if (n > 1) duplicated += n - 1;
  return {
    expected: expected.size,
    received: received.length,
    lost: [...expected].filter((id) => !seen.has(id)).length,
    duplicated,
    unexpected: [...seen.keys()].filter((id) => !expected.has(id)).length,
  };
}

export interface Integrity {
  orders: number;
  /** order_items whose order does not exist */
  orphanItems: number;
  /** orders without a single line */
  ordersWithoutItems: number;
  /** orders whose total_amount is not the sum of their lines */
  wrongTotals: number;
  /** orders without exactly one new_order event */
  ordersWithoutOneEvent: number;
  /** idempotency keys claimed but never completed with a response */
  unfinishedKeys: number;
  /** idempotency keys answering with an order that does not exist, or more than one key per order */
  keysWithoutOrder: number;
  unpublishedEvents: number;
}

/** What the database holds for a store: every order whole, with its event and its key. */
export async function integrity(ds: DataSource, storeId: string): Promise<Integrity> {
  const one = async (sql: string): Promise<number> =>
    Number(((await ds.query(sql, [storeId])) as Array<{ n: string | number }>)[0].n);
  return {
    orders: await one(`SELECT count(*) AS n FROM orders WHERE store_id = $1`),
    orphanItems: await one(
      `SELECT count(*) AS n FROM order_items i LEFT JOIN orders o ON o.id = i.order_id
       WHERE o.id IS NULL AND i.menu_id IN (SELECT id FROM menus WHERE store_id = $1)`,
    ),
    ordersWithoutItems: await one(
      `SELECT count(*) AS n FROM orders o WHERE o.store_id = $1
       AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)`,
    ),
    wrongTotals: await one(
      `SELECT count(*) AS n FROM orders o WHERE o.store_id = $1
       AND o.total_amount <> (SELECT coalesce(sum(i.unit_price * i.quantity), 0) FROM order_items i WHERE i.order_id = o.id)`,
    ),
    ordersWithoutOneEvent: await one(
      `SELECT count(*) AS n FROM orders o WHERE o.store_id = $1
       AND (SELECT count(*) FROM events e WHERE e.store_id = $1 AND e.type = 'new_order'
            AND e.payload -> 'order' ->> 'id' = o.id::text) <> 1`,
    ),
    unfinishedKeys: await one(
      `SELECT count(*) AS n FROM idempotency_keys WHERE store_id = $1 AND response_status IS NULL`,
    ),
    keysWithoutOrder: await one(
      `SELECT count(*) AS n FROM idempotency_keys k WHERE k.store_id = $1 AND k.response_status = 201
       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id::text = k.response_body ->> 'id')`,
    ),
    unpublishedEvents: await one(
      `SELECT count(*) AS n FROM events WHERE store_id = $1 AND published_at IS NULL`,
    ),
  };
}

/**
 * Holds the store's order-number rows from a session of our own, so that every order placed meanwhile waits inside
 * its transaction: the way to have orders in flight at a chosen moment (a kill, a signal, a shutdown). `release`
 * lets them go on; a session that died with its server releases too.
 */
export async function holdOrderNumbers(
  databaseUrl: string,
  storeId: string,
): Promise<{ release(): Promise<void> }> {
  const locker = new Client({ connectionString: databaseUrl });
  locker.on('error', () => undefined);
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM order_number_counters WHERE store_id = $1 FOR UPDATE', [storeId]);
  return { release: () => locker.end().catch(() => undefined) };
}

/** The ids of the store's orders, oldest first. */
export async function committedOrderIds(ds: DataSource, storeId: string): Promise<string[]> {
  const rows = (await ds.query(`SELECT id FROM orders WHERE store_id = $1 ORDER BY created_at, id`, [
    storeId,
  ])) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** The store's committed orders, once each of `streams` has received every one of them (30 s at most). */
export async function committedAndDelivered(
  ds: DataSource,
  storeId: string,
  streams: SseClient[],
  what: string,
): Promise<string[]> {
  const committed = await committedOrderIds(ds, storeId);
  for (const s of streams) {
    await s.waitFor((c) => committed.every((id) => newOrderIds(c).includes(id)), 30_000, what);
  }
  return committed;
}

/** Waits (30 s at most) until every event of the store is published; returns how long that took. */
export const outboxDrained = (ds: DataSource, storeId: string): Promise<number> =>
  waitUntil(
    async () => (await integrity(ds, storeId)).unpublishedEvents === 0,
    30_000,
    'every event published',
  );

/** Every logical order of the load ended in exactly the committed orders of its 201s. */
export function expectOneOrderPerKey(load: LoadOutcome, committed: string[]): void {
  expect(load.succeeded).toHaveLength(load.keys.length);
  expect(committed.sort()).toEqual(load.succeeded.map(([, id]) => id as string).sort());
}

/** The store holds `orders` orders, each whole, with one event, published, and its key finished. */
export function expectWholeOrders(check: Integrity, orders: number, more: Partial<Integrity> = {}): void {
  expect(check).toMatchObject({
    orders,
    ordersWithoutItems: 0,
    wrongTotals: 0,
    ordersWithoutOneEvent: 0,
    unfinishedKeys: 0,
    unpublishedEvents: 0,
    ...more,
  });
}

/** Readiness as a poller saw it: each change of status with its time. */
export class ReadinessWatch {
  readonly transitions: Array<{ status: number | string; at: number }> = [];
  private stopped = false;
  private loop?: Promise<void>;

  constructor(private readonly baseUrl: string) {}

  start(everyMs = 250): this {
    this.loop = (async () => {
      while (!this.stopped) {
        const r = await get(this.baseUrl, '/health/ready', undefined, 10_000);
        const status = r.status ?? `error:${r.error}`;
        const last = this.transitions[this.transitions.length - 1];
        if (!last || last.status !== status) this.transitions.push({ status, at: Date.now() });
        await sleep(everyMs);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** The statuses in order, e.g. [200, 503, 200]. */
  sequence(): Array<number | string> {
    return this.transitions.map((t) => t.status);
  }

  /** When the status first became `status` at or after `after`. */
  firstAt(status: number | string, after: number): number | undefined {
    return this.transitions.find((t) => t.status === status && t.at >= after)?.at;
  }
}

// ---- logs and metrics of an instance -----------------------------------------------------------------------

/** pino's levels. */
const LEVEL = { info: 30, warn: 40, error: 50 } as const;

export interface LogLine {
  level: number;
  msg?: string;
  context?: string;
  // oxlint-disable-next-line typescript/no-explicit-any -- log lines carry arbitrary fields
  [field: string]: any;
}

/**
 * The JSON log lines a child instance (the real entry point, LOG_FORMAT=json) writes from a mark on: `mark()`
 * returns where its output stands, `since(mark)` the lines written after it.
 */
export class LogWatch {
  constructor(private readonly child: Child) {}

  mark(): number {
    return this.child.output().length;
  }

  since(mark: number): LogLine[] {
    return this.child
      .output()
      .slice(mark)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  }
}

export interface LogSummary {
  lines: number;
  error: number;
  warn: number;
  info: number;
  /** Lines carrying a stack trace, at any level. */
  withStack: number;
  /** Access-log lines of a 503, by level. */
  access503ByLevel: Record<string, number>;
  /** The warn lines other than those access-log lines, by message. */
  otherWarnings: Record<string, number>;
  /** DependencyStatus's lines about `dependency`: its outage starting (warn) and ending (info). */
  outageStarted: LogLine[];
  outageEnded: LogLine[];
  /** Every error-level line, for the failure message. */
  errors: LogLine[];
}

export function summarizeLogs(lines: LogLine[], dependency: string): LogSummary {
  const levelName = (n: number): string => Object.entries(LEVEL).find(([, v]) => v === n)?.[0] ?? String(n);
  const access503ByLevel: Record<string, number> = {};
  for (const l of lines) {
    if (l.res?.statusCode !== 503) continue;
    access503ByLevel[levelName(l.level)] = (access503ByLevel[levelName(l.level)] ?? 0) + 1;
  }
  const otherWarnings: Record<string, number> = {};
  for (const l of lines) {
    if (l.level !== LEVEL.warn || l.res?.statusCode === 503) continue;
    const key = `${l.context ?? ''}: ${l.msg ?? ''}`;
    otherWarnings[key] = (otherWarnings[key] ?? 0) + 1;
  }
  const about = (msg: string): LogLine[] =>
    lines.filter((l) => l.context === 'Dependencies' && l.msg === msg && l.dependency === dependency);
  return {
    lines: lines.length,
    error: lines.filter((l) => l.level >= LEVEL.error).length,
    warn: lines.filter((l) => l.level === LEVEL.warn).length,
    info: lines.filter((l) => l.level === LEVEL.info).length,
    withStack: lines.filter((l) => JSON.stringify(l).includes('"stack"')).length,
    access503ByLevel,
    otherWarnings,
    outageStarted: about('dependency unavailable'),
    outageEnded: about('dependency available again'),
    errors: lines.filter((l) => l.level >= LEVEL.error),
  };
}

/** What a fault test's report shows of the child instance's log: counts, the outage's two lines, any error line. */
export function logSummary(log: LogSummary): Record<string, unknown> {
  return {
    lines: log.lines,
    error: log.error,
    warn: log.warn,
    withStack: log.withStack,
    access503ByLevel: log.access503ByLevel,
    otherWarnings: log.otherWarnings,
    outageStarted: log.outageStarted.map((l) => l.reason),
    outageEndedAfterMs: log.outageEnded.map((l) => l.durationMs),
    ...(log.errors.length > 0 ? { errors: log.errors } : {}),
  };
}

/** `table_order_dependency_up` and `table_order_dependency_outages_total` of `dependency` on one instance. */
export async function dependencyMetrics(
  url: string,
  dependency: string,
): Promise<{ up?: number; outages?: number }> {
  const text = (await get(url, '/metrics')).body as string;
  const value = (name: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{dependency="${dependency}"}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  return {
    up: value('table_order_dependency_up'),
    outages: value('table_order_dependency_outages_total'),
  };
}

/** One line per scenario with its figures, greppable in the CI log: `[reliability] <scenario> {...}`. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${scenario} ${JSON.stringify(figures)}`);
}
