/** Every `error_code` API.md defines. A client switches on these; adding one is fine, renaming one is a breaking change. */
export const ErrorCode = {
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  IDEMPOTENCY_KEY_INVALID: 'IDEMPOTENCY_KEY_INVALID',
  AUTH_FAILED: 'AUTH_FAILED',
  TOKEN_MISSING: 'TOKEN_MISSING',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  INVALID_TOKEN: 'INVALID_TOKEN',
  INSUFFICIENT_PERMISSIONS: 'INSUFFICIENT_PERMISSIONS',
  NOT_FOUND: 'NOT_FOUND',
  STORE_NOT_FOUND: 'STORE_NOT_FOUND',
  ADMIN_NOT_FOUND: 'ADMIN_NOT_FOUND',
  TABLE_NOT_FOUND: 'TABLE_NOT_FOUND',
  CATEGORY_NOT_FOUND: 'CATEGORY_NOT_FOUND',
  MENU_NOT_FOUND: 'MENU_NOT_FOUND',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  OPTION_GROUP_NOT_FOUND: 'OPTION_GROUP_NOT_FOUND',
  OPTION_NOT_FOUND: 'OPTION_NOT_FOUND',
  OPTION_SELECTION_INVALID: 'OPTION_SELECTION_INVALID',
  STAFF_CALL_NOT_FOUND: 'STAFF_CALL_NOT_FOUND',
  CONFLICT: 'CONFLICT',
  DUPLICATE_TABLE_NUMBER: 'DUPLICATE_TABLE_NUMBER',
  DUPLICATE_CATEGORY_NAME: 'DUPLICATE_CATEGORY_NAME',
  CATEGORY_NOT_EMPTY: 'CATEGORY_NOT_EMPTY',
  MENU_UNAVAILABLE: 'MENU_UNAVAILABLE',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
  NO_ACTIVE_SESSION: 'NO_ACTIVE_SESSION',
  TABLE_HAS_ACTIVE_SESSION: 'TABLE_HAS_ACTIVE_SESSION',
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
  DUPLICATE_OPTION_GROUP_NAME: 'DUPLICATE_OPTION_GROUP_NAME',
  DUPLICATE_OPTION_NAME: 'DUPLICATE_OPTION_NAME',
  OPTION_UNAVAILABLE: 'OPTION_UNAVAILABLE',
  LAST_OPTION: 'LAST_OPTION',
  ORDER_NOT_CANCELLABLE: 'ORDER_NOT_CANCELLABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  RATE_LIMIT_EXCEEDED: 'RATE_LIMIT_EXCEEDED',
  LOGIN_LOCKED: 'LOGIN_LOCKED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Database constraint names (see migrations/) mapped to what a client sees. Only constraint violations are
 * mapped from SQL errors; the names are part of the schema, so a renamed constraint must be renamed here too.
 */
export const CONSTRAINT_ERRORS: Record<string, { status: number; code: ErrorCode; detail: string }> = {
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
