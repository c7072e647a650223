import { randomBytes } from 'node:crypto';
import { SUPERADMIN } from '../utils/app';
import type { TestApp } from '../utils/app';
import type { Role } from '../../src/common/auth';
import { buildPath, Route } from '../utils/route-table';
import { openSse } from '../utils/sse';
import { Fresh, IMAGE, SeededStore } from './world';

/**
 * How to make a well-formed request to each route of the route table, for the store it should act on: path ids,
 * a valid body, a query. `own` requests name fresh rows of the caller's store (so a mutation costs no other test
 * its data); `foreign` ones name the rows of another store, chosen so that a request that slipped past the
 * store scoping would visibly succeed (an empty category to delete, a table with an active session to complete).
 *
 * A route this file cannot fill (a new resource in a path, a new body) throws naming the route and what to add:
 * that is how a new endpoint joins the isolation matrix and the fuzz.
 */
export type Kind = 'own' | 'foreign';

export interface PlanContext {
  t: TestApp;
  /** The store whose rows the request names. */
  store: SeededStore;
  kind: Kind;
}

export interface Plan {
  path: string;
  query: Record<string, string>;
  json?: unknown;
  multipart?: { field: string; file: string };
  /** Does the request name rows by id outside its path (body or query)? */
  idsOutsidePath: boolean;
}

const uniq = (): string => randomBytes(4).toString('hex');

/** Which resource a path parameter names: the collection segment just before it. */
export const RESOURCES: Record<string, string> = {
  categories: 'category',
  menus: 'menu',
  'option-groups': 'option-group',
  options: 'option',
  tables: 'table',
  orders: 'order',
  stores: 'store',
  admins: 'admin',
  uploads: 'upload',
  'staff-calls': 'staffCall',
};

export function resourceOf(route: Route, param: string): string {
  const segments = route.path.split('/');
  const i = segments.indexOf(`:${param}`);
  const resource = RESOURCES[segments[i - 1]];
  if (!resource) {
    throw new Error(
      `${route.key}: the security suite does not know what :${param} names (segment "${segments[i - 1]}"). ` +
        'Add the resource to RESOURCES and to fillParam in test/security/requests.ts, with an own (fresh) and a foreign row.',
    );
  }
  return resource;
}

async function fillParam(route: Route, param: string, ctx: PlanContext): Promise<string> {
  const resource = resourceOf(route, param);
  const s = ctx.store;
  if (ctx.kind === 'foreign') {
    const del = route.method === 'delete';
    const foreign: Record<string, string> = {
      category: del ? s.emptyCategory.id : s.category.id,
      menu: s.menus[0].id,
      table: del ? s.spareTable.id : s.tables[0].id,
      order: s.ordersByTable.get(s.tables[1].id)![0],
      store: s.store.id,
      admin: s.admin.id,
      upload: s.imageFile,
      'option-group': s.optionGroup.id,
      option: s.optionGroup.options[0].id,
      staffCall: s.staffCallId,
    };
    return foreign[resource];
  }
  const fresh = new Fresh(ctx.t, s);
  switch (resource) {
    case 'category':
      return (await fresh.category()).id;
    case 'menu':
      return (await fresh.menu()).id;
    case 'table':
      return (await fresh.table()).id;
    case 'order':
      return (await fresh.order()).id;
    case 'store':
      return s.store.id;
    case 'admin':
      return (await fresh.admin()).id;
    case 'upload':
      return s.imageFile;
    case 'option-group':
      return (await fresh.optionGroup()).id;
    case 'option':
      return (await fresh.option()).id;
    case 'staffCall':
      return (await fresh.staffCall()).id;
  }
  throw new Error(`${route.key}: no fresh row for resource ${resource}`);
}

/** `ids`: the path parameters the plan filled, for bodies that must name what the path names. */
type BodyFn = (ctx: PlanContext, ids: Record<string, string>) => unknown;

const categoryIds = async (ctx: PlanContext): Promise<string[]> =>
  (
    (await ctx.t.dataSource.query(
      `SELECT id FROM menu_categories WHERE store_id = $1 ORDER BY display_order, id`,
      [ctx.store.store.id],
    )) as Array<{ id: string }>
  ).map((r) => r.id);

