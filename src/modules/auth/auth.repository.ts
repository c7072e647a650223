import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface StoreRef {
  id: string;
  code: string;
  name: string;
}

export interface AdminCredentials {
  id: string;
  username: string;
  passwordHash: string;
  isActive: boolean;
  tokenVersion: number;
  store: StoreRef | null;
}

export interface TableCredentials {
  id: string;
  number: number;
  passwordHash: string;
  tokenVersion: number;
  store: StoreRef;
}

/** What a token's version is checked against: null when the principal no longer exists. */
export interface PrincipalState {
  tokenVersion: number;
  active: boolean;
}

interface AdminRow {
  id: string;
  username: string;
  password_hash: string;
  is_active: boolean;
  token_version: number;
  store_id: string | null;
  store_code: string | null;
  store_name: string | null;
}

/** Reads the credentials of logins and the token versions of revocation checks. Plain SQL: one row each. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findStoreAdmin(storeCode: string, username: string): Promise<AdminCredentials | null> {
    const rows = (await this.dataSource.query(
      `SELECT a.id, a.username, a.password_hash, a.is_active, a.token_version::int AS token_version,
              s.id AS store_id, s.code AS store_code, s.name AS store_name
         FROM admin_users a JOIN stores s ON s.id = a.store_id
        WHERE s.code = $1 AND a.username = $2 AND a.role = 'store_admin'`,
      [storeCode, username],
    )) as AdminRow[];
    return rows[0] ? toAdmin(rows[0]) : null;
  }

  async findSuperadmin(username: string): Promise<AdminCredentials | null> {
    const rows = (await this.dataSource.query(
      `SELECT a.id, a.username, a.password_hash, a.is_active, a.token_version::int AS token_version,
              NULL AS store_id, NULL AS store_code, NULL AS store_name
         FROM admin_users a
        WHERE a.store_id IS NULL AND a.username = $1 AND a.role = 'super_admin'`,
      [username],
    )) as AdminRow[];
    return rows[0] ? toAdmin(rows[0]) : null;
  }

  async findTable(storeCode: string, tableNumber: number): Promise<TableCredentials | null> {
    const rows = (await this.dataSource.query(
      `SELECT t.id, t.number::int AS number, t.password_hash, t.token_version::int AS token_version,
              s.id AS store_id, s.code AS store_code, s.name AS store_name
         FROM tables t JOIN stores s ON s.id = t.store_id
        WHERE s.code = $1 AND t.number = $2`,
      [storeCode, tableNumber],
    )) as Array<{
      id: string;
      number: number;
      password_hash: string;
      token_version: number;
      store_id: string;
      store_code: string;
      store_name: string;
    }>;
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      number: Number(row.number),
      passwordHash: row.password_hash,
      tokenVersion: Number(row.token_version),
      store: { id: row.store_id, code: row.store_code, name: row.store_name },
    };
  }

  async adminState(adminId: string): Promise<PrincipalState | null> {
    const rows = (await this.dataSource.query(
      `SELECT token_version::int AS token_version, is_active FROM admin_users WHERE id = $1`,
      [adminId],
    )) as Array<{ token_version: number; is_active: boolean }>;
    return rows[0] ? { tokenVersion: Number(rows[0].token_version), active: rows[0].is_active } : null;
  }

  async tableState(tableId: string): Promise<PrincipalState | null> {
    const rows = (await this.dataSource.query(
      `SELECT token_version::int AS token_version FROM tables WHERE id = $1`,
      [tableId],
    )) as Array<{ token_version: number }>;
    return rows[0] ? { tokenVersion: Number(rows[0].token_version), active: true } : null;
  }
}

function toAdmin(row: AdminRow): AdminCredentials {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    isActive: row.is_active,
    tokenVersion: Number(row.token_version),
    store:
      row.store_id && row.store_code && row.store_name
        ? { id: row.store_id, code: row.store_code, name: row.store_name }
        : null,
  };
}
