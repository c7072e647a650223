/**
 * POST /api/v1/orders under load: the application beside a raw node:http + pg server doing the same database
 * work (bench/raw/orders-raw-server.ts), in one run, on one fresh PostgreSQL database.
 *
 * Each request: 3 lines, a fresh Idempotency-Key, tables taken round-robin over 5 stores × 2 tables. Two cases:
 * `plain` lines, and `options` lines that each carry two options (one of a required group of 3, one of an
 * optional group of 3 priced extras) and a note.
 * Prints req/s, p50 and p99 of both and the ratios; targets: app >= 70 % of raw throughput, p99 <= 1.5 × raw,
 * and an order with options costing the app at most 15 % more than a plain one (req/s plain / options <= 1.15).
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/orders.bench.ts
 *
 * BENCH_DURATION (seconds per run, 15), BENCH_CONNECTIONS (10,50), DATABASE_POOL_MAX (10, both servers),
 * BENCH_DATABASE_URL (admin URL, postgres://postgres@127.0.0.1:5432/postgres), BENCH_PROFILE (a directory:
 * the app writes a V8 CPU profile of each measured run there, bench/profile-stages.ts splits it by stage), BENCH_TARGETS (raw,app: which servers to load), BENCH_CASES
 * (plain,options). The raw server prepares its statements as the app does (RAW_PREPARED=0 to compare unprepared)
 * and checks the token's signature and claims as the app must (bench/raw/raw-token.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  alternate,
  BenchStore,
  cannon,
  createBenchDatabase,
  Figures,
  fmt,
  memoryOf,
  postJson,
  profiled,
  query,
  resetPeak,
  Server,
  seedStores,
  spawnApp,
  spawnServer,
  tableLogin,
  withCpu,
} from './orders-support';
import { emitResult, mib } from './results';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,50').split(',').map(Number);
const POOL_MAX = process.env.DATABASE_POOL_MAX ?? '10';
/** Which servers to load: both by default; one alone is handy under BENCH_PROFILE. */
const TARGETS = new Set((process.env.BENCH_TARGETS ?? 'raw,app').split(','));
const CASES = (process.env.BENCH_CASES ?? 'plain,options').split(',') as Case[];
/** Slices per side of a measured run: raw and app alternate, BENCH_DURATION / BENCH_SLICES seconds each. */
const SLICES = Number(process.env.BENCH_SLICES ?? 5);
/** Seconds of load each side takes, at each connection count, before its measured slices. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
type Case = 'plain' | 'options';
/** Per store: menus 0-5 have no option groups; menus 6-11 list a required and an optional group. */
const PLAIN_MENUS = 6;
const NONE: Measured = {
  requests: 0,
  rps: NaN,
  p50: NaN,
  p99: NaN,
  errors: 0,
  non2xx: 0,
  cpuUs: NaN,
  systemUs: NaN,
};
type Measured = Figures & { cpuUs: number; systemUs: number };

interface Caller {
  token: string;
  body: string;
}

interface StoreOptions {
  required: string[];
  extra: string[];
}

/** A required group (맵기, exactly 1 of 3) and an optional one (토핑, up to 3 of 3 priced) on menus 6-11. */
async function seedOptions(url: string, store: BenchStore): Promise<StoreOptions> {
  const group = async (name: string, min: number, max: number, prices: number[]): Promise<string[]> => {
    const [g] = await query<{ id: string }>(
      url,
      `INSERT INTO option_groups (store_id, name, min_select, max_select) VALUES ($1, $2, $3, $4) RETURNING id`,
      [store.id, name, min, max],
    );
    const rows = await query<{ id: string }>(
      url,
      `INSERT INTO options (store_id, group_id, name, price, display_order)
       SELECT $1, $2, $3 || ' ' || n, ($4::int[])[n], n FROM generate_series(1, cardinality($4::int[])) n
       RETURNING id`,
      [store.id, g.id, name, prices],
    );
    await query(
      url,
      `INSERT INTO menu_option_groups (store_id, menu_id, group_id, position)
       SELECT $1, m, $2, $3 FROM unnest($4::uuid[]) m`,
      [store.id, g.id, min > 0 ? 0 : 1, store.menus.slice(PLAIN_MENUS)],
    );
    return rows.map((r) => r.id);
  };
  return {
    required: await group('맵기', 1, 1, [0, 0, 0]),
    extra: await group('토핑', 0, 3, [500, 1000, 1500]),
  };
}

