/**
 * 1. Completing a table (POST /api/v1/admin/tables/:id/complete) that holds 200 orders placed through the API,
 *    beside the raw baseline of the same transaction (the repositories' own SQL: SessionsRepository and
 *    OutboxRepository over a plain `pg` connection, no HTTP) on another table of 200 orders, runs interleaved.
 * 2. GET /api/v1/admin/tables/:id/history over one year of archive for 100 tables, generated with set-based SQL
 *    (100 tables × 3 sessions a day × 365 days, 2-5 orders each of 1-3 lines): p50/p99 of a typical 7-day window
 *    (the default), a full-year window with pageSize 100 and a deep page, sequentially and at 10 connections,
 *    beside a raw node:http + pg server running the repository's own three statements
 *    (bench/raw/history-raw-server.ts); then EXPLAIN ANALYZE of the queries behind a full-year page.
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/complete-and-history.bench.ts
 *
 * BENCH_TABLES (100), BENCH_DAYS (365), BENCH_COMPLETE_RUNS (5), BENCH_SAMPLES (200 requests per window),
 * BENCH_DURATION (10 s per run at 10 connections), BENCH_DATABASE_URL (admin URL). Figures are printed, never
 * asserted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { businessDate } from '../src/common/time';
import { OutboxRepository } from '../src/modules/events/outbox.repository';
import { HistoryRepository } from '../src/modules/history/history.repository';
import { addDays, resolveRange } from '../src/modules/history/history.service';
import { SessionsRepository } from '../src/modules/sessions/sessions.repository';
import {
  adminLogin,
  BenchStore,
  cannon,
  createBenchDatabase,
  Figures,
  fmt,
  memoryOf,
  percentile,
  postJson,
  query,
  resetPeak,
  Server,
  seedStores,
  spawnApp,
  spawnServer,
  tableLogin,
} from './orders-support';
import { BenchRow, emitResult, mib, Side } from './results';

const TABLES = Number(process.env.BENCH_TABLES ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const COMPLETE_RUNS = Number(process.env.BENCH_COMPLETE_RUNS ?? 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ORDERS_PER_COMPLETE = 200;

const rows: BenchRow[] = [];
const notes: string[] = [];

/** The latency side of a row from sorted samples, with req/s as samples over their summed time (sequential). */
function latencySide(sorted: number[], memory?: number): Side {
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    rps: (sorted.length * 1000) / total,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: 0,
    memory,
  };
}

