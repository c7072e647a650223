/**
 * The raw baseline for bench/orders.bench.ts: POST /api/v1/orders on bare `node:http` + `pg`, doing the same
 * database work as the application in one transaction, and nothing else (no framework, no validation
 * library). The bearer token is checked as the application must check it (bench/raw/raw-token.ts: RS256
 * signature, exp, iss, aud), with the app's key (`JWT_KEY_FILE`).
 *
 *   claim the Idempotency-Key (primary key insert) → menus of the store with their option groups and options
 *   in one query (options checked against each group's min/max, priced and snapshotted) → the table's active
 *   session (found FOR SHARE, or created) → one last statement holding both per-store locks: counter row,
 *   order, items, response stored on the key, outbox event with the per-store event sequence → COMMIT.
 *
 * The two per-store counter rows (order_number_counters, event_sequences) serialise a store's orders, so they
 * are taken in the last statement, to hold their locks only for that statement and the COMMIT.
 *
 * Standalone: DATABASE_URL=postgres://… PORT=0 DATABASE_POOL_MAX=10 node -r ts-node/register/transpile-only
 * bench/raw/orders-raw-server.ts   (prints `listening <port>`)
 */
import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { type RawClaims, rawTokenVerifier } from './raw-token';

interface Line {
  menuId: string;
  quantity: number;
  optionIds: string[];
  note: string | null;
}

// oxlint-disable-next-line no-control-regex -- the same note rule as the application
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

function parseNote(value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || CONTROL.test(value)) throw new HttpError(400, 'VALIDATION_ERROR');
  const note = value.trim();
  if (note.length > max) throw new HttpError(400, 'VALIDATION_ERROR');
  return note || null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function principal(
  check: (authorization: string | undefined) => RawClaims | null,
  req: http.IncomingMessage,
): { storeId: string; tableId: string } {
  const claims = check(req.headers.authorization);
  if (!claims) throw new HttpError(401, 'INVALID_TOKEN');
  if (claims.role !== 'table' || !claims.storeId || !claims.tableId) {
    throw new HttpError(403, 'INSUFFICIENT_PERMISSIONS');
  }
  return { storeId: claims.storeId, tableId: claims.tableId };
}

function parseLines(body: unknown): { lines: Line[]; note: string | null } {
  const items = (body as { items?: unknown })?.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > 50)
    throw new HttpError(400, 'VALIDATION_ERROR');
  const seen = new Set<string>();
  const lines = items.map(
    (raw: { menuId?: unknown; quantity?: unknown; optionIds?: unknown; note?: unknown }) => {
      const { menuId, quantity, optionIds = [] } = raw ?? {};
      if (typeof menuId !== 'string' || !UUID.test(menuId)) throw new HttpError(400, 'VALIDATION_ERROR');
      if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100) {
        throw new HttpError(400, 'VALIDATION_ERROR');
      }
      if (!Array.isArray(optionIds) || optionIds.some((id) => typeof id !== 'string' || !UUID.test(id))) {
        throw new HttpError(400, 'VALIDATION_ERROR');
      }
      const note = parseNote(raw.note, 100);
      const identity = `${menuId}|${[...(optionIds as string[])].sort().join(',')}|${note ?? ''}`;
      if (seen.has(identity)) throw new HttpError(400, 'VALIDATION_ERROR');
      seen.add(identity);
      return { menuId, quantity: quantity as number, optionIds: optionIds as string[], note };
    },
  );
  return { lines, note: parseNote((body as { note?: unknown }).note, 200) };
}

interface MenuRow {
  id: string;
  name: string;
  price: number;
  is_available: boolean;
  group_id: string | null;
  group_name: string | null;
  min_select: number | null;
  max_select: number | null;
  option_id: string | null;
  option_name: string | null;
  option_price: number | null;
  option_available: boolean | null;
}

interface RawGroup {
  id: string;
  name: string;
  min: number;
  max: number;
  options: Array<{ id: string; name: string; price: number; available: boolean }>;
}

