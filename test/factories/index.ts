import { randomBytes } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import type { DataSource } from 'typeorm';
import { MenusRepository } from '../../src/modules/menus/menus.repository';
import { SessionsRepository } from '../../src/modules/sessions/sessions.repository';
import { StoresRepository } from '../../src/modules/stores/stores.repository';

/**
 * Small factories that insert rows through the application's own repositories, so a test can set up any
 * store, admin, table, category or menu without going through other endpoints, and the rows are the ones the
 * application writes. Passwords are real bcrypt hashes. The DataSource must know the entities (the app's does).
 */
const uniq = (): string => randomBytes(4).toString('hex');

export interface StoreRow {
  id: string;
  code: string;
  name: string;
}

export async function createStore(ds: DataSource, values: Partial<StoreRow> = {}): Promise<StoreRow> {
  const code = values.code ?? `store-${uniq()}`;
  const store = await new StoresRepository(ds).insertStore({ code, name: values.name ?? `Store ${code}` });
  return { id: store.id, code: store.code, name: store.name };
}

export async function createAdmin(
  ds: DataSource,
  storeId: string,
  values: { username?: string; password?: string; isActive?: boolean } = {},
): Promise<{ id: string; username: string; password: string }> {
  const username = values.username ?? `admin-${uniq()}`;
  const password = values.password ?? 'admin-password';
  const stores = new StoresRepository(ds);
  const admin = await stores.insertAdmin({
    storeId,
    username,
    passwordHash: await bcrypt.hash(password, 10),
  });
  if (values.isActive === false) await stores.setAdminActive(admin.id, false, ds.manager);
  return { id: admin.id, username, password };
}

export async function createTable(
  ds: DataSource,
  storeId: string,
  values: { number?: number; password?: string } = {},
): Promise<{ id: string; number: number; password: string }> {
  const password = values.password ?? 'table-pass';
  const tables = await new SessionsRepository(ds).dashboardTables(storeId);
  const number = values.number ?? Math.max(0, ...tables.map((t) => Number(t.number))) + 1;
  const row = await new SessionsRepository(ds).createTable(storeId, number, await bcrypt.hash(password, 10));
  return { id: row.id, number, password };
}

export async function createCategory(
  ds: DataSource,
  storeId: string,
  values: { name?: string; displayOrder?: number } = {},
): Promise<{ id: string; name: string }> {
  const name = values.name ?? `Category ${uniq()}`;
  const menus = new MenusRepository(ds);
  const id = await menus.insertCategory(ds.manager, storeId, name);
  if (values.displayOrder !== undefined) {
    // The application only reorders whole lists; a test may place one category anywhere.
    await ds.query(`UPDATE menu_categories SET display_order = $2 WHERE id = $1`, [id, values.displayOrder]);
  }
  return { id, name };
}

export async function createMenu(
  ds: DataSource,
  storeId: string,
  categoryId: string,
  values: {
    name?: string;
    price?: number;
    isAvailable?: boolean;
    description?: string;
    displayOrder?: number;
  } = {},
): Promise<{ id: string; name: string; price: number }> {
  const menus = new MenusRepository(ds);
  const row = await menus.insertMenu(ds.manager, storeId, {
    categoryId,
    name: values.name ?? `Menu ${uniq()}`,
    price: values.price ?? 10000,
    isAvailable: values.isAvailable ?? true,
    description: values.description ?? null,
    displayOrder: values.displayOrder ?? (await menus.nextMenuOrder(ds.manager, storeId, categoryId)),
  });
  return { id: row.id, name: row.name, price: Number(row.price) };
}