/** The complete transaction as SessionsService.complete runs it, with its repositories over a plain pg client. */
async function rawComplete(client: Client, storeId: string, tableId: string): Promise<number> {
  const em = {
    query: async (sql: string, params: unknown[]) => {
      const result = await client.query(sql, params);
      // TypeORM's shape: UPDATE and DELETE answer [rows, count], everything else the rows.
      return result.command === 'UPDATE' || result.command === 'DELETE'
        ? [result.rows, result.rowCount]
        : result.rows;
    },
  } as unknown as EntityManager;
  const sessions = new SessionsRepository({} as DataSource);
  const outbox = new OutboxRepository({} as DataSource);
  await client.query('BEGIN');
  try {
    const table = await sessions.findTable(em, storeId, tableId);
    const session = table && (await sessions.lockActiveSession(em, storeId, tableId));
    if (!table || !session) throw new Error('raw complete: no table or no active session');
    const archived = await sessions.archiveSession(em, {
      id: session.id,
      storeId,
      tableId,
      tableNumber: Number(table.number),
      startedAt: session.startedAt,
    });
    await outbox.append(em, {
      storeId,
      type: 'table_reset',
      tableId,
      data: { sessionId: session.id, completedAt: archived.completedAt.toISOString() },
    });
    await client.query('COMMIT');
    return archived.orderCount;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function timeCompletes(app: Server, dbUrl: string, store: BenchStore): Promise<void> {
  const admin = await adminLogin(app, store);
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  const times = { app: [] as number[], raw: [] as number[] };
  resetPeak(app.pid);
  try {
    for (let run = 0; run < COMPLETE_RUNS * 2; run++) {
      const table = store.tables[run];
      const side = run % 2 === 0 ? 'app' : 'raw';
      const token = await tableLogin(app, store, table.number);
      let placed = 0;
      // 200 orders through the API, 10 at a time.
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (placed < ORDERS_PER_COMPLETE) {
            placed++;
            const res = await postJson(
              `${app.url}/api/v1/orders`,
              {
                items: [0, 1, 2].map((k) => ({
                  menuId: store.menus[(placed + k) % store.menus.length],
                  quantity: 1 + k,
                })),
              },
              { Authorization: `Bearer ${token}`, 'Idempotency-Key': randomUUID() },
            );
            if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
          }
        }),
      );
      const started = performance.now();
      let count: number | undefined;
      if (side === 'app') {
        const res = await fetch(`${app.url}/api/v1/admin/tables/${table.id}/complete`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${admin}` },
        });
        const body = (await res.json()) as { orderCount?: number };
        if (res.status !== 200) throw new Error(`complete: ${res.status} ${JSON.stringify(body)}`);
        count = body.orderCount;
      } else {
        count = await rawComplete(client, store.id, table.id);
      }
      times[side].push(performance.now() - started);
      if (count !== ORDERS_PER_COMPLETE) throw new Error(`complete (${side}): ${count} orders archived`);
    }
  } finally {
    await client.end();
  }
  const peak = memoryOf(app.pid).peak;
  for (const side of ['app', 'raw'] as const) {
    const sorted = [...times[side]].sort((a, b) => a - b);
    console.log(
      `complete a table with ${ORDERS_PER_COMPLETE} orders (${side === 'app' ? 'HTTP' : 'raw: same SQL over pg'}, ` +
        `${COMPLETE_RUNS} runs): p50 ${fmt(percentile(sorted, 50))} ms, max ${fmt(sorted[sorted.length - 1])} ms ` +
        `[${times[side].map((t) => fmt(t)).join(', ')}]`,
    );
  }
  rows.push({
    case: `complete a table of ${ORDERS_PER_COMPLETE} orders (${COMPLETE_RUNS} runs)`,
    app: latencySide(
      [...times.app].sort((a, b) => a - b),
      mib(peak),
    ),
    raw: latencySide([...times.raw].sort((a, b) => a - b)),
    memoryUnit: 'MiB peak RSS',
  });
}

/** One year of archive for every table of the store, written by the database itself. */
async function generateHistory(dbUrl: string, store: BenchStore): Promise<void> {
  const started = performance.now();
  const today = businessDate();
  await query(
    dbUrl,
    `INSERT INTO session_history (id, store_id, table_id, table_number, started_at, completed_at, order_count, total_amount)
     SELECT gen_random_uuid(), t.store_id, t.id, t.number, c - interval '75 minutes', c, 0, 0
       FROM tables t
       CROSS JOIN generate_series(0, $3::int - 1) AS d
       CROSS JOIN unnest(ARRAY[12, 18, 21]) AS h
       CROSS JOIN LATERAL (
         SELECT (($2::date - d)::timestamp + make_interval(hours => h, mins => (random() * 50)::int))
                AT TIME ZONE 'Asia/Seoul' AS c) x
      WHERE t.store_id = $1`,
    [store.id, today, DAYS],
  );
  await query(
    dbUrl,
    `WITH m AS (
       SELECT id, name, price, (row_number() OVER (ORDER BY display_order) - 1)::int AS k,
              count(*) OVER ()::int AS total
         FROM menus WHERE store_id = $1)
     INSERT INTO order_history (id, store_id, session_id, table_id, table_number, order_number, business_date,
                                status, total_amount, items, created_at, updated_at, completed_at)
     SELECT gen_random_uuid(), s.store_id, s.id, s.table_id, s.table_number, n,
            ((s.started_at + n * interval '5 minutes') AT TIME ZONE 'Asia/Seoul')::date,
            'COMPLETED', lines.total, lines.items,
            s.started_at + n * interval '5 minutes', s.started_at + n * interval '6 minutes', s.completed_at
       FROM session_history s
       CROSS JOIN LATERAL generate_series(1, 2 + (abs(hashtext(s.id::text)) % 4)) AS n
       CROSS JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_object('menuId', m.id, 'menuName', m.name, 'menuPrice', m.price,
                                             'options', '[]'::jsonb, 'note', null, 'unitPrice', m.price,
                                             'quantity', 1 + (l % 2)) ORDER BY l) AS items,
                sum(m.price * (1 + (l % 2)))::int AS total
           FROM generate_series(0, n % 3) AS l
           JOIN m ON m.k = (n + l) % m.total) lines
      WHERE s.store_id = $1`,
    [store.id],
  );
  await query(
    dbUrl,
    `UPDATE session_history s SET order_count = x.c, total_amount = x.t
       FROM (SELECT session_id, count(*)::int AS c, sum(total_amount)::int AS t
               FROM order_history WHERE store_id = $1 GROUP BY session_id) x
      WHERE x.session_id = s.id`,
    [store.id],
  );
  await query(dbUrl, `VACUUM ANALYZE session_history`);
  await query(dbUrl, `VACUUM ANALYZE order_history`);
  const [counts] = await query<{ sessions: number; orders: number; size: string }>(
    dbUrl,
    `SELECT (SELECT count(*) FROM session_history)::int AS sessions, (SELECT count(*) FROM order_history)::int AS orders,
            pg_size_pretty(pg_total_relation_size('order_history') + pg_total_relation_size('session_history')) AS size`,
  );
  const generated =
    `generated ${counts.sessions} sessions and ${counts.orders} orders (${counts.size}) for ${TABLES} tables × ` +
    `${DAYS} days in ${fmt((performance.now() - started) / 1000)} s`;
  console.log(generated);
  notes.push(generated);
}

async function sample(
  server: Server,
  token: string,
  tables: BenchStore['tables'],
  params: string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const table = tables[i % tables.length];
    const started = performance.now();
    const res = await fetch(`${server.url}/api/v1/admin/tables/${table.id}/history${params}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { items?: unknown[] };
    times.push(performance.now() - started);
    if (res.status !== 200 || !body.items?.length)
      throw new Error(`history: ${res.status} ${JSON.stringify(body)}`);
  }
  return times.sort((a, b) => a - b);
}

