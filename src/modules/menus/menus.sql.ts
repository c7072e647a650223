import type { SqlParams } from '../../database/sql-params';
import { MENU_OPTION_GROUPS_JSON } from './option-groups.repository';

/**
 * A json array of the listed menus of the store that are not deleted, each with its option groups and their
 * options (`[{id, name, price, isAvailable, groups}]`, see MENU_OPTION_GROUPS_JSON): what an order is priced
 * and checked against, read inside the placement's first statement.
 */
export function orderableMenusJson(p: SqlParams, storeId: string, menuIds: string[]): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', m.id, 'name', m.name, 'price', m.price,
                                                   'isAvailable', m.is_available,
                                                   'groups', ${MENU_OPTION_GROUPS_JSON('m')})), '[]'::json)
     FROM menus m
    WHERE m.store_id = ${p.add(storeId, 'uuid')} AND m.id = ANY(${p.add(menuIds, 'uuid[]')}) AND m.deleted_at IS NULL)`;
}
