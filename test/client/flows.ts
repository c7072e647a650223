/**
 * A tablet and the admin web app written the way an integrator writes them: against the client generated from the
 * OpenAPI document (openapi-typescript types in ./schema.d.ts, openapi-fetch calls), with no casts, so that the
 * document is what the compiler checks them with. test/e2e/client-flows.e2e-spec.ts runs them against the service.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type Api = ReturnType<typeof createClient<paths>>;

export function api(baseUrl: string, token?: string): Api {
  return createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

/** A call answered with another status than the flow expects. */
export class UnexpectedResponse extends Error {
  constructor(what: string, status: number, body: unknown) {
    super(`${what}: ${status} ${JSON.stringify(body)}`);
  }
}

/** The data of a successful call; anything else is an UnexpectedResponse naming the call. */
function expectData<T, E>(what: string, result: { data?: T; error?: E; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw new UnexpectedResponse(what, result.response.status, result.error);
  }
  return result.data;
}

function expectStatus(what: string, response: Response, status: number): void {
  if (response.status !== status) throw new UnexpectedResponse(what, response.status, undefined);
}

export interface StoreSetup {
  storeCode: string;
  admin: { username: string; password: string };
}

/** The platform: the superadmin creates a store and its first admin. */
export async function platformFlow(
  baseUrl: string,
  superadmin: { username: string; password: string },
  storeCode: string,
): Promise<StoreSetup> {
  const login = expectData(
    'superadmin-login',
    await api(baseUrl).POST('/api/v1/auth/superadmin-login', { body: superadmin }),
  );
  const platform = api(baseUrl, login.accessToken);
  const store = expectData(
    'createStore',
    await platform.POST('/api/v1/platform/stores', { body: { code: storeCode, name: '클라이언트 식당' } }),
  );
  const admin = { username: 'client-admin', password: 'client-admin-pass' };
  expectData(
    'createAdmin',
    await platform.POST('/api/v1/platform/stores/{storeId}/admins', {
      params: { path: { storeId: store.id } },
      body: admin,
    }),
  );
  return { storeCode: store.code, admin };
}

export interface FloorSetup {
  adminToken: string;
  table: { id: string; number: number; password: string };
  menus: { stew: Schemas['MenuDto']; soldOut: Schemas['MenuDto'] };
}

/** The admin sets up the floor: a table, a category, a menu and a sold-out one. */
export async function adminSetupFlow(baseUrl: string, store: StoreSetup): Promise<FloorSetup> {
  const login = expectData(
    'admin-login',
    await api(baseUrl).POST('/api/v1/auth/admin-login', {
      body: { storeCode: store.storeCode, ...store.admin },
    }),
  );
  const admin = api(baseUrl, login.accessToken);
  const password = 'table-pass';
  const table = expectData(
    'createTable',
    await admin.POST('/api/v1/admin/tables', { body: { number: 1, password } }),
  );
  const category = expectData(
    'createCategory',
    await admin.POST('/api/v1/admin/categories', { body: { name: '찌개' } }),
  );
  const stew = expectData(
    'createMenu',
    await admin.POST('/api/v1/admin/menus', {
      body: { categoryId: category.id, name: '김치찌개', price: 9000, description: null },
    }),
  );
  const soldOut = expectData(
    'createMenu (sold out)',
    await admin.POST('/api/v1/admin/menus', {
      body: { categoryId: category.id, name: '된장찌개', price: 8500, isAvailable: false },
    }),
  );
  return { adminToken: login.accessToken, table: { ...table, password }, menus: { stew, soldOut } };
}

export interface TabletResult {
  orderId: string;
  cancelledOrderId: string;
  staffCallId: string;
  totalAmount: number;
}