interface Captured {
  sql: string;
  params: unknown[];
}

/** The repository's own SQL and parameters for a full-range page of 100 of the first table, captured instead of run. */
async function capture(dbUrl: string, store: BenchStore, from: string, to: string): Promise<Captured[]> {
  const captured: Captured[] = [];
  const fake = {
    manager: {
      query: (sql: string, params: unknown[]) => {
        captured.push({ sql, params });
        return Promise.resolve(sql.includes('count(*)') ? [{ total: 1000 }] : []);
      },
    },
  } as unknown as DataSource;
  const repo = new HistoryRepository(fake);
  const { instants } = resolveRange({ from, to });
  const tableId = store.tables[0].id;
  await repo.countSessions(store.id, tableId, instants);
  await repo.findSessions(store.id, tableId, instants, 100, 0);
  const page = await query<{ id: string }>(
    dbUrl,
    captured[1].sql.replace(/SELECT id,[\s\S]*?FROM session_history/, 'SELECT id FROM session_history'),
    captured[1].params,
  );
  await repo.findOrders(
    store.id,
    page.map((p) => p.id),
  );
  return captured;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the three captured statements. */
async function explain(dbUrl: string, captured: Captured[]): Promise<void> {
  for (const [label, { sql, params }] of [
    ['count (and table check)', captured[0]],
    ['page of 100 sessions', captured[1]],
    ['orders of those sessions', captured[2]],
  ] as const) {
    const plan = await query<{ 'QUERY PLAN': string }>(dbUrl, `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    console.log(`\nEXPLAIN ANALYZE, ${DAYS} days, pageSize 100, ${label}:`);
    // The uuid list of the third query is long: keep each plan line readable.
    console.log(
      plan.map((r) => `  ${r['QUERY PLAN'].replace(/\{([0-9a-f-]{36}),[^}]*\}/, '{$1,…}')}`).join('\n'),
    );
  }
}

/** Ten connections on one history window for DURATION seconds, tables round-robin. */
async function loadHistory(server: Server, token: string, tables: BenchStore['tables'], params: string) {
  let i = 0;
  resetPeak(server.pid);
  const figures = await cannon({
    url: server.url,
    connections: 10,
    duration: DURATION,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/api/v1/admin/tables/${tables[i++ % tables.length].id}/history${params}`,
          headers: { authorization: `Bearer ${token}` },
        }),
      },
    ],
  });
  return { ...figures, peak: memoryOf(server.pid).peak };
}