const menuIds = async (ctx: PlanContext, categoryId: string): Promise<string[]> =>
  (
    (await ctx.t.dataSource.query(
      `SELECT id FROM menus WHERE category_id = $1 AND deleted_at IS NULL ORDER BY display_order, id`,
      [categoryId],
    )) as Array<{ id: string }>
  ).map((r) => r.id);

/** A valid JSON body per route (keyed like Route.key). `ids` marks bodies that name rows of `ctx.store`. */
export const BODIES: Record<string, { body: BodyFn; ids?: boolean }> = {
  'POST /api/v1/auth/table-login': {
    body: ({ store }) => ({
      storeCode: store.store.code,
      tableNumber: store.tables[0].number,
      password: store.tables[0].password,
    }),
  },
  'POST /api/v1/auth/admin-login': {
    body: ({ store }) => ({
      storeCode: store.store.code,
      username: store.admin.username,
      password: store.admin.password,
    }),
  },
  'POST /api/v1/auth/superadmin-login': { body: () => ({ ...SUPERADMIN }) },
  'POST /api/v1/platform/stores': { body: () => ({ code: `sec-${uniq()}`, name: 'Security suite store' }) },
  'POST /api/v1/platform/stores/:storeId/admins': {
    body: () => ({ username: `sec-${uniq()}`, password: 'security-pass' }),
  },
  'PATCH /api/v1/platform/admins/:adminId': { body: () => ({ isActive: false }) },
  'POST /api/v1/admin/categories': { body: () => ({ name: `Category ${uniq()}` }) },
  'PUT /api/v1/admin/categories/order': {
    ids: true,
    body: async (ctx) => ({ ids: (await categoryIds(ctx)).reverse() }),
  },
  'PATCH /api/v1/admin/categories/:id': { body: () => ({ name: `Renamed ${uniq()}` }) },
  'POST /api/v1/admin/menus': {
    ids: true,
    body: ({ store }) => ({
      categoryId: store.category.id,
      name: `Menu ${uniq()}`,
      price: 1200,
      optionGroupIds: [store.optionGroup.id],
    }),
  },
  'PUT /api/v1/admin/menus/order': {
    ids: true,
    body: async (ctx) => ({
      categoryId: ctx.store.category.id,
      ids: (await menuIds(ctx, ctx.store.category.id)).reverse(),
    }),
  },
  'PATCH /api/v1/admin/menus/:id': {
    ids: true,
    body: ({ store }) => ({ name: `Renamed ${uniq()}`, price: 1, optionGroupIds: [store.optionGroup.id] }),
  },
  'POST /api/v1/admin/option-groups': {
    body: () => ({
      name: `Group ${uniq()}`,
      minSelect: 0,
      maxSelect: 2,
      options: [
        { name: 'one', price: 100 },
        { name: 'two', price: 0, isAvailable: false },
      ],
    }),
  },
  'PATCH /api/v1/admin/option-groups/:id': { body: () => ({ name: `Renamed ${uniq()}`, minSelect: 1 }) },
  'POST /api/v1/admin/option-groups/:id/options': { body: () => ({ name: `Option ${uniq()}`, price: 300 }) },
  'PUT /api/v1/admin/option-groups/:id/options/order': {
    ids: true,
    body: async ({ t }, ids) => ({
      ids: (
        (await t.dataSource.query(`SELECT id FROM options WHERE group_id = $1 ORDER BY display_order DESC`, [
          ids.id,
        ])) as Array<{ id: string }>
      ).map((r) => r.id),
    }),
  },
  'PATCH /api/v1/admin/options/:id': { body: () => ({ name: `Renamed ${uniq()}`, isAvailable: false }) },
  'POST /api/v1/admin/tables': {
    body: async ({ t, store }) => {
      const [row] = (await t.dataSource.query(
        `SELECT coalesce(max(number), 0) + 1 AS n FROM tables WHERE store_id = $1`,
        [store.store.id],
      )) as Array<{ n: number }>;
      return { number: Number(row.n), password: 'sec-table-pass' };
    },
  },
  'PATCH /api/v1/admin/tables/:id': { body: () => ({ password: 'changed-pass' }) },
  'POST /api/v1/orders': {
    ids: true,
    body: ({ store }) => ({
      items: [
        { menuId: store.menus[1].id, quantity: 1 },
        { menuId: store.menus[0].id, quantity: 2, optionIds: [store.optionGroup.options[1].id], note: 'sec' },
      ],
      note: 'security suite',
    }),
  },
  'PATCH /api/v1/admin/orders/:id': { body: () => ({ status: 'COMPLETED' }) },
  'POST /api/v1/staff-calls': { body: () => ({ reason: 'NAPKINS', message: 'security suite' }) },
  // The spare table has no session: with a fresh source (no session either) these are 409, changing nothing.
  'POST /api/v1/admin/tables/:id/move': {
    ids: true,
    body: ({ store }) => ({ toTableId: store.spareTable.id }),
  },
  'POST /api/v1/admin/tables/:id/merge': {
    ids: true,
    body: ({ store }) => ({ intoTableId: store.tables[1].id }),
  },
};

