import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { createAdmin, createCategory, createMenu, createStore, createTable, StoreRow } from '../factories';
import type { TestApp } from '../utils/app';
import { bearer, loginAdmin, loginSuperadmin, loginTable } from '../utils/auth';

/**
 * The data the security suites attack: stores seeded through the real endpoints (images, orders, a completed
 * session in history, an order in PREPARING), every row named distinctively so a response that carries one of
 * them is recognised, and principals logged in for each role.
 */
export const IMAGE = path.join(__dirname, '..', 'fixtures', 'images', 'sample.png');

const uniq = (): string => randomBytes(4).toString('hex');

export interface TableLogin {
  id: string;
  number: number;
  password: string;
  token: string;
}

export interface SeededStore {
  label: string;
  store: StoreRow;
  admin: { id: string; username: string; password: string; token: string };
  tables: TableLogin[];
  category: { id: string; name: string };
  /** A category without menus (deletable). */
  emptyCategory: { id: string; name: string };
  /** A table without a session and without a login (deletable). */
  spareTable: { id: string; number: number };
  menus: Array<{ id: string; name: string }>;
  /** An option group with two options, listed on menus[0]. */
  optionGroup: { id: string; name: string; options: Array<{ id: string; name: string }> };
  /** The stored name of menus[0]'s image (`GET /uploads/<file>`). */
  imageFile: string;
  /** Order ids placed by each table (active session and history). */
  ordersByTable: Map<string, string[]>;
  /** The active and archived session ids of each table. */
  sessionsByTable: Map<string, string[]>;
  /** An open staff call of tables[1]. */
  staffCallId: string;
  /** Every string that identifies this store's data: ids, codes, names. */
  markers: string[];
}

export interface Http {
  http: TestApp['http'];
}

async function ok<T>(what: string, res: Promise<{ status: number; body: T }>, status: number): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function placeOrder(
  t: TestApp,
  tableToken: string,
  items: Array<{ menuId: string; quantity: number; optionIds?: string[]; note?: string }>,
): Promise<{ id: string; sessionId: string }> {
  return ok(
    'place an order',
    t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(tableToken))
      .send({ items }),
    201,
  ) as Promise<{ id: string; sessionId: string }>;
}

