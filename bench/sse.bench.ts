/**
 * Live events under load, on real PostgreSQL, Redis and RabbitMQ, with the servers in their own processes
 * (bench/orders-app-server.ts) so that the clients never share their event loop:
 *
 * 1. 1,000 open admin streams spread over two instances; a table places orders on one instance; for every
 *    order, the delay from POST /api/v1/orders returning to the `new_order` frame arriving, at every stream.
 * 2. Memory per open stream: one instance, RSS (/proc) and V8 heap (its own /metrics) before and after opening
 *    5,000 streams, divided by 5,000.
 *
 * Then both again against the raw baseline, bench/raw/sse-raw-server.ts: two bare node:http processes fanning
 * the same frames out over the same RabbitMQ (a fanout exchange, a queue each), with no database, no outbox
 * and no authentication; its POST returns at once. The same client code measures both.
 *
 * Run (ulimit for the client sockets):
 *   bash -c 'ulimit -n 20000; node_modules/.bin/node -r ts-node/register/transpile-only bench/sse.bench.ts'
 * Options (env): SSE_BENCH_STREAMS (1000), SSE_BENCH_ORDERS (40), SSE_BENCH_MEMORY_STREAMS (5000).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jwt from 'jsonwebtoken';
import { openSse, SseClient } from '../test/utils/sse';
import {
  createBenchDatabase,
  memoryOf,
  query,
  resetPeak,
  seedStores,
  Server,
  spawnApp,
  spawnServer,
} from './orders-support';
import { BenchRow, emitResult, mib } from './results';

const STREAMS = Number(process.env.SSE_BENCH_STREAMS ?? 1000);
const ORDERS = Number(process.env.SSE_BENCH_ORDERS ?? 40);
const MEMORY_STREAMS = Number(process.env.SSE_BENCH_MEMORY_STREAMS ?? 5000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RABBITMQ_URL = process.env.BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** API.md: 5 streams per admin login. */
const PER_ADMIN = 5;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function metricsOf(server: Server): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = (name: string): number =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1]);
  return { rss: value('process_resident_memory_bytes'), heap: value('nodejs_heap_size_used_bytes') };
}