/** A tablet: logs in, reads the menu, orders (retried with its key), cancels a second order, calls staff. */
export async function tabletFlow(
  baseUrl: string,
  store: StoreSetup,
  floor: FloorSetup,
): Promise<TabletResult> {
  const login = expectData(
    'table-login',
    await api(baseUrl).POST('/api/v1/auth/table-login', {
      body: { storeCode: store.storeCode, tableNumber: floor.table.number, password: floor.table.password },
    }),
  );
  const tablet = api(baseUrl, login.accessToken);

  const menu = expectData('getMenu', await tablet.GET('/api/v1/menu'));
  const stew = menu.categories.flatMap((c) => c.items).find((item) => item.id === floor.menus.stew.id);
  if (!stew?.isAvailable) throw new Error('the menu does not offer the stew');

  const order = { items: [{ menuId: stew.id, quantity: 2, note: '덜 맵게' }], note: null };
  const key = 'client-flow-order-1';
  const placed = await tablet.POST('/api/v1/orders', {
    body: order,
    params: { header: { 'Idempotency-Key': key } },
  });
  const first = expectData('placeOrder', placed);
  const retried = await tablet.POST('/api/v1/orders', {
    body: order,
    params: { header: { 'Idempotency-Key': key } },
  });
  const replay = expectData('placeOrder (retried)', retried);
  if (replay.id !== first.id || retried.response.headers.get('Idempotent-Replayed') !== 'true') {
    throw new Error('the retried order was not the first one replayed');
  }

  const soldOut = await tablet.POST('/api/v1/orders', {
    body: { items: [{ menuId: floor.menus.soldOut.id, quantity: 1 }] },
  });
  // The error's type is this operation's errors only: a code it cannot answer does not compile.
  const code = soldOut.error?.error_code;
  // @ts-expect-error LOGIN_LOCKED is not an error POST /api/v1/orders answers
  if (code === 'LOGIN_LOCKED') throw new Error('unreachable');
  if (code !== 'MENU_UNAVAILABLE')
    throw new UnexpectedResponse('sold out', soldOut.response.status, soldOut.error);

  const second = expectData(
    'placeOrder (second)',
    await tablet.POST('/api/v1/orders', { body: { items: [{ menuId: stew.id, quantity: 1 }] } }),
  );
  const cancelled = await tablet.DELETE('/api/v1/orders/{id}', { params: { path: { id: second.id } } });
  expectStatus('cancelOrder', cancelled.response, 204);

  const mine = expectData('listTableOrders', await tablet.GET('/api/v1/orders'));
  if (mine.orders.length !== 1 || mine.orders[0].id !== first.id || mine.sessionId === null) {
    throw new Error(`the table's orders are not the one placed: ${JSON.stringify(mine)}`);
  }

  const call = expectData(
    'callStaff',
    await tablet.POST('/api/v1/staff-calls', { body: { reason: 'WATER', message: '물 두 잔' } }),
  );
  return {
    orderId: first.id,
    cancelledOrderId: second.id,
    staffCallId: call.id,
    totalAmount: mine.totalAmount,
  };
}

export interface AdminResult {
  dashboardTotal: number;
  archivedOrders: number;
  ticketExpiresIn: number;
}

/** The admin web app: dashboard, kitchen status, the staff call, a stream ticket, 이용 완료, history. */
export async function adminFlow(
  baseUrl: string,
  floor: FloorSetup,
  tablet: TabletResult,
): Promise<AdminResult> {
  const admin = api(baseUrl, floor.adminToken);
  const dashboard = expectData('getDashboard', await admin.GET('/api/v1/admin/tables'));
  const row = dashboard.find((t) => t.id === floor.table.id);
  // `session` is null for an idle table, and the type says so.
  if (!row || row.session === null) throw new Error('the table has no active session on the dashboard');

  const preparing = expectData(
    'updateOrderStatus',
    await admin.PATCH('/api/v1/admin/orders/{id}', {
      params: { path: { id: tablet.orderId } },
      body: { status: 'PREPARING' },
    }),
  );
  if (preparing.status !== 'PREPARING') throw new Error(`status is ${preparing.status}`);
  const backwards = await admin.PATCH('/api/v1/admin/orders/{id}', {
    params: { path: { id: tablet.orderId } },
    body: { status: 'PENDING' },
  });
  if (backwards.error?.error_code !== 'INVALID_STATUS_TRANSITION') {
    throw new UnexpectedResponse('PREPARING → PENDING', backwards.response.status, backwards.error);
  }

  const calls = expectData('listStaffCalls', await admin.GET('/api/v1/admin/staff-calls'));
  if (!calls.some((c) => c.id === tablet.staffCallId)) throw new Error('the staff call is not open');
  expectData(
    'resolveStaffCall',
    await admin.POST('/api/v1/admin/staff-calls/{id}/resolve', {
      params: { path: { id: tablet.staffCallId } },
    }),
  );

  const ticket = expectData('issueEventTicket', await admin.POST('/api/v1/admin/events/ticket'));

  const completed = expectData(
    'completeTable',
    await admin.POST('/api/v1/admin/tables/{id}/complete', { params: { path: { id: floor.table.id } } }),
  );
  const today = completed.completedAt.slice(0, 10);
  const history = expectData(
    'getTableHistory',
    await admin.GET('/api/v1/admin/tables/{id}/history', {
      params: { path: { id: floor.table.id }, query: { from: '2026-01-01', to: nextDay(today) } },
    }),
  );
  const archived = history.items.flatMap((session) => session.orders);
  return {
    dashboardTotal: row.session.totalAmount,
    archivedOrders: archived.length,
    ticketExpiresIn: ticket.expiresIn,
  };
}

function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}
