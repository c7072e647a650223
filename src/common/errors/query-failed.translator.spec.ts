import { QueryFailedError } from 'typeorm';
import { translateQueryFailed } from './query-failed.translator';

const queryError = (code: string, constraint?: string): QueryFailedError =>
  new QueryFailedError(
    'INSERT …',
    [],
    Object.assign(new Error(`violates constraint "${constraint}"`), { code, constraint }),
  );

describe('translateQueryFailed', () => {
  it('maps known constraint names to their API error', () => {
    expect(translateQueryFailed(queryError('23505', 'uq_tables_store_number'))).toEqual({
      status: 409,
      code: 'DUPLICATE_TABLE_NUMBER',
      detail: 'a table with this number exists in the store',
    });
    expect(translateQueryFailed(queryError('23505', 'uq_menu_categories_store_name'))).toMatchObject({
      status: 409,
      code: 'DUPLICATE_CATEGORY_NAME',
    });
  });

  it('maps the foreign keys a deleted table breaks under a token that still works to TABLE_NOT_FOUND', () => {
    for (const name of [
      'idempotency_keys_table_id_fkey',
      'fk_table_sessions_table',
      'fk_staff_calls_table',
    ]) {
      expect(translateQueryFailed(queryError('23503', name))).toMatchObject({
        status: 404,
        code: 'TABLE_NOT_FOUND',
      });
    }
  });

  it('finds the constraint in the message when the driver does not name it', () => {
    const error = new QueryFailedError(
      'INSERT …',
      [],
      Object.assign(new Error('duplicate key value violates unique constraint "uq_options_group_name"'), {
        code: '23505',
      }),
    );
    expect(translateQueryFailed(error)).toMatchObject({ status: 409, code: 'DUPLICATE_OPTION_NAME' });
  });

  it('leaves every other constraint, whatever its SQLSTATE, and every other SQL error untranslated', () => {
    expect(translateQueryFailed(queryError('23505', 'uq_something_else'))).toBeUndefined();
    expect(translateQueryFailed(queryError('23503', 'fk_menus_category'))).toBeUndefined();
    expect(translateQueryFailed(queryError('23514', 'ck_menus_price'))).toBeUndefined();
    expect(translateQueryFailed(queryError('23502'))).toBeUndefined();
    expect(translateQueryFailed(queryError('42P01'))).toBeUndefined();
    expect(translateQueryFailed(new Error('violates constraint "uq_tables_store_number"'))).toBeUndefined();
  });
});