/** Query strings that name rows (the list filters); other routes get none. */
export const QUERIES: Record<string, (ctx: PlanContext) => Record<string, string>> = {
  'GET /api/v1/admin/menus': ({ store }) => ({ categoryId: store.category.id }),
  'GET /api/v1/admin/orders': ({ store }) => ({ tableId: store.tables[1].id }),
};

export async function plan(route: Route, ctx: PlanContext): Promise<Plan> {
  const ids: Record<string, string> = {};
  for (const param of route.params) ids[param] = await fillParam(route, param, ctx);
  const path = buildPath(route, (name) => ids[name]);
  const query = QUERIES[route.key]?.(ctx) ?? {};
  const out: Plan = { path, query, idsOutsidePath: route.key in QUERIES };
  if (route.multipart) {
    out.multipart = { field: 'image', file: IMAGE };
  } else if (route.jsonBody) {
    const spec = BODIES[route.key];
    if (!spec) {
      throw new Error(
        `${route.key} takes a JSON body the security suite cannot fill: add a valid body to BODIES in test/security/requests.ts.`,
      );
    }
    out.json = await spec.body(ctx, ids);
    out.idsOutsidePath ||= spec.ids === true;
  }
  return out;
}

export interface Answer {
  status: number;
  // oxlint-disable-next-line typescript/no-explicit-any -- envelopes and bodies of every route
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends a plan; an event stream that opens is closed at once (its status is the answer). */
export async function send(t: TestApp, route: Route, p: Plan, token?: string): Promise<Answer> {
  const qs = new URLSearchParams(p.query).toString();
  const url = qs ? `${p.path}?${qs}` : p.path;
  if (route.sse) {
    const client = await openSse(t.url, url, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    client.close();
    return {
      status: client.status,
      body: client.body,
      text: typeof client.body === 'string' ? client.body : JSON.stringify(client.body ?? null),
      headers: client.headers,
    };
  }
  const request = () => {
    let req = t.http()[route.method](url);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (p.multipart) req = req.attach(p.multipart.field, p.multipart.file);
    else if (p.json !== undefined) req = req.send(p.json as object);
    return req.buffer(true);
  };
  // A refused upload is answered (401/403) before its file is read and the socket closed: the client may then
  // fail writing the rest of the file (EPIPE) instead of reading the answer. Sent again, the answer is read.
  let res;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await request();
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!p.multipart || attempt >= 3 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw error;
    }
  }
  const isBinary = String(res.headers['content-type'] ?? '').startsWith('image/');
  return {
    status: res.status,
    body: res.body,
    text: isBinary ? '' : (res.text ?? JSON.stringify(res.body ?? null)),
    headers: res.headers as Answer['headers'],
  };
}

export type Caller = Role | 'anonymous';
export const CALLERS: readonly Caller[] = ['anonymous', 'table', 'admin', 'superadmin'];
