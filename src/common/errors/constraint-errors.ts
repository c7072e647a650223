import { ErrorCode } from './error-codes';
import type { RenderedError } from './rendered-error';

/**
 * Database constraint names (see migrations/) mapped to what a client sees: the constraints a client's request can
 * break although the services check first (a race with another request, a token outliving its table). A violation
 * of any other constraint is a bug and answers 500. The names are part of the schema, so a renamed constraint must
 * be renamed here too.
 */
export const CONSTRAINT_ERRORS: Record<string, Pick<RenderedError, 'status' | 'code' | 'detail'>> = {
  uq_stores_code: {
    status: 409,
    code: ErrorCode.CONFLICT,
    detail: 'a store with this code exists',
  },
  uq_admin_users_store_username: {
    status: 409,
    code: ErrorCode.CONFLICT,
    detail: 'an admin with this username exists in the store',
  },
  uq_admin_users_superadmin_username: {
    status: 409,
    code: ErrorCode.CONFLICT,
    detail: 'a superadmin with this username exists',
  },
  uq_tables_store_number: {
    status: 409,
    code: ErrorCode.DUPLICATE_TABLE_NUMBER,
    detail: 'a table with this number exists in the store',
  },
  uq_menu_categories_store_name: {
    status: 409,
    code: ErrorCode.DUPLICATE_CATEGORY_NAME,
    detail: 'a category with this name exists in the store',
  },
  uq_option_groups_store_name: {
    status: 409,
    code: ErrorCode.DUPLICATE_OPTION_GROUP_NAME,
    detail: 'an option group with this name exists in the store',
  },
  uq_options_group_name: {
    status: 409,
    code: ErrorCode.DUPLICATE_OPTION_NAME,
    detail: 'an option with this name exists in the group',
  },
  // A group deleted while a menu was being given it.
  fk_menu_option_groups_group: {
    status: 404,
    code: ErrorCode.OPTION_GROUP_NOT_FOUND,
    detail: 'option group not found',
  },
  // A group deleted while an option was being added to it.
  fk_options_group: {
    status: 404,
    code: ErrorCode.OPTION_GROUP_NOT_FOUND,
    detail: 'option group not found',
  },
  // A table deleted while its tablet still held a token (revocation takes up to 60 s) and sent an order.
  fk_table_sessions_table: {
    status: 404,
    code: ErrorCode.TABLE_NOT_FOUND,
    detail: 'table not found',
  },
  // The same, when the order carried an Idempotency-Key: claiming the key is the first write of the placement.
  idempotency_keys_table_id_fkey: {
    status: 404,
    code: ErrorCode.TABLE_NOT_FOUND,
    detail: 'table not found',
  },
  fk_orders_table: {
    status: 404,
    code: ErrorCode.TABLE_NOT_FOUND,
    detail: 'table not found',
  },
  // Placement starts sessions with ON CONFLICT DO NOTHING; only a move onto a table whose first order committed
  // in the meantime meets this.
  uq_table_sessions_active: {
    status: 409,
    code: ErrorCode.TABLE_HAS_ACTIVE_SESSION,
    detail: 'the table already has an active session',
  },
  // A table deleted while its tablet still held a token, and pressed the staff-call button.
  fk_staff_calls_table: {
    status: 404,
    code: ErrorCode.TABLE_NOT_FOUND,
    detail: 'table not found',
  },
  // A call pressed on the target table while its open calls were moving there.
  uq_staff_calls_open_reason: {
    status: 409,
    code: ErrorCode.CONFLICT,
    detail: 'the table already has an open call with this reason',
  },
};
