/**
 * POST /api/v1/orders under load: the application beside a raw node:http + pg server doing the same database
 * work (bench/raw/orders-raw-server.ts), in one run, on one fresh PostgreSQL database.
 *
 * Each request: 3 lines, a fresh Idempotency-Key, tables taken round-robin over 5 stores × 2 tables.
 * Prints req/s, p50 and p99 of both and the ratios; targets: app >= 70 % of raw throughput, p99 <= 1.5 × raw.
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/orders.bench.ts
 *
 * BENCH_DURATION (seconds per run, 15), BENCH_CONNECTIONS (10,50), DATABASE_POOL_MAX (10, both servers),
 * BENCH_DATABASE_URL (admin URL, postgres://postgres@127.0.0.1:5432/postgres), BENCH_PROFILE (a directory:
 * the app writes a V8 CPU profile there), BENCH_TARGETS (raw,app: which servers to load).
 */
import { randomUUID } from 'node:crypto';
import {
  BenchStore,
  cannon,
  createBenchDatabase,
  Figures,
  fmt,
  memoryOf,
  postJson,
  query,
  resetPeak,
  Server,
  seedStores,
  spawnApp,
  spawnServer,
  tableLogin,
} from './orders-support';
import { emitResult, mib } from './results';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,50').split(',').map(Number);
const POOL_MAX = process.env.DATABASE_POOL_MAX ?? '10';
/** Which servers to load: both by default; one alone is handy under BENCH_PROFILE. */
const TARGETS = new Set((process.env.BENCH_TARGETS ?? 'raw,app').split(','));
const NONE: Figures = { requests: 0, rps: NaN, p50: NaN, p99: NaN, errors: 0, non2xx: 0 };

interface Caller {
  token: string;
  body: string;
}

function callers(stores: BenchStore[]): Caller[] {
  return stores.flatMap((store) =>
    store.tables.map((table, i) => ({
      token: table.token ?? '',
      body: JSON.stringify({
        items: [0, 1, 2].map((n) => ({ menuId: store.menus[(i + n) % store.menus.length], quantity: n + 1 })),
      }),
    })),
  );
}

async function load(server: Server, list: Caller[], connections: number, duration: number): Promise<Figures> {
  let next = 0;
  return cannon({
    url: server.url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/orders',
        setupRequest: (req) => {
          const caller = list[next++ % list.length];
          return {
            ...req,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${caller.token}`,
              'idempotency-key': randomUUID(),
            },
            body: caller.body,
          };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const servers: Server[] = [];
  try {
    const app = await spawnApp(db, { DATABASE_POOL_MAX: POOL_MAX });
    servers.push(app);
    const raw = await spawnServer('bench/raw/orders-raw-server.ts', [], {
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: POOL_MAX,
      PORT: '0',
    });
    servers.push(raw);

    const stores = await seedStores(db, 5, 2, 6);
    for (const store of stores) {
      for (const table of store.tables) table.token = await tableLogin(app, store, table.number);
    }
    const list = callers(stores);

    // Both answer one order correctly before they are loaded.
    for (const server of [raw, app]) {
      const res = await postJson(`${server.url}/api/v1/orders`, JSON.parse(list[0].body), {
        Authorization: `Bearer ${list[0].token}`,
        'Idempotency-Key': randomUUID(),
      });
      if (res.status !== 201) throw new Error(`${server.url}: ${res.status} ${JSON.stringify(res.body)}`);
    }

    console.log(
      `POST /api/v1/orders, 3 lines, fresh Idempotency-Key, 5 stores × 2 tables, pool ${POOL_MAX}, ${DURATION} s per run`,
    );
    const rows: Array<{ c: number; raw: Figures; app: Figures; rawPeak: number; appPeak: number }> = [];
    for (const c of CONNECTIONS) {
      // A short warm-up each (JIT, pool connections, plan caches), then the measured runs; the peak RSS of each
      // server process covers its warm-up and run at this connection count.
      let rawFigures = NONE;
      let appFigures = NONE;
      let rawPeak = NaN;
      let appPeak = NaN;
      if (TARGETS.has('raw')) {
        resetPeak(raw.pid);
        await load(raw, list, c, 3);
        rawFigures = await load(raw, list, c, DURATION);
        rawPeak = memoryOf(raw.pid).peak;
      }
      if (TARGETS.has('app')) {
        resetPeak(app.pid);
        await load(app, list, c, 3);
        appFigures = await load(app, list, c, DURATION);
        appPeak = memoryOf(app.pid).peak;
      }
      rows.push({ c, raw: rawFigures, app: appFigures, rawPeak, appPeak });
    }

    console.log(
      '\nconn | raw req/s   p50   p99 | app req/s   p50   p99 | app/raw req/s  p99 ratio | errors (raw/app) | peak RSS MiB (raw/app) | targets',
    );
    for (const { c, raw: r, app: a, rawPeak, appPeak } of rows) {
      const throughput = a.rps / r.rps;
      const tail = a.p99 / r.p99;
      const ok = throughput >= 0.7 && tail <= 1.5 && r.errors + r.non2xx + a.errors + a.non2xx === 0;
      console.log(
        `${String(c).padStart(4)} | ${fmt(r.rps).padStart(9)} ${String(r.p50).padStart(5)} ${String(r.p99).padStart(5)} | ` +
          `${fmt(a.rps).padStart(9)} ${String(a.p50).padStart(5)} ${String(a.p99).padStart(5)} | ` +
          `${fmt(throughput * 100).padStart(12)} % ${fmt(tail, 2).padStart(9)}× | ` +
          `${r.errors + r.non2xx}/${a.errors + a.non2xx}`.padEnd(16) +
          ` | ${`${fmt(mib(rawPeak), 0)}/${fmt(mib(appPeak), 0)}`.padEnd(22)}` +
          ` | ${ok ? 'met' : 'MISSED'}`,
      );
    }
    const [counts] = await query<{ orders: number; events: number; keys: number }>(
      db.url,
      `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM events)::int AS events,
              (SELECT count(*) FROM idempotency_keys)::int AS keys`,
    );
    const sent = rows.reduce((sum, r) => sum + r.raw.requests + r.app.requests, 0);
    console.log(
      `\nrows written: ${counts.orders} orders, ${counts.events} events, ${counts.keys} idempotency keys ` +
        `(${sent} measured requests plus warm-ups)`,
    );
    console.log('latencies in ms (autocannon); figures are printed, never asserted');
    emitResult({
      bench: 'orders',
      title: `POST /api/v1/orders (3 lines, fresh Idempotency-Key, 5 stores × 2 tables, pool ${POOL_MAX}, ${DURATION} s)`,
      baseline:
        'bare node:http + pg doing the same database work in one transaction (bench/raw/orders-raw-server.ts)',
      rows: rows.map(({ c, raw: r, app: a, rawPeak, appPeak }) => ({
        case: `${c} connections`,
        app: { rps: a.rps, p50: a.p50, p99: a.p99, errors: a.errors + a.non2xx, memory: mib(appPeak) },
        raw: { rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors + r.non2xx, memory: mib(rawPeak) },
        memoryUnit: 'MiB peak RSS',
        target: {
          text: 'req/s ≥ 70 % of raw, p99 ≤ 1.5× raw, 0 errors',
          met:
            a.rps / r.rps >= 0.7 && a.p99 / r.p99 <= 1.5 && r.errors + r.non2xx + a.errors + a.non2xx === 0,
        },
      })),
      notes: [
        `rows written: ${counts.orders} orders, ${counts.events} events, ${counts.keys} idempotency keys`,
      ],
    });
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