/** Checks a line's options against its menu's groups and snapshots them in group, then option, order. */
function chooseOptions(groups: RawGroup[], optionIds: string[]) {
  const chosen = new Set(optionIds);
  if (chosen.size !== optionIds.length) throw new HttpError(400, 'OPTION_SELECTION_INVALID');
  const out: Array<{ optionId: string; groupName: string; name: string; price: number }> = [];
  for (const group of groups) {
    const picked = group.options.filter((o) => chosen.has(o.id));
    if (picked.length < group.min || picked.length > group.max)
      throw new HttpError(400, 'OPTION_SELECTION_INVALID');
    for (const o of picked) {
      if (!o.available) throw new HttpError(409, 'OPTION_UNAVAILABLE');
      out.push({ optionId: o.id, groupName: group.name, name: o.name, price: o.price });
    }
  }
  if (out.length !== chosen.size) throw new HttpError(404, 'OPTION_NOT_FOUND');
  return out;
}

const ISO = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// The outbox row in the same statement: the store's event sequence row is locked for this statement and COMMIT only.
const EVENT_CTES = `, seq AS (
    INSERT INTO event_sequences AS s (store_id, last_seq) VALUES ($1, 1)
    ON CONFLICT (store_id) DO UPDATE SET last_seq = s.last_seq + 1
    RETURNING last_seq
  ), event AS (
    INSERT INTO events (store_id, store_seq, type, table_id, payload)
    SELECT $1, seq.last_seq, 'new_order', $2,
           jsonb_build_object('eventId', seq.last_seq, 'storeId', $1::text, 'tableId', $2::text,
                              'occurredAt', ${ISO}, 'order', body.order)
      FROM seq, body
    RETURNING 1
  )`;

// $1 store, $2 table, $3 session, $4 order id, $5 total, $6 lines json, $7 order json (all but its number,
// table number and times), $8 idempotency key (null when none), $9 order note.
const placeOrderSql = (withEvent: boolean) => `
  WITH counter AS (
    INSERT INTO order_number_counters AS c (store_id, business_date, last_number)
    VALUES ($1, (now() AT TIME ZONE 'Asia/Seoul')::date, 1)
    ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = c.last_number + 1
    RETURNING last_number, business_date
  ), ord AS (
    INSERT INTO orders (id, store_id, table_id, session_id, order_number, business_date, total_amount, note)
    SELECT $4::uuid, $1::uuid, $2::uuid, $3::uuid, last_number, business_date, $5::int, $9::varchar FROM counter
    RETURNING order_number
  ), lines AS (
    INSERT INTO order_items (order_id, line_no, menu_id, menu_name, menu_price, options, note, unit_price, quantity)
    SELECT $4::uuid, l.ord::int, (l.v->>'menuId')::uuid, l.v->>'menuName', (l.v->>'menuPrice')::int, l.v->'options',
           l.v->>'note', (l.v->>'unitPrice')::int, (l.v->>'quantity')::int
      FROM jsonb_array_elements($6::jsonb) WITH ORDINALITY AS l(v, ord)
    RETURNING 1
  ), body AS (
    SELECT $7::jsonb || jsonb_build_object('orderNumber', order_number, 'createdAt', ${ISO}, 'updatedAt', ${ISO},
                                           'tableNumber', (SELECT number FROM tables WHERE id = $2::uuid)) AS order
      FROM ord
  ), key AS (
    UPDATE idempotency_keys SET response_status = 201, response_body = (SELECT "order" FROM body)
     WHERE $8::text IS NOT NULL AND table_id = $2::uuid AND key = $8::text
    RETURNING 1
  )${withEvent ? EVENT_CTES : ''}
  SELECT body.order, (SELECT count(*) FROM lines) AS lines, (SELECT count(*) FROM key) AS keys
    FROM body`;

const PLACE_ORDER = placeOrderSql(true);
const PLACE_ORDER_ONLY = placeOrderSql(false);

/**
 * RAW_SPLIT_OUTBOX=1 writes the outbox row in a statement of its own after the order (the application's former
 * shape, before it merged the append into its order statement), to measure what holding the order counter's lock
 * across one more round trip costs.
 */
