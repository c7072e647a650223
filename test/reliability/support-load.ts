import { sleep } from '../utils/servers';

/** A steady load of orders whose every attempt is recorded, and the counts of what the clients got. */

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

/**
 * One request with a timeout, recorded as the client saw it; never throws. The body is parsed as JSON when it is
 * JSON and kept as text otherwise.
 */
async function attempt(url: string, init: RequestInit, timeoutMs: number): Promise<Attempt> {
  const sentAt = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const replayed =
      init.method === 'POST' ? { replayed: res.headers.get('idempotent-replayed') === 'true' } : {};
    return { status: res.status, body, ...replayed, sentAt, ms: Date.now() - sentAt };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return {
      error: e.name === 'TimeoutError' ? 'TIMEOUT' : (e.cause?.code ?? e.message),
      sentAt,
      ms: Date.now() - sentAt,
    };
  }
}

/** POST /api/v1/orders with one line; never throws. */
export function placeOrder(
  baseUrl: string,
  token: string,
  menuId: string,
  options: PlaceOptions = {},
): Promise<Attempt> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${token}`,
  };
  if (options.key) headers['Idempotency-Key'] = options.key;
  return attempt(
    `${baseUrl}/api/v1/orders`,
    {
      method: 'POST',
      headers,
      body: JSON.stringify({ items: [{ menuId, quantity: options.quantity ?? 1 }] }),
    },
    options.timeoutMs ?? 20_000,
  );
}

/** GET with a timeout; never throws. */
export function get(baseUrl: string, path: string, token?: string, timeoutMs = 20_000): Promise<Attempt> {
  return attempt(
    `${baseUrl}${path}`,
    { method: 'GET', headers: token ? { Authorization: `Bearer ${token}` } : {} },
    timeoutMs,
  );
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
