/**
 * The raw baseline for the history part of bench/complete-and-history.bench.ts: GET
 * /api/v1/admin/tables/:id/history on bare `node:http` + `pg`, running the repository's own three statements
 * (captured by the benchmark from HistoryRepository and passed in HISTORY_SQL, never copied) and shaping the
 * same page, and nothing else: no framework, no validation library, no JWT signature check (the token's payload
 * is only decoded for storeId), the store's zone taken as the fixed +09:00 Seoul has kept since 1988.
 *
 * Standalone: DATABASE_URL=postgres://… HISTORY_SQL='{"count":…,"sessions":…,"orders":…}' PORT=0
 * DATABASE_POOL_MAX=10 node -r ts-node/register/transpile-only bench/raw/history-raw-server.ts
 * (prints `listening <port>`)
 */
import * as http from 'node:http';
import { Pool } from 'pg';

interface Sql {
  count: string;
  sessions: string;
  orders: string;
}

interface Line {
  menuId: string;
  menuName: string;
  menuPrice: number;
  options: Array<{ optionId: string; groupName: string; name: string; price: number }>;
  note: string | null;
  unitPrice: number;
  quantity: number;
}

const DAY = 86_400_000;
const SEOUL = 9 * 3_600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const today = (): string => new Date(Date.now() + SEOUL).toISOString().slice(0, 10);
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const startOfDay = (date: string): Date => new Date(Date.parse(`${date}T00:00:00Z`) - SEOUL);
const iso = (value: Date | string): string => new Date(value).toISOString();

function storeOf(req: http.IncomingMessage): string | undefined {
  const payload = /^Bearer [^.]+\.([^.]+)\./.exec(req.headers.authorization ?? '')?.[1];
  if (!payload) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, string>;
  return claims.role === 'admin' ? claims.storeId : undefined;
}

async function page(pool: Pool, sql: Sql, storeId: string, tableId: string, query: URLSearchParams) {
  const to = query.get('to') ?? today();
  const from = query.get('from') ?? addDays(to, -6);
  const pageNo = Number(query.get('page') ?? 1);
  const pageSize = Number(query.get('pageSize') ?? 20);
  if (
    !DATE.test(from) ||
    !DATE.test(to) ||
    from > to ||
    !(pageNo >= 1) ||
    !(pageSize >= 1 && pageSize <= 100)
  ) {
    return { status: 400, body: { status: 400, error_code: 'VALIDATION_ERROR' } };
  }
  const range = [startOfDay(from), startOfDay(addDays(to, 1))];
  const counted = await pool.query<{ total: number }>(sql.count, [storeId, tableId, ...range]);
  if (counted.rows.length === 0) return { status: 404, body: { status: 404, error_code: 'TABLE_NOT_FOUND' } };
  const totalCount = Number(counted.rows[0].total);
  const pagination = { page: pageNo, pageSize, totalCount, totalPages: Math.ceil(totalCount / pageSize) };
  const offset = (pageNo - 1) * pageSize;
  if (offset >= totalCount) return { status: 200, body: { items: [], pagination } };

  const sessions = await pool.query<{ id: string; startedAt: Date; completedAt: Date; totalAmount: number }>(
    sql.sessions,
    [storeId, tableId, ...range, pageSize, offset],
  );
  const orders = await pool.query<{
    id: string;
    orderNumber: number;
    tableId: string;
    tableNumber: number;
    sessionId: string;
    status: string;
    note: string | null;
    items: Line[];
    createdAt: Date;
    updatedAt: Date;
  }>(sql.orders, [storeId, sessions.rows.map((s) => s.id)]);
  const bySession = new Map<string, unknown[]>();
  for (const o of orders.rows) {
    const items = o.items.map((l) => ({ ...l, subtotal: l.unitPrice * l.quantity }));
    const list = bySession.get(o.sessionId) ?? [];
    list.push({
      id: o.id,
      orderNumber: o.orderNumber,
      tableId: o.tableId,
      tableNumber: o.tableNumber,
      sessionId: o.sessionId,
      status: o.status,
      note: o.note,
      items,
      totalAmount: items.reduce((sum, l) => sum + l.subtotal, 0),
      createdAt: iso(o.createdAt),
      updatedAt: iso(o.updatedAt),
    });
    bySession.set(o.sessionId, list);
  }
  return {
    status: 200,
    body: {
      items: sessions.rows.map((s) => ({
        sessionId: s.id,
        startedAt: iso(s.startedAt),
        completedAt: iso(s.completedAt),
        totalAmount: Number(s.totalAmount),
        orders: bySession.get(s.id) ?? [],
      })),
      pagination,
    },
  };
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !process.env.HISTORY_SQL) throw new Error('DATABASE_URL and HISTORY_SQL are required');
const sql = JSON.parse(process.env.HISTORY_SQL) as Sql;
const pool = new Pool({ connectionString: databaseUrl, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });

const server = http.createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const url = new URL(req.url ?? '/', 'http://raw');
  const tableId = /^\/api\/v1\/admin\/tables\/([^/]+)\/history$/.exec(url.pathname)?.[1];
  if (req.method !== 'GET' || !tableId || !UUID.test(tableId)) {
    send(404, { status: 404, error_code: 'NOT_FOUND' });
    return;
  }
  const storeId = storeOf(req);
  if (!storeId) {
    send(401, { status: 401, error_code: 'TOKEN_MISSING' });
    return;
  }
  page(pool, sql, storeId, tableId, url.searchParams).then(
    (result) => send(result.status, result.body),
    (error: unknown) => {
      console.error(error);
      send(500, { status: 500, error_code: 'INTERNAL_ERROR' });
    },
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`);
});
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
