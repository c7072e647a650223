import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { sleep, waitUntil } from '../utils/servers';
import { SseClient } from '../utils/sse';
import { get, type LoadOutcome } from './support-load';

/** What a client and the database saw: events lost or duplicated, half-written orders, readiness over time. */

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

/**
 * Waits until at least `count` of the store's orders have committed (30 s at most): the load flows through every
 * instance before a test breaks one.
 */
export async function ordersFlowing(ds: DataSource, storeId: string, count = 30): Promise<void> {
  await waitUntil(
    async () => (await committedOrderIds(ds, storeId)).length >= count,
    30_000,
    'orders flowing through both instances',
  );
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

/**
 * Runs `scenario` (an outage and the recovery) once before the file's tests and returns what it saw, filled in
 * by then, so that each test checks one claim about it.
 */
export function observeOnce<T extends object>(scenario: () => Promise<T>, timeoutMs = 180_000): T {
  const seen = {} as T;
  beforeAll(async () => {
    Object.assign(seen, await scenario());
  }, timeoutMs);
  return seen;
}
