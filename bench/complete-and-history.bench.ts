/**
 * 1. Completing a table (POST /api/v1/admin/tables/:id/complete) that holds 200 orders placed through the API.
 * 2. GET /api/v1/admin/tables/:id/history over one year of archive for 100 tables, generated with set-based SQL
 *    (100 tables × 3 sessions a day × 365 days, 2-5 orders each of 1-3 lines): p50/p99 of a typical 7-day window
 *    (the default) and of a full-year window with pageSize 100, and EXPLAIN ANALYZE of the queries behind it.
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/complete-and-history.bench.ts
 *
 * BENCH_TABLES (100), BENCH_DAYS (365), BENCH_COMPLETE_RUNS (5), BENCH_SAMPLES (200 requests per window),
 * BENCH_DATABASE_URL (admin URL). Figures are printed, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { businessDate } from '../src/common/time';
import { HistoryRepository } from '../src/modules/history/history.repository';
import { addDays, resolveRange } from '../src/modules/history/history.service';
import {
  adminLogin,
  BenchStore,
  cannon,
  createBenchDatabase,
  fmt,
  percentile,
  postJson,
  query,
  Server,
  seedStores,
  spawnApp,
  tableLogin,
} from './orders-support';

const TABLES = Number(process.env.BENCH_TABLES ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const COMPLETE_RUNS = Number(process.env.BENCH_COMPLETE_RUNS ?? 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const ORDERS_PER_COMPLETE = 200;

async function timeCompletes(app: Server, store: BenchStore): Promise<void> {
  const admin = await adminLogin(app, store);
  const times: number[] = [];
  for (let run = 0; run < COMPLETE_RUNS; run++) {
    const table = store.tables[run];
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
    const res = await fetch(`${app.url}/api/v1/admin/tables/${table.id}/complete`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
    });
    const elapsed = performance.now() - started;
    const body = (await res.json()) as { orderCount?: number };
    if (res.status !== 200 || body.orderCount !== ORDERS_PER_COMPLETE) {
      throw new Error(`complete: ${res.status} ${JSON.stringify(body)}`);
    }
    times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  console.log(
    `complete a table with ${ORDERS_PER_COMPLETE} orders (HTTP, ${COMPLETE_RUNS} runs): ` +
      `p50 ${fmt(percentile(times, 50))} ms, max ${fmt(times[times.length - 1])} ms ` +
      `[${times.map((t) => fmt(t)).join(', ')}]`,
  );
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
         SELECT jsonb_agg(jsonb_build_object('menuId', m.id, 'menuName', m.name, 'unitPrice', m.price,
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
  console.log(
    `generated ${counts.sessions} sessions and ${counts.orders} orders (${counts.size}) for ${TABLES} tables × ` +
      `${DAYS} days in ${fmt((performance.now() - started) / 1000)} s`,
  );
}

async function sample(
  app: Server,
  token: string,
  tables: BenchStore['tables'],
  params: string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const table = tables[i % tables.length];
    const started = performance.now();
    const res = await fetch(`${app.url}/api/v1/admin/tables/${table.id}/history${params}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { items?: unknown[] };
    times.push(performance.now() - started);
    if (res.status !== 200 || !body.items?.length)
      throw new Error(`history: ${res.status} ${JSON.stringify(body)}`);
  }
  return times.sort((a, b) => a - b);
}

/** The repository's own SQL and parameters, captured instead of run, then run under EXPLAIN ANALYZE. */
async function explain(dbUrl: string, store: BenchStore, from: string, to: string): Promise<void> {
  const captured: Array<{ sql: string; params: unknown[] }> = [];
  const rows: Record<string, unknown[]> = {
    count: [{ total: 1000 }],
    sessions: [],
  };
  const fake = {
    manager: {
      query: (sql: string, params: unknown[]) => {
        captured.push({ sql, params });
        return Promise.resolve(sql.includes('count(*)') ? rows.count : []);
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

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  let app: Server | undefined;
  try {
    app = await spawnApp(db);
    const [archiveStore, liveStore] = [
      ...(await seedStores(db, 1, TABLES, 6)),
      ...(await seedStores(db, 1, Math.max(COMPLETE_RUNS, 1), 6)),
    ];
    await timeCompletes(app, liveStore);
    await generateHistory(db.url, archiveStore);

    const admin = await adminLogin(app, archiveStore);
    const today = businessDate();
    const yearAgo = addDays(today, -(DAYS - 1));
    await sample(app, admin, archiveStore.tables, ''); // warm-up
    const deep = Math.max(1, Math.min(10, Math.floor((DAYS * 3) / 100)));
    const windows: Array<[string, string]> = [
      ['7 days (default window, pageSize 20)', ''],
      [`${DAYS} days (${yearAgo}..${today}), pageSize 100`, `?from=${yearAgo}&to=${today}&pageSize=100`],
      [`${DAYS} days, pageSize 100, page ${deep}`, `?from=${yearAgo}&to=${today}&pageSize=100&page=${deep}`],
    ];
    console.log(`\nGET /admin/tables/:id/history, ${SAMPLES} sequential requests over ${TABLES} tables:`);
    for (const [label, params] of windows) {
      const times = await sample(app, admin, archiveStore.tables, params);
      console.log(
        `  ${label.padEnd(48)} p50 ${fmt(percentile(times, 50))} ms  p99 ${fmt(percentile(times, 99))} ms`,
      );
    }
    for (const [label, params] of [windows[0], windows[1]]) {
      let i = 0;
      const figures = await cannon({
        url: app.url,
        connections: 10,
        duration: 10,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({
              ...req,
              path: `/api/v1/admin/tables/${archiveStore.tables[i++ % TABLES].id}/history${params}`,
              headers: { authorization: `Bearer ${admin}` },
            }),
          },
        ],
      });
      console.log(
        `  ${label} at 10 connections: ${fmt(figures.rps)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, ` +
          `errors ${figures.errors + figures.non2xx}`,
      );
    }
    await explain(db.url, archiveStore, yearAgo, today);
  } finally {
    await app?.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
