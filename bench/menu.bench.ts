/**
 * GET /api/v1/menu with a warm cache (5 categories × 6 menus), the application beside a raw `node:http` server
 * that checks the same bearer token (RS256 signature, exp, iss, aud, on node:crypto) and answers the same JSON
 * bytes from memory (bench/raw/menu-raw-server.ts), in one run; and, as the floor, the same bytes without the
 * token check (bench/raw/static-raw-server.ts). All are child
 * processes, so autocannon never shares their event loop; the app's figure includes everything a real request
 * goes through (helmet, request id, pino-http, JWT verification, guards, rate limit, cache lookup).
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/menu.bench.ts
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 node_modules/.bin/node -r ts-node/register/transpile-only bench/menu.bench.ts
 *
 * The app runs with its in-process cache; with BENCH_REDIS_URL it runs a second time with the Redis cache
 * (every hit a Redis round trip). A warm cache never reaches PostgreSQL. BENCH_DURATION (10 s per target),
 * BENCH_CONNECTIONS (20), BENCH_SLICES (5: the targets take turns, see `alternate`). Requests rotate over 4 table tokens: the app's rate limit is 100,000 requests a minute
 * per principal, so at up to ~25,000 req/s no request is refused (a 429 would show in the errors).
 * Figures are printed, never asserted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  alternate,
  createBenchDatabase,
  Figures,
  fmt,
  memoryOf,
  menuReads,
  profiled,
  query,
  resetPeak,
  seedStores,
  Server,
  spawnApp,
  spawnServer,
  tableLogin,
  withCpu,
} from './orders-support';
import { BenchRow, emitResult, mib } from './results';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REDIS_URL = process.env.BENCH_REDIS_URL;
/** Turns each target takes in a measured run (see `alternate`); 1 measures them one after the other. */
const SLICES = Number(process.env.BENCH_SLICES ?? 5);

interface Measured extends Figures {
  peak: number;
  cpuUs: number;
  systemUs: number;
}

const reads = (server: Server, tokens: string[]) => menuReads(server, tokens, CONNECTIONS);

/**
 * Every target after a 1 s warm-up each (JIT, connections), then the measured runs: in alternating slices
 * (`alternate`: each target gets the same machine, whose speed drifts), or, under BENCH_PROFILE, one run each so
 * that a profile covers the app's run alone.
 */
async function measure(
  targets: Array<{ label: string; server: Server; app: boolean }>,
  tokens: string[],
): Promise<Measured[]> {
  for (const { server } of targets) {
    resetPeak(server.pid);
    await reads(server, tokens)(1);
  }
  let figures: Array<Figures & { cpuUs: number; systemUs: number }>;
  if (process.env.BENCH_PROFILE) {
    figures = [];
    for (const { label, server, app } of targets) {
      const load = () => reads(server, tokens)(DURATION);
      figures.push(await withCpu(server.pid, () => (app ? profiled(server, label, load) : load())));
    }
  } else {
    figures = await alternate(
      targets.map(({ server }) => ({ pid: server.pid, load: reads(server, tokens) })),
      DURATION,
      SLICES,
    );
  }
  return targets.map(({ label, server }, i) => {
    const f = figures[i];
    const peak = memoryOf(server.pid).peak;
    console.log(
      `${label.padEnd(40)} ${fmt(f.rps, 0).padStart(7)} req/s  p50=${f.p50} ms  p99=${f.p99} ms` +
        `  total=${f.requests}  non2xx=${f.non2xx}  errors=${f.errors}  peak RSS ${fmt(mib(peak), 0)} MiB` +
        `  CPU ${fmt(f.cpuUs, 0)} µs/request (system ${fmt(f.systemUs, 0)})`,
    );
    return { ...f, peak };
  });
}