const loadSide = (f: Figures & { peak: number }): Side => ({
  rps: f.rps,
  p50: f.p50,
  p99: f.p99,
  errors: f.errors + f.non2xx,
  memory: mib(f.peak),
});

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const servers: Server[] = [];
  try {
    const app = await spawnApp(db);
    servers.push(app);
    const [archiveStore, liveStore] = [
      ...(await seedStores(db, 1, TABLES, 6)),
      ...(await seedStores(db, 1, Math.max(COMPLETE_RUNS * 2, 1), 6)),
    ];
    await timeCompletes(app, db.url, liveStore);
    await generateHistory(db.url, archiveStore);

    const admin = await adminLogin(app, archiveStore);
    const today = businessDate();
    const yearAgo = addDays(today, -(DAYS - 1));
    const captured = await capture(db.url, archiveStore, yearAgo, today);
    const raw = await spawnServer('bench/raw/history-raw-server.ts', [], {
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: '10',
      PORT: '0',
      HISTORY_SQL: JSON.stringify({
        count: captured[0].sql,
        sessions: captured[1].sql,
        orders: captured[2].sql,
      }),
    });
    servers.push(raw);
    for (const server of [app, raw]) await sample(server, admin, archiveStore.tables, ''); // warm-up
    const deep = Math.max(1, Math.min(10, Math.floor((DAYS * 3) / 100)));
    const windows: Array<[string, string]> = [
      ['7 days (default window, pageSize 20)', ''],
      [`${DAYS} days, pageSize 100`, `?from=${yearAgo}&to=${today}&pageSize=100`],
      [`${DAYS} days, pageSize 100, page ${deep}`, `?from=${yearAgo}&to=${today}&pageSize=100&page=${deep}`],
    ];
    console.log(
      `\nGET /admin/tables/:id/history (${yearAgo}..${today}), ${SAMPLES} sequential requests over ${TABLES} tables:`,
    );
    for (const [label, params] of windows) {
      const sides: Record<'app' | 'raw', Side> = { app: {}, raw: {} };
      for (const [side, server] of [
        ['raw', raw],
        ['app', app],
      ] as const) {
        resetPeak(server.pid);
        const times = await sample(server, admin, archiveStore.tables, params);
        sides[side] = latencySide(times, mib(memoryOf(server.pid).peak));
        console.log(
          `  ${`${side} ${label}`.padEnd(52)} p50 ${fmt(percentile(times, 50))} ms  p99 ${fmt(percentile(times, 99))} ms`,
        );
      }
      rows.push({ case: `history ${label}, sequential`, ...sides, memoryUnit: 'MiB peak RSS' });
    }
    for (const [label, params] of [windows[0], windows[1]]) {
      const rawFigures = await loadHistory(raw, admin, archiveStore.tables, params);
      const appFigures = await loadHistory(app, admin, archiveStore.tables, params);
      for (const [side, f] of [
        ['raw', rawFigures],
        ['app', appFigures],
      ] as const) {
        console.log(
          `  ${side} ${label} at 10 connections: ${fmt(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ` +
            `errors ${f.errors + f.non2xx}, peak RSS ${fmt(mib(f.peak), 0)} MiB`,
        );
      }
      rows.push({
        case: `history ${label}, 10 connections`,
        app: loadSide(appFigures),
        raw: loadSide(rawFigures),
        memoryUnit: 'MiB peak RSS',
      });
    }
    await explain(db.url, captured);
    emitResult({
      bench: 'history',
      title:
        `completing a table of ${ORDERS_PER_COMPLETE} orders; GET /admin/tables/:id/history over ${DAYS} days × ` +
        `${TABLES} tables of archive (${SAMPLES} sequential requests, ${DURATION} s at 10 connections)`,
      baseline:
        "complete: the same transaction with the repositories' own SQL over one pg connection, no HTTP (req/s = " +
        "1 / mean time); history: bare node:http + pg running the repository's three captured statements " +
        '(bench/raw/history-raw-server.ts)',
      rows,
      notes,
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