/** Opens `count` streams, `concurrency` at a time, round-robin over `servers`, each waiting for `retry:`. */
async function openStreams(servers: Server[], tokens: string[], count: number): Promise<SseClient[]> {
  const clients: SseClient[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const client = await openSse(servers[i % servers.length].url, '/api/v1/admin/events', {
        headers: { Authorization: `Bearer ${tokens[Math.floor(i / PER_ADMIN)]}` },
        timeoutMs: 30_000,
      });
      if (client.status !== 200)
        throw new Error(`stream ${i}: ${client.status} ${JSON.stringify(client.body)}`);
      await client.waitFor((c) => c.retry !== undefined, 10_000, 'retry');
      clients.push(client);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return clients;
}

interface Delivery {
  /** Delay to every stream, sorted, ms. */
  delays: number[];
  /** Delay to the first stream of each order, sorted, ms. */
  firsts: number[];
  missing: number;
  streams: number;
  /** Peak RSS of the instance the orders were placed on, bytes. */
  peak: number;
}

/** Opens STREAMS streams over `servers`, places ORDERS orders on the first, times each to every stream. */
async function delivery(
  label: string,
  servers: Server[],
  adminTokens: string[],
  tableToken: string,
  menus: string[],
): Promise<Delivery> {
  const clients = await openStreams(servers, adminTokens, STREAMS);
  console.log(`${label}: opened ${clients.length} admin streams over ${servers.length} instances`);
  resetPeak(servers[0].pid);
  const delays: number[] = [];
  const firsts: number[] = [];
  let missing = 0;
  try {
    for (let i = 0; i < ORDERS; i++) {
      const res = await fetch(`${servers[0].url}/api/v1/orders`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tableToken}` },
        body: JSON.stringify({ items: [{ menuId: menus[i % menus.length], quantity: 1 }] }),
      });
      const returnedAt = Date.now();
      const order = (await res.json()) as { id: string };
      if (res.status !== 201) throw new Error(`order ${res.status} ${JSON.stringify(order)}`);
      const arrived = (c: SseClient) =>
        c.events.find((e) => e.event === 'new_order' && e.json.order.id === order.id);
      await Promise.all(
        clients.map((c) => c.waitFor((x) => arrived(x) !== undefined, 5000, 'order').catch(() => missing++)),
      );
      let earliest = Infinity;
      for (const c of clients) {
        const event = arrived(c);
        if (event) delays.push(Math.max(0, event.receivedAt - returnedAt));
        if (event) earliest = Math.min(earliest, Math.max(0, event.receivedAt - returnedAt));
      }
      firsts.push(earliest);
      for (const c of clients) c.events.length = 0;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    for (const c of clients) c.close();
  }
  const peak = memoryOf(servers[0].pid).peak;
  delays.sort((a, b) => a - b);
  firsts.sort((a, b) => a - b);
  console.log(
    `${label}: delay POST /orders returned → event at each of ${clients.length} streams (${ORDERS} orders, ${delays.length} deliveries, ${missing} missing): ` +
      `p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms, max ${delays[delays.length - 1]} ms`,
  );
  // The spread between the first and the last stream is mostly this one client process parsing 1,000 sockets.
  console.log(
    `${label}: delay to the first stream of each order: p50 ${percentile(firsts, 50)} ms, p99 ${percentile(firsts, 99)} ms`,
  );
  return { delays, firsts, missing, streams: clients.length, peak };
}

/** RSS of one instance before and after opening MEMORY_STREAMS streams; bytes per stream. */
async function memoryPerStream(label: string, server: Server, adminTokens: string[]): Promise<number> {
  await new Promise((r) => setTimeout(r, 2000));
  const before = memoryOf(server.pid).rss;
  const many = await openStreams([server], adminTokens, MEMORY_STREAMS);
  await new Promise((r) => setTimeout(r, 3000));
  const after = memoryOf(server.pid).rss;
  const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
  console.log(
    `${label}: memory with ${many.length} open streams on one instance: RSS ${kib(before)} → ${kib(after)} KiB ` +
      `(${kib((after - before) / many.length)} KiB per stream)`,
  );
  for (const c of many) c.close();
  return (after - before) / many.length;
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const servers: Server[] = [];
  const stop = async (server: Server): Promise<void> => {
    servers.splice(servers.indexOf(server), 1);
    await server.stop();
  };
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `bench:${db.name}:`, RABBITMQ_URL, OUTBOX_POLL_MS: '1000' };
  try {
    const first = await spawnApp(db, env);
    servers.push(first);
    const [store] = await seedStores(db, 1, 1, 3);
    const admins = Math.ceil(Math.max(STREAMS, MEMORY_STREAMS) / PER_ADMIN);
    const adminRows = await query<{ id: string }>(
      db.url,
      `INSERT INTO admin_users (store_id, username, password_hash, role)
       SELECT $1, 'bench-' || n, 'x', 'store_admin' FROM generate_series(1, $2::int) n RETURNING id`,
      [store.id, admins],
    );
    // Signed with the instance's own generated key (DATA_DIR/keys), exactly as a login would.
    const key = fs.readFileSync(path.join(db.dataDir, 'keys', 'jwt-private.pem'), 'utf8');
    const sign = (claims: Record<string, unknown>): string =>
      jwt.sign({ ...claims, ver: 0 }, key, {
        algorithm: 'RS256',
        expiresIn: 3600,
        issuer: 'table-order',
        audience: 'table-order-api',
      });
    const adminTokens = adminRows.map((a) =>
      sign({ sub: `admin:${a.id}`, role: 'admin', storeId: store.id }),
    );
    const table = store.tables[0];
    const tableToken = sign({
      sub: `table:${table.id}`,
      role: 'table',
      storeId: store.id,
      tableId: table.id,
    });

    // 1. Delay to every stream, two instances; 2. memory per stream, one instance: the app, then the raw baseline.
    const second = await spawnApp(db, env);
    servers.push(second);
    const app = await delivery('app', [first, second], adminTokens, tableToken, store.menus);
    await stop(second);
    const appPerStream = MEMORY_STREAMS > 0 ? await memoryPerStream('app', first, adminTokens) : NaN;
    if (MEMORY_STREAMS > 0) {
      const heap = await metricsOf(first);
      console.log(`app: V8 heap used with the streams closed again: ${(heap.heap / 1024).toFixed(1)} KiB`);
    }
    await stop(first);

    const rawEnv = { RABBITMQ_URL, SSE_RAW_EXCHANGE: `bench-sse-${db.name}`, PORT: '0' };
    const rawFirst = await spawnServer('bench/raw/sse-raw-server.ts', [], rawEnv);
    servers.push(rawFirst);
    const rawSecond = await spawnServer('bench/raw/sse-raw-server.ts', [], rawEnv);
    servers.push(rawSecond);
    const raw = await delivery('raw', [rawFirst, rawSecond], adminTokens, tableToken, store.menus);
    await stop(rawSecond);
    const rawPerStream = MEMORY_STREAMS > 0 ? await memoryPerStream('raw', rawFirst, adminTokens) : NaN;

    const rows: BenchRow[] = [
      {
        case: `${STREAMS} streams on 2 instances, delay POST → each stream (${ORDERS} orders)`,
        app: {
          p50: percentile(app.delays, 50),
          p99: percentile(app.delays, 99),
          errors: app.missing,
          memory: mib(app.peak),
        },
        raw: {
          p50: percentile(raw.delays, 50),
          p99: percentile(raw.delays, 99),
          errors: raw.missing,
          memory: mib(raw.peak),
        },
        memoryUnit: 'MiB peak RSS',
      },
      {
        case: `${STREAMS} streams on 2 instances, delay POST → first stream`,
        app: { p50: percentile(app.firsts, 50), p99: percentile(app.firsts, 99) },
        raw: { p50: percentile(raw.firsts, 50), p99: percentile(raw.firsts, 99) },
      },
    ];
    if (MEMORY_STREAMS > 0) {
      rows.push({
        case: `${MEMORY_STREAMS} open streams on one instance`,
        app: { memory: appPerStream / 1024 },
        raw: { memory: rawPerStream / 1024 },
        memoryUnit: 'KiB RSS per stream',
      });
    }
    emitResult({
      bench: 'sse',
      title: `SSE: ${STREAMS} admin streams over 2 instances (delivery delay); ${MEMORY_STREAMS} streams on one (memory)`,
      baseline:
        'two bare node:http processes fanning the same frames out over the same RabbitMQ (fanout exchange, a ' +
        'queue each), no database, outbox or authentication, POST answered at once (bench/raw/sse-raw-server.ts)',
      rows,
    });
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