const SPLIT = process.env.RAW_SPLIT_OUTBOX === '1';
const OUTBOX_APPEND = `
  WITH seq AS (
    INSERT INTO event_sequences AS s (store_id, last_seq) VALUES ($1, 1)
    ON CONFLICT (store_id) DO UPDATE SET last_seq = s.last_seq + 1
    RETURNING last_seq
  )
  INSERT INTO events (store_id, store_seq, type, table_id, payload)
  SELECT $1::uuid, seq.last_seq, $2, $3::uuid,
         jsonb_build_object('eventId', seq.last_seq, 'storeId', $1::uuid, 'tableId', $3::uuid,
                            'occurredAt', ${ISO}) || $4::jsonb
    FROM seq`;

/**
 * The statements below go as named prepared statements (each connection parses and plans them once), as the
 * application sends its two order statements (src/database/prepared-statements.ts): the fastest honest raw path.
 * RAW_PREPARED=0 sends them unprepared, to show what preparing is worth.
 */
const PREPARED = process.env.RAW_PREPARED !== '0';
const names = new Map<string, string>();
function exec<R extends QueryResultRow = QueryResultRow>(
  client: PoolClient,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  if (!PREPARED) return client.query<R>(text, values);
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `raw_${names.size}`));
  return client.query<R>({ name, text, values });
}