export async function pressStaffCall(
  t: TestApp,
  tableToken: string,
  reason = 'CALL',
): Promise<{ id: string; tableId: string }> {
  const res = await t
    .http()
    .post('/api/v1/staff-calls')
    .set(...bearer(tableToken))
    .send({ reason });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`press a staff call: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as { id: string; tableId: string };
}

export async function uploadImage(t: TestApp, adminToken: string, menuId: string): Promise<string> {
  const body = await ok<{ imageUrl: string }>(
    'upload an image',
    t
      .http()
      .put(`/api/v1/admin/menus/${menuId}/image`)
      .set(...bearer(adminToken))
      .attach('image', IMAGE),
    200,
  );
  return body.imageUrl.split('/').pop() as string;
}

/** An option group (up to 2 of 2 options), named after `tag`, created through the admin endpoint. */
export async function createOptionGroup(
  t: TestApp,
  adminToken: string,
  tag: string,
): Promise<SeededStore['optionGroup']> {
  return ok(
    'create an option group',
    t
      .http()
      .post('/api/v1/admin/option-groups')
      .set(...bearer(adminToken))
      .send({
        name: `${tag} options`,
        minSelect: 0,
        maxSelect: 2,
        options: [
          { name: `${tag} option one`, price: 500 },
          { name: `${tag} option two`, price: 0 },
        ],
      }),
    201,
  );
}

/** A store with an admin, two tables, one category, two menus (one with an image) and orders in every state. */
export async function seedStore(t: TestApp, label: string): Promise<SeededStore> {
  const ds = t.dataSource;
  const tag = `${label}-${uniq()}`;
  const store = await createStore(ds, { code: `${tag}`, name: `${label.toUpperCase()} STORE ${tag}` });
  const admin = await createAdmin(ds, store.id, { username: `${tag}-admin`, password: `${tag}-password` });
  const adminToken = await loginAdmin(t, store.code, admin.username, admin.password);
  const tables: TableLogin[] = [];
  for (const number of [1, 2]) {
    const table = await createTable(ds, store.id, { number, password: `${tag}-t${number}` });
    tables.push({ ...table, token: await loginTable(t, store.code, number, table.password) });
  }
  const category = await createCategory(ds, store.id, { name: `${tag} category` });
  const emptyCategory = await createCategory(ds, store.id, { name: `${tag} empty category` });
  const spareTable = await createTable(ds, store.id, { number: 3, password: `${tag}-t3` });
  const menus = [
    await createMenu(ds, store.id, category.id, { name: `${tag} menu one`, description: `${tag} described` }),
    await createMenu(ds, store.id, category.id, { name: `${tag} menu two`, price: 4500 }),
  ];
  const imageFile = await uploadImage(t, adminToken, menus[0].id);
  const optionGroup = await createOptionGroup(t, adminToken, tag);
  await ok(
    'list the option group on a menu',
    t
      .http()
      .patch(`/api/v1/admin/menus/${menus[0].id}`)
      .set(...bearer(adminToken))
      .send({ optionGroupIds: [optionGroup.id] }),
    200,
  );

  const ordersByTable = new Map<string, string[]>(tables.map((x) => [x.id, []]));
  const sessionsByTable = new Map<string, string[]>(tables.map((x) => [x.id, []]));
  const record = (tableId: string, order: { id: string; sessionId: string }): void => {
    ordersByTable.get(tableId)!.push(order.id);
    const sessions = sessionsByTable.get(tableId)!;
    if (!sessions.includes(order.sessionId)) sessions.push(order.sessionId);
  };
  // Table 1: a completed session (history), then a new active one. Table 2: an order in PREPARING.
  record(
    tables[0].id,
    await placeOrder(t, tables[0].token, [
      { menuId: menus[0].id, quantity: 1, optionIds: [optionGroup.options[0].id], note: `${tag} line note` },
    ]),
  );
  await ok(
    'complete a table',
    t
      .http()
      .post(`/api/v1/admin/tables/${tables[0].id}/complete`)
      .set(...bearer(adminToken)),
    200,
  );
  record(tables[0].id, await placeOrder(t, tables[0].token, [{ menuId: menus[1].id, quantity: 2 }]));
  const preparing = await placeOrder(t, tables[1].token, [{ menuId: menus[0].id, quantity: 3 }]);
  record(tables[1].id, preparing);
  await ok(
    'move an order to PREPARING',
    t
      .http()
      .patch(`/api/v1/admin/orders/${preparing.id}`)
      .set(...bearer(adminToken))
      .send({ status: 'PREPARING' }),
    200,
  );

  const staffCall = await pressStaffCall(t, tables[1].token, 'WATER');

  const markers = [
    store.id,
    staffCall.id,
    store.code,
    store.name,
    admin.id,
    admin.username,
    category.id,
    category.name,
    emptyCategory.id,
    emptyCategory.name,
    spareTable.id,
    imageFile,
    ...menus.flatMap((m) => [m.id, m.name]),
    optionGroup.id,
    optionGroup.name,
    ...optionGroup.options.flatMap((o) => [o.id, o.name]),
    `${tag} line note`,
    `${tag} described`,
    ...tables.map((x) => x.id),
    ...[...ordersByTable.values()].flat(),
    ...[...sessionsByTable.values()].flat(),
  ];
  return {
    label,
    store,
    admin: { ...admin, token: adminToken },
    tables,
    category,
    emptyCategory,
    spareTable: { id: spareTable.id, number: spareTable.number },
    menus,
    optionGroup,
    imageFile,
    ordersByTable,
    sessionsByTable,
    staffCallId: staffCall.id,
    markers,
  };
}

/** The markers of one table's private data (its id, its orders and sessions), to search another table's answers. */
export function tableMarkers(s: SeededStore, tableIndex: number): string[] {
  const id = s.tables[tableIndex].id;
  const calls = tableIndex === 1 ? [s.staffCallId] : [];
  return [id, ...(s.ordersByTable.get(id) ?? []), ...(s.sessionsByTable.get(id) ?? []), ...calls];
}

/** The markers found in `payload` (serialized as the client received it). */
export function findMarkers(payload: unknown, markers: string[]): string[] {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload ?? null);
  return markers.filter((m) => text.includes(m));
}

/**
 * Every row that belongs to a store, serialized: the store itself, each table carrying `store_id`, and rows
 * reached through an order. Equal snapshots before and after a request mean the request changed nothing there.
 */
export async function snapshotStore(ds: DataSource, storeId: string): Promise<Record<string, string[]>> {
  const columns = (await ds.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name IN ('store_id', 'order_id')`,
  )) as Array<{ table_name: string; column_name: string }>;
  const withStore = new Set(columns.filter((c) => c.column_name === 'store_id').map((c) => c.table_name));
  const withOrder = columns
    .filter((c) => c.column_name === 'order_id' && !withStore.has(c.table_name))
    .map((c) => c.table_name);
  const out: Record<string, string[]> = {};
  const rows = async (name: string, sql: string): Promise<void> => {
    out[name] = ((await ds.query(sql, [storeId])) as Array<{ r: string }>).map((x) => x.r);
  };
  await rows('stores', `SELECT row_to_json(s)::text AS r FROM stores s WHERE id = $1`);
  for (const table of [...withStore].sort()) {
    await rows(table, `SELECT row_to_json(x)::text AS r FROM "${table}" x WHERE store_id = $1 ORDER BY 1`);
  }
  for (const table of withOrder.sort()) {
    await rows(
      table,
      `SELECT row_to_json(x)::text AS r FROM "${table}" x JOIN orders o ON o.id = x.order_id
        WHERE o.store_id = $1 ORDER BY 1`,
    );
  }
  return out;
}

/** Fresh rows for requests that may change or delete what they name (so no other cell loses its data). */
export class Fresh {
  constructor(
    private readonly t: TestApp,
    private readonly s: SeededStore,
  ) {}

  category(): Promise<{ id: string }> {
    return createCategory(this.t.dataSource, this.s.store.id);
  }

  async menu(): Promise<{ id: string }> {
    return createMenu(this.t.dataSource, this.s.store.id, this.s.category.id);
  }

  table(): Promise<{ id: string }> {
    return createTable(this.t.dataSource, this.s.store.id);
  }

  async order(): Promise<{ id: string }> {
    return placeOrder(this.t, this.s.tables[0].token, [{ menuId: this.s.menus[1].id, quantity: 1 }]);
  }

  admin(): Promise<{ id: string }> {
    return createAdmin(this.t.dataSource, this.s.store.id);
  }

  optionGroup(): Promise<SeededStore['optionGroup']> {
    return createOptionGroup(this.t, this.s.admin.token, `fresh-${uniq()}`);
  }

  /** An option of a fresh group of two, so deleting it is not refused as the last one. */
  async option(): Promise<{ id: string }> {
    return (await this.optionGroup()).options[0];
  }

  /** An open call of tables[0] (its open CALL call, or a new one once that was resolved). */
  staffCall(): Promise<{ id: string }> {
    return pressStaffCall(this.t, this.s.tables[0].token);
  }
}

export async function superadminToken(t: TestApp): Promise<string> {
  return loginSuperadmin(t);
}