function callers(stores: BenchStore[], options: StoreOptions[], kind: Case): Caller[] {
  return stores.flatMap((store, s) =>
    store.tables.map((table, i) => ({
      token: table.token ?? '',
      body: JSON.stringify({
        items: [0, 1, 2].map((n) => {
          const k = (i + n) % PLAIN_MENUS;
          if (kind === 'plain') return { menuId: store.menus[k], quantity: n + 1 };
          return {
            menuId: store.menus[PLAIN_MENUS + k],
            quantity: n + 1,
            optionIds: [options[s].required[k % 3], options[s].extra[(k + 1) % 3]],
            note: '덜 맵게 해주세요',
          };
        }),
      }),
    })),
  );
}

async function load(
  server: Server,
  list: Caller[],
  connections: number,
  duration: number,
  onLatency?: (ms: number) => void,
): Promise<Figures> {
  let next = 0;
  return cannon(
    {
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
    },
    onLatency,
  );
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
      JWT_KEY_FILE: db.keyFile,
    });
    servers.push(raw);

    const stores = await seedStores(db, 5, 2, PLAIN_MENUS * 2);
    const options: StoreOptions[] = [];
    for (const store of stores) options.push(await seedOptions(db.url, store));
    for (const store of stores) {
      for (const table of store.tables) table.token = await tableLogin(app, store, table.number);
    }
    const lists = new Map(CASES.map((kind) => [kind, callers(stores, options, kind)]));

    // Both answer one order of each case correctly, and alike, before they are loaded.
    for (const list of lists.values()) {
      const totals: unknown[] = [];
      for (const server of [raw, app]) {
        const res = await postJson(`${server.url}/api/v1/orders`, JSON.parse(list[0].body), {
          Authorization: `Bearer ${list[0].token}`,
          'Idempotency-Key': randomUUID(),
        });
        if (res.status !== 201) throw new Error(`${server.url}: ${res.status} ${JSON.stringify(res.body)}`);
        totals.push(JSON.stringify([res.body.totalAmount, (res.body.items as unknown[]).length]));
      }
      if (totals[0] !== totals[1])
        throw new Error(`raw and app disagree on an order: ${totals.join(' vs ')}`);
    }

    console.log(
      `POST /api/v1/orders, 3 lines, fresh Idempotency-Key, 5 stores × 2 tables, pool ${POOL_MAX}, ${DURATION} s per run`,
    );
    type Row = { kind: Case; c: number; raw: Measured; app: Measured; rawPeak: number; appPeak: number };
    const rows: Row[] = [];
    const loaded = [raw, app].filter((server) => TARGETS.has(server === raw ? 'raw' : 'app'));
    for (const c of CONNECTIONS) {
      // Every case on every server: a short warm-up each (JIT, pool connections, plan caches), then the measured
      // runs, in alternating slices so that every side, and the plain and options cases, get the same machine
      // (see `alternate`). The peak RSS of each server covers its warm-ups and runs at this connection count.
      const sides = CASES.flatMap((kind) => loaded.map((server) => ({ kind, server })));
      for (const server of loaded) resetPeak(server.pid);
      for (const { kind, server } of sides) await load(server, lists.get(kind) as Caller[], c, WARMUP);
      let figures: Measured[];
      if (!process.env.BENCH_PROFILE) {
        figures = await alternate(
          sides.map(({ kind, server }) => ({
            pid: server.pid,
            load: (seconds, onLatency) => load(server, lists.get(kind) as Caller[], c, seconds, onLatency),
          })),
          DURATION,
          SLICES,
        );
      } else {
        figures = [];
        for (const { kind, server } of sides) {
          const run = () => load(server, lists.get(kind) as Caller[], c, DURATION);
          figures.push(
            await withCpu(server.pid, () =>
              server === app ? profiled(app, `${kind}, ${c} connections`, run) : run(),
            ),
          );
        }
      }
      const of = (kind: Case, server: Server) =>
        figures[sides.findIndex((side) => side.kind === kind && side.server === server)] ?? NONE;
      const rawPeak = loaded.includes(raw) ? memoryOf(raw.pid).peak : NaN;
      const appPeak = loaded.includes(app) ? memoryOf(app.pid).peak : NaN;
      for (const kind of CASES)
        rows.push({ kind, c, raw: of(kind, raw), app: of(kind, app), rawPeak, appPeak });
    }
    rows.sort((a, b) => CASES.indexOf(a.kind) - CASES.indexOf(b.kind) || a.c - b.c);
    const met = (r: Figures, a: Figures) =>
      a.rps / r.rps >= 0.7 && a.p99 / r.p99 <= 1.5 && r.errors + r.non2xx + a.errors + a.non2xx === 0;
    /** How much more an order with options costs the app than a plain one at the same connections. */
    const optionCost = (row: Row): number => {
      const plain = rows.find((r) => r.kind === 'plain' && r.c === row.c);
      return row.kind === 'options' && plain ? plain.app.rps / row.app.rps : NaN;
    };

    console.log(
      '\ncase    conn | raw req/s   p50   p99 | app req/s   p50   p99 | app/raw req/s  p99 ratio | errors (raw/app) | peak RSS MiB (raw/app) | CPU µs/req (raw/app) | plain/options app | targets',
    );
    for (const row of rows) {
      const { kind, c, raw: r, app: a, rawPeak, appPeak } = row;
      const cost = optionCost(row);
      const ok = met(r, a) && !(cost > 1.15);
      console.log(
        `${kind.padEnd(7)} ${String(c).padStart(4)} | ${fmt(r.rps).padStart(9)} ${String(r.p50).padStart(5)} ${String(r.p99).padStart(5)} | ` +
          `${fmt(a.rps).padStart(9)} ${String(a.p50).padStart(5)} ${String(a.p99).padStart(5)} | ` +
          `${fmt((a.rps / r.rps) * 100).padStart(12)} % ${fmt(a.p99 / r.p99, 2).padStart(9)}× | ` +
          `${r.errors + r.non2xx}/${a.errors + a.non2xx}`.padEnd(16) +
          ` | ${`${fmt(mib(rawPeak), 0)}/${fmt(mib(appPeak), 0)}`.padEnd(22)}` +
          ` | ${`${fmt(r.cpuUs, 0)}/${fmt(a.cpuUs, 0)}`.padEnd(20)}` +
          ` | ${(Number.isFinite(cost) ? `${fmt(cost, 2)}×` : '-').padStart(17)}` +
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
    for (const r of rows) {
      console.log(
        `server CPU per request, ${r.kind} ${r.c} connections: raw ${fmt(r.raw.cpuUs, 0)} µs (system ${fmt(r.raw.systemUs, 0)}), app ${fmt(r.app.cpuUs, 0)} µs (system ${fmt(r.app.systemUs, 0)})`,
      );
    }
    console.log('latencies in ms (autocannon); figures are printed, never asserted');
    emitResult({
      bench: 'orders',
      title: `POST /api/v1/orders (3 lines, fresh Idempotency-Key, 5 stores × 2 tables, pool ${POOL_MAX}, ${DURATION} s; with options: 2 options and a note per line)`,
      baseline:
        'bare node:http + pg doing the same database work in one transaction, prepared statements, the same token check on node:crypto (bench/raw/orders-raw-server.ts)',
      rows: rows.map((row) => {
        const { kind, c, raw: r, app: a, rawPeak, appPeak } = row;
        const cost = optionCost(row);
        return {
          case: `${kind === 'plain' ? '' : 'with options, '}${c} connections`,
          app: { rps: a.rps, p50: a.p50, p99: a.p99, errors: a.errors + a.non2xx, memory: mib(appPeak) },
          raw: { rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors + r.non2xx, memory: mib(rawPeak) },
          memoryUnit: 'MiB peak RSS',
          target: {
            text:
              kind === 'plain'
                ? 'req/s ≥ 70 % of raw, p99 ≤ 1.5× raw, 0 errors'
                : `req/s ≥ 70 % of raw, p99 ≤ 1.5× raw, 0 errors; plain/options app req/s ${fmt(cost, 2)} ≤ 1.15`,
            met: met(r, a) && !(cost > 1.15),
          },
        };
      }),
      notes: [
        `rows written: ${counts.orders} orders, ${counts.events} events, ${counts.keys} idempotency keys`,
        `server CPU per request (raw / app): ${rows
          .map(
            (r) =>
              `${r.kind} ${r.c} connections ${fmt(r.raw.cpuUs, 0)} / ${fmt(r.app.cpuUs, 0)} µs (system ${fmt(r.raw.systemUs, 0)} / ${fmt(r.app.systemUs, 0)})`,
          )
          .join('; ')}`,
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