async function placeOrder(
  pool: Pool,
  who: { storeId: string; tableId: string },
  idempotencyKey: string | undefined,
  rawBody: string,
): Promise<{ status: number; body: unknown; replayed?: boolean }> {
  const { lines, note } = parseLines(JSON.parse(rawBody));
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    if (idempotencyKey !== undefined) {
      const hash = createHash('sha256').update(rawBody).digest('hex');
      const claimed = await exec(
        client,
        `INSERT INTO idempotency_keys (table_id, key, store_id, request_hash, expires_at)
         VALUES ($1, $2, $3, $4, now() + interval '24 hours')
         ON CONFLICT (table_id, key) DO NOTHING`,
        [who.tableId, idempotencyKey, who.storeId, hash],
      );
      if (claimed.rowCount === 0) {
        await client.query('ROLLBACK');
        const { rows } = await pool.query(
          `SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE table_id = $1 AND key = $2`,
          [who.tableId, idempotencyKey],
        );
        if (rows[0]?.request_hash !== hash) throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED');
        if (rows[0].response_status === null) throw new HttpError(409, 'IDEMPOTENCY_KEY_IN_USE');
        return { status: rows[0].response_status, body: rows[0].response_body, replayed: true };
      }
    }
    // One query: each menu with its groups (in the menu's order) and their options (in display order), flat.
    const menus = await exec<MenuRow>(
      client,
      `SELECT m.id, m.name, m.price, m.is_available, g.id AS group_id, g.name AS group_name,
              g.min_select, g.max_select, o.id AS option_id, o.name AS option_name, o.price AS option_price,
              o.is_available AS option_available
         FROM menus m
         LEFT JOIN menu_option_groups mg ON mg.menu_id = m.id
         LEFT JOIN option_groups g ON g.id = mg.group_id
         LEFT JOIN options o ON o.group_id = g.id
        WHERE m.store_id = $1 AND m.id = ANY($2::uuid[]) AND m.deleted_at IS NULL
        ORDER BY m.id, mg.position, o.display_order, o.created_at, o.id`,
      [who.storeId, lines.map((l) => l.menuId)],
    );
    const byId = new Map<string, { name: string; price: number; available: boolean; groups: RawGroup[] }>();
    for (const row of menus.rows) {
      let menu = byId.get(row.id);
      if (!menu)
        byId.set(
          row.id,
          (menu = { name: row.name, price: row.price, available: row.is_available, groups: [] }),
        );
      if (row.group_id === null || row.option_id === null) continue;
      let group = menu.groups[menu.groups.length - 1];
      if (group?.id !== row.group_id) {
        group = {
          id: row.group_id,
          name: row.group_name as string,
          min: row.min_select ?? 0,
          max: row.max_select ?? 0,
          options: [],
        };
        menu.groups.push(group);
      }
      group.options.push({
        id: row.option_id,
        name: row.option_name as string,
        price: row.option_price as number,
        available: row.option_available as boolean,
      });
    }
    const snapshot = lines.map((l) => {
      const menu = byId.get(l.menuId);
      if (!menu) throw new HttpError(404, 'MENU_NOT_FOUND');
      if (!menu.available) throw new HttpError(409, 'MENU_UNAVAILABLE');
      const options = chooseOptions(menu.groups, l.optionIds);
      const unitPrice = options.reduce((sum, o) => sum + o.price, menu.price);
      return {
        menuId: l.menuId,
        menuName: menu.name,
        menuPrice: menu.price,
        options,
        note: l.note,
        unitPrice,
        quantity: l.quantity,
      };
    });

    // Found and share-locked (a concurrent completion waits for this order), or started; a lost race for the
    // first session leaves the winner's row committed, so the next look finds it.
    let sessionId: string | undefined;
    for (let attempt = 0; !sessionId && attempt < 3; attempt++) {
      const found = await exec<{ id: string }>(
        client,
        `SELECT id FROM table_sessions WHERE table_id = $1 AND ended_at IS NULL FOR SHARE`,
        [who.tableId],
      );
      sessionId = found.rows[0]?.id;
      if (sessionId) break;
      const started = await exec<{ id: string }>(
        client,
        `INSERT INTO table_sessions (store_id, table_id) VALUES ($1, $2)
         ON CONFLICT (table_id) WHERE ended_at IS NULL DO NOTHING RETURNING id`,
        [who.storeId, who.tableId],
      );
      sessionId = started.rows[0]?.id;
    }
    if (!sessionId) throw new HttpError(409, 'CONFLICT');

    const orderId = randomUUID();
    const items = snapshot.map((l) => ({ ...l, subtotal: l.unitPrice * l.quantity }));
    const total = items.reduce((sum, l) => sum + l.subtotal, 0);
    const order = {
      id: orderId,
      tableId: who.tableId,
      sessionId,
      status: 'PENDING',
      note,
      items,
      totalAmount: total,
    };
    const placed = await exec<{ order: Record<string, unknown> }>(
      client,
      SPLIT ? PLACE_ORDER_ONLY : PLACE_ORDER,
      [
        who.storeId,
        who.tableId,
        sessionId,
        orderId,
        total,
        JSON.stringify(snapshot),
        JSON.stringify(order),
        idempotencyKey ?? null,
        note,
      ],
    );
    if (SPLIT) {
      // The outbox row as a statement of its own (OutboxRepository.append's SQL, as other writers use it).
      await exec(client, OUTBOX_APPEND, [
        who.storeId,
        'new_order',
        who.tableId,
        JSON.stringify({ order: placed.rows[0].order }),
      ]);
    }
    await client.query('COMMIT');
    return { status: 201, body: placed.rows[0].order };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface RawServer {
  url: string;
  close(): Promise<void>;
}

export async function startRawServer(options: {
  databaseUrl: string;
  poolMax: number;
  port?: number;
}): Promise<RawServer> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolMax });
  const check = rawTokenVerifier();
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
    };
    if (req.method !== 'POST' || req.url !== '/api/v1/orders') {
      send(404, { status: 404, error_code: 'NOT_FOUND' });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const run = async () => {
        try {
          const who = principal(check, req);
          const key = req.headers['idempotency-key'];
          const result = await placeOrder(
            pool,
            who,
            typeof key === 'string' ? key : undefined,
            Buffer.concat(chunks).toString(),
          );
          send(result.status, result.body, result.replayed ? { 'Idempotent-Replayed': 'true' } : {});
        } catch (error) {
          if (error instanceof HttpError)
            send(error.status, { status: error.status, error_code: error.code });
          else if (error instanceof SyntaxError) send(400, { status: 400, error_code: 'VALIDATION_ERROR' });
          else {
            console.error(error);
            send(500, { status: 500, error_code: 'INTERNAL_ERROR' });
          }
        }
      };
      void run();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  void startRawServer({
    databaseUrl,
    poolMax: Number(process.env.DATABASE_POOL_MAX ?? 10),
    port: Number(process.env.PORT ?? 0),
  }).then((s) => {
    console.log(`listening ${new URL(s.url).port}`);
    const stop = () => void s.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
