/**
 * GET /api/v1/menu with a warm cache (5 categories x 6 menus) against an in-process app, beside a raw `node:http`
 * server answering the same JSON bytes from memory, in one run. The app's figure includes everything a real
 * request goes through (helmet, request id, pino-http, JWT verification, guards, rate limit, cache lookup).
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/menu.bench.ts
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 node_modules/.bin/node -r ts-node/register/transpile-only bench/menu.bench.ts
 *
 * Without BENCH_REDIS_URL the cache is in-process; with it, every hit is a Redis round trip. The database is
 * the embedded PGlite either way (a warm cache never reaches it). BENCH_DURATION (5 s per target; the app's
 * rate limit is 100,000 requests a minute per principal), BENCH_CONNECTIONS (20).
 * autocannon runs in this process for both targets alike. Figures are printed, never asserted.
 * At ~5,000 req/s a BENCH_DURATION above ~15 s spends the per-minute budget: the 429s then show in `non2xx`.
 * Run under ts-node, `node:domain` is loaded (ts-node requires `repl`, which requires `domain`), so every
 * EventEmitter here pays the domain hooks; the compiled server (`node dist/src/main`) does not.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCategory, createMenu } from '../test/factories';
import { createTestEnv, startApp } from '../test/utils/app';
import { storeFixture } from '../test/utils/auth';
import { MenuViewService } from '../src/modules/menus/menu-view.service';

interface CannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
/** The package ships no type declarations; this is the part used here. */
const autocannon = require('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<CannonResult>;

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REDIS_URL = process.env.BENCH_REDIS_URL;

async function run(label: string, url: string, headers: Record<string, string> = {}): Promise<CannonResult> {
  // A short warm-up so JIT and connection set-up are not in the figures.
  await autocannon({ url, connections: CONNECTIONS, duration: 1, headers });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  console.log(
    `${label.padEnd(34)} ${result.requests.average.toFixed(0).padStart(7)} req/s` +
      `  p50=${result.latency.p50} ms  p99=${result.latency.p99} ms` +
      `  total=${result.requests.total}  non2xx=${result.non2xx}  errors=${result.errors + result.timeouts}`,
  );
  return result;
}

async function main(): Promise<void> {
  const env = await createTestEnv({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...(REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: `bench:${process.pid}:` } : {}),
  });
  const app = await startApp(env);
  let raw: http.Server | undefined;
  try {
    const fixture = await storeFixture(app, 1);
    for (let c = 0; c < 5; c++) {
      const category = await createCategory(app.dataSource, fixture.store.id, { name: `Category ${c + 1}` });
      for (let m = 0; m < 6; m++) {
        await createMenu(app.dataSource, fixture.store.id, category.id, {
          name: `Menu ${c + 1}-${m + 1}`,
          price: 1000 * (m + 1),
          description: m % 2 === 0 ? `A description of menu ${c + 1}-${m + 1}` : undefined,
          isAvailable: m !== 5,
        });
      }
    }
    const headers = { Authorization: `Bearer ${fixture.tables[0].token}` };
    const warm = await fetch(`${app.url}/api/v1/menu`, { headers });
    if (warm.status !== 200) throw new Error(`GET /api/v1/menu answered ${warm.status}`);
    const body = Buffer.from(await warm.arrayBuffer());
    const items = (
      JSON.parse(body.toString()) as { categories: Array<{ items: unknown[] }> }
    ).categories.reduce((n, c) => n + c.items.length, 0);

    raw = http.createServer((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': body.length,
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => raw?.listen(0, '127.0.0.1', resolve));
    const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`;

    console.log(
      `GET /api/v1/menu, warm cache (${REDIS_URL ? 'Redis' : 'in-process'}), ${items} items, ${body.length} bytes; ` +
        `${CONNECTIONS} connections, ${DURATION} s per target, Node ${process.version}`,
    );
    const rawResult = await run('raw node:http, same bytes', rawUrl);
    const appResult = await run('app GET /api/v1/menu', `${app.url}/api/v1/menu`, headers);
    // The cache lookup alone, without HTTP, auth or logging: what this module adds to a request.
    const view = app.app.get(MenuViewService);
    const calls = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await view.menuJson(fixture.store.id);
    const perCallUs = Number(process.hrtime.bigint() - started) / 1000 / calls;
    console.log(
      `${'MenuViewService.menuJson (hit)'.padEnd(34)} ${perCallUs.toFixed(1)} µs per call, sequential`,
    );
    console.log(
      `app / raw: throughput ${(appResult.requests.average / rawResult.requests.average).toFixed(2)}x, ` +
        `p99 ${(appResult.latency.p99 / Math.max(rawResult.latency.p99, 1)).toFixed(1)}x`,
    );
  } finally {
    await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()));
    await app.close();
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