/** 5 categories × 6 menus, every other one described, the last of each sold out. */
async function seedMenu(dbUrl: string, storeId: string): Promise<void> {
  await query(
    dbUrl,
    `WITH c AS (
       INSERT INTO menu_categories (store_id, name, display_order)
       SELECT $1, 'Category ' || n, n FROM generate_series(1, 5) n RETURNING id, display_order AS n)
     INSERT INTO menus (store_id, category_id, name, description, price, is_available, display_order)
     SELECT $1, c.id, 'Menu ' || c.n || '-' || m,
            CASE WHEN m % 2 = 1 THEN 'A description of menu ' || c.n || '-' || m END, 1000 * m, m <> 6, m
       FROM c CROSS JOIN generate_series(1, 6) m`,
    [storeId],
  );
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const servers: Server[] = [];
  try {
    const apps: Array<{ label: string; env: Record<string, string> }> = [
      { label: 'in-process cache', env: {} },
      ...(REDIS_URL
        ? [{ label: 'Redis cache', env: { REDIS_URL, REDIS_KEY_PREFIX: `bench:${db.name}:` } }]
        : []),
    ];
    const first = await spawnApp(db, apps[0].env);
    servers.push(first);
    const [store] = await seedStores(db, 1, 4, 0);
    await seedMenu(db.url, store.id);
    const tokens: string[] = [];
    for (const table of store.tables) tokens.push(await tableLogin(first, store, table.number));

    const warm = await fetch(`${first.url}/api/v1/menu`, {
      headers: { Authorization: `Bearer ${tokens[0]}` },
    });
    if (warm.status !== 200) throw new Error(`GET /api/v1/menu answered ${warm.status}`);
    const body = Buffer.from(await warm.arrayBuffer());
    const items = (
      JSON.parse(body.toString()) as { categories: Array<{ items: unknown[] }> }
    ).categories.reduce((n, c) => n + c.items.length, 0);
    const bodyFile = path.join(db.dataDir, 'menu.json');
    fs.writeFileSync(bodyFile, body);
    const bare = await spawnServer('bench/raw/static-raw-server.ts', [], { BODY_FILE: bodyFile, PORT: '0' });
    servers.push(bare);
    const raw = await spawnServer('bench/raw/menu-raw-server.ts', [], {
      BODY_FILE: bodyFile,
      JWT_KEY_FILE: db.keyFile,
      PORT: '0',
    });
    servers.push(raw);

    console.log(
      `GET /api/v1/menu, warm cache, ${items} items, ${body.length} bytes; ` +
        `${CONNECTIONS} connections, ${DURATION} s per target, Node ${process.version}`,
    );
    const appServers = [first];
    for (const { env } of apps.slice(1)) {
      const app = await spawnApp(db, env);
      servers.push(app);
      appServers.push(app);
    }
    const [bareResult, rawResult, ...appResults] = await measure(
      [
        { label: 'bare node:http, same bytes', server: bare, app: false },
        { label: 'raw node:http, token check, same bytes', server: raw, app: false },
        ...apps.map(({ label }, i) => ({
          label: `app GET /api/v1/menu, ${label}`,
          server: appServers[i],
          app: true,
        })),
      ],
      tokens,
    );
    const rows: BenchRow[] = [];
    const cpus: number[] = [];
    for (const [i, { label }] of apps.entries()) {
      const appResult = appResults[i];
      cpus.push(appResult.cpuUs);
      console.log(
        `app / raw (${label}): throughput ${fmt((appResult.rps / rawResult.rps) * 100, 0)} % (target ≥ 50 %), ` +
          `p99 ${fmt(appResult.p99 / Math.max(rawResult.p99, 1), 1)}x; ` +
          `of the bare server without a token check ${fmt((appResult.rps / bareResult.rps) * 100, 0)} %`,
      );
      rows.push({
        case: `${label}, ${CONNECTIONS} connections`,
        app: { ...sideOf(appResult) },
        raw: { ...sideOf(rawResult) },
        memoryUnit: 'MiB peak RSS',
        target: {
          text: 'req/s ≥ 50 % of the token-checking raw server, 0 errors',
          met: appResult.rps / rawResult.rps >= 0.5 && appResult.errors + appResult.non2xx === 0,
        },
      });
    }
    emitResult({
      bench: 'menu',
      title: `GET /api/v1/menu, warm cache (${items} items, ${body.length} bytes), ${DURATION} s`,
      baseline:
        'node:http checking the same RS256 token (signature, exp, iss, aud) on node:crypto and answering the same bytes (bench/raw/menu-raw-server.ts)',
      rows,
      notes: [
        `without the token check (bench/raw/static-raw-server.ts, the same bytes and nothing else): ${fmt(bareResult.rps, 0)} req/s, p99 ${bareResult.p99} ms`,
        `server CPU per request: token-checking raw ${fmt(rawResult.cpuUs, 0)} µs, ` +
          rows.map((r, i) => `app ${apps[i].label} ${fmt(cpus[i], 0)} µs`).join(', '),
      ],
    });
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await db.drop();
  }
}

const sideOf = (f: Measured) => ({
  rps: f.rps,
  p50: f.p50,
  p99: f.p99,
  errors: f.errors + f.non2xx,
  memory: mib(f.peak),
});

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
