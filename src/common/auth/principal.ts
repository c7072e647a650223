/** Roles as they appear in the JWT `role` claim (API.md). */
export type Role = 'table' | 'admin' | 'superadmin';

/**
 * Who is calling, taken from a verified token only. Services scope every query by `storeId`:
 * the store a request acts on never comes from the path, query or body.
 */
export interface Principal {
  role: Role;
  /** Absent for the superadmin. */
  storeId?: string;
  /** Tables only. */
  tableId?: string;
  /** Admins and superadmins. */
  adminId?: string;
  /** Token expiry (seconds since epoch). */
  exp: number;
}

/** A principal that acts inside a store (table or admin). */
export type StorePrincipal = Principal & { storeId: string };
export type TablePrincipal = Principal & { role: 'table'; storeId: string; tableId: string };
export type AdminPrincipal = Principal & { role: 'admin'; storeId: string; adminId: string };
