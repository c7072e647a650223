import type { TestApp } from './app';
import { SUPERADMIN } from './app';
import { createAdmin, createStore, createTable, StoreRow } from '../factories';

/** Logs in through the real endpoints (API.md, Auth) and returns the access token. */
export async function loginSuperadmin(t: TestApp): Promise<string> {
  const res = await t.http().post('/api/v1/auth/superadmin-login').send(SUPERADMIN);
  if (res.status !== 200)
    throw new Error(`superadmin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export async function loginAdmin(
  t: TestApp,
  storeCode: string,
  username: string,
  password: string,
): Promise<string> {
  const res = await t.http().post('/api/v1/auth/admin-login').send({ storeCode, username, password });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export async function loginTable(
  t: TestApp,
  storeCode: string,
  tableNumber: number,
  password: string,
): Promise<string> {
  const res = await t.http().post('/api/v1/auth/table-login').send({ storeCode, tableNumber, password });
  if (res.status !== 200) throw new Error(`table login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export interface StoreFixture {
  store: StoreRow;
  admin: { id: string; username: string; password: string; token: string };
  tables: Array<{ id: string; number: number; password: string; token: string }>;
}

/** A fresh store with one admin and `tableCount` tables, all logged in. */
export async function storeFixture(t: TestApp, tableCount = 1): Promise<StoreFixture> {
  const store = await createStore(t.dataSource);
  const admin = await createAdmin(t.dataSource, store.id);
  const tables: StoreFixture['tables'] = [];
  for (let i = 1; i <= tableCount; i++) {
    const table = await createTable(t.dataSource, store.id, { number: i });
    tables.push({ ...table, token: await loginTable(t, store.code, table.number, table.password) });
  }
  return {
    store,
    admin: { ...admin, token: await loginAdmin(t, store.code, admin.username, admin.password) },
    tables,
  };
}

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
