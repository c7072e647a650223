import { randomBytes } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import type { DataSource } from 'typeorm';

/**
 * Small factories that insert rows straight into the schema the migrations built, so a test can set up any
 * store, admin, table, category or menu without going through other endpoints. Passwords are real bcrypt hashes.
 */
const uniq = (): string => randomBytes(4).toString('hex');

export interface StoreRow {
  id: string;
  code: string;
  name: string;
}

export async function createStore(ds: DataSource, values: Partial<StoreRow> = {}): Promise<StoreRow> {
  const code = values.code ?? `store-${uniq()}`;
  const name = values.name ?? `Store ${code}`;
  const [row] = (await ds.query(`INSERT INTO stores (code, name) VALUES ($1, $2) RETURNING id, code, name`, [
    code,
    name,
  ])) as StoreRow[];
  return row;
}

export async function createAdmin(
  ds: DataSource,
  storeId: string,
  values: { username?: string; password?: string; isActive?: boolean } = {},
): Promise<{ id: string; username: string; password: string }> {
  const username = values.username ?? `admin-${uniq()}`;
  const password = values.password ?? 'admin-password';
  const [row] = (await ds.query(
    `INSERT INTO admin_users (store_id, username, password_hash, role, is_active)
     VALUES ($1, $2, $3, 'store_admin', $4) RETURNING id`,
    [storeId, username, await bcrypt.hash(password, 10), values.isActive ?? true],
  )) as Array<{ id: string }>;
  return { id: row.id, username, password };
}

export async function createTable(
  ds: DataSource,
  storeId: string,
  values: { number?: number; password?: string } = {},
): Promise<{ id: string; number: number; password: string }> {
  const password = values.password ?? 'table-pass';
  const number =
    values.number ??
    Number(
      (
        (await ds.query(`SELECT coalesce(max(number), 0) + 1 AS n FROM tables WHERE store_id = $1`, [
          storeId,
        ])) as Array<{
          n: number;
        }>
      )[0].n,
    );
  const [row] = (await ds.query(
    `INSERT INTO tables (store_id, number, password_hash) VALUES ($1, $2, $3) RETURNING id`,
    [storeId, number, await bcrypt.hash(password, 10)],
  )) as Array<{ id: string }>;
  return { id: row.id, number, password };
}

export async function createCategory(
  ds: DataSource,
  storeId: string,
  values: { name?: string; displayOrder?: number } = {},
): Promise<{ id: string; name: string }> {
  const name = values.name ?? `Category ${uniq()}`;
  const [row] = (await ds.query(
    `INSERT INTO menu_categories (store_id, name, display_order)
     VALUES ($1, $2, coalesce($3, (SELECT coalesce(max(display_order) + 1, 0) FROM menu_categories WHERE store_id = $1)))
     RETURNING id`,
    [storeId, name, values.displayOrder ?? null],
  )) as Array<{ id: string }>;
  return { id: row.id, name };
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
  const name = values.name ?? `Menu ${uniq()}`;
  const price = values.price ?? 10000;
  const [row] = (await ds.query(
    `INSERT INTO menus (store_id, category_id, name, price, is_available, description, display_order)
     VALUES ($1, $2, $3, $4, $5, $6,
       coalesce($7, (SELECT coalesce(max(display_order) + 1, 0) FROM menus WHERE category_id = $2 AND deleted_at IS NULL)))
     RETURNING id`,
    [
      storeId,
      categoryId,
      name,
      price,
      values.isAvailable ?? true,
      values.description ?? null,
      values.displayOrder ?? null,
    ],
  )) as Array<{ id: string }>;
  return { id: row.id, name, price };
}
