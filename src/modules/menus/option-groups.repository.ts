import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../database/query-result';
import { updateSets } from '../../database/update-sets';

export interface OptionRow {
  id: string;
  groupId: string;
  name: string;
  price: number;
  isAvailable: boolean;
  displayOrder: number;
}

export interface OptionGroupRow {
  id: string;
  name: string;
  minSelect: number;
  maxSelect: number;
  /** json: parsed by pg and PGlite alike, text accepted too. */
  options: Array<Omit<OptionRow, 'groupId'>> | string;
  menuCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OptionGroupPatch {
  name?: string;
  minSelect?: number;
  maxSelect?: number;
}

export interface OptionPatch {
  name?: string;
  price?: number;
  isAvailable?: boolean;
}

const GROUP_COLUMNS: Record<keyof OptionGroupPatch, string> = {
  name: 'name',
  minSelect: 'min_select',
  maxSelect: 'max_select',
};

const OPTION_COLUMNS: Record<keyof OptionPatch, string> = {
  name: 'name',
  price: 'price',
  isAvailable: 'is_available',
};

/** Ties (rows written before a reorder) are broken by age, then id. */
const OPTION_ORDER = `o.display_order, o.created_at, o.id`;

/**
 * An option group as clients see it, with its options in display order and the number of menus (not deleted)
 * listing it: one row per group. Use as `SELECT ${OPTION_GROUP_SELECT} FROM option_groups g WHERE …`.
 */
const OPTION_GROUP_SELECT = `g.id, g.name, g.min_select AS "minSelect", g.max_select AS "maxSelect",
  g.created_at AS "createdAt", g.updated_at AS "updatedAt",
  (SELECT coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'price', o.price,
                                              'isAvailable', o.is_available, 'displayOrder', o.display_order)
                            ORDER BY ${OPTION_ORDER}), '[]'::json)
     FROM options o WHERE o.group_id = g.id) AS options,
  (SELECT count(*) FROM menu_option_groups mg JOIN menus m ON m.id = mg.menu_id AND m.deleted_at IS NULL
    WHERE mg.group_id = g.id)::int AS "menuCount"`;

/** Every group of the store ($1), oldest first (the id breaking ties); the menu read runs it too. */
export const LIST_OPTION_GROUPS = `SELECT ${OPTION_GROUP_SELECT} FROM option_groups g
  WHERE g.store_id = $1 ORDER BY g.created_at, g.id`;

/**
 * A json array of the option groups menu `m` lists, in the menu's order, each with its options by display
 * order: `[{id, name, minSelect, maxSelect, options:[{id, name, price, isAvailable}]}]`. Order placement
 * composes it into the statement that reads the ordered menus, so options cost it no extra query.
 */
export const MENU_OPTION_GROUPS_JSON = (m: string): string => `(
  SELECT coalesce(json_agg(json_build_object(
           'id', g.id, 'name', g.name, 'minSelect', g.min_select, 'maxSelect', g.max_select,
           'options', (SELECT coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'price', o.price,
                                                                  'isAvailable', o.is_available)
                                                ORDER BY ${OPTION_ORDER}), '[]'::json)
                         FROM options o WHERE o.group_id = g.id))
         ORDER BY mg.position), '[]'::json)
    FROM menu_option_groups mg JOIN option_groups g ON g.id = mg.group_id
   WHERE mg.menu_id = ${m}.id)`;

const OPTION_SELECT = `o.id, o.group_id AS "groupId", o.name, o.price::int AS price,
  o.is_available AS "isAvailable", o.display_order::int AS "displayOrder"`;

/**
 * Every query of option groups, their options and the menu → groups links. Scoped by store throughout: a
 * foreign id finds nothing. Writes to one group run under its row lock (`lockGroup`), which is what keeps the
 * 1-30 options and the display order right under concurrency.
 */
@Injectable()
export class OptionGroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- groups ----

  async listGroups(storeId: string, em?: EntityManager): Promise<OptionGroupRow[]> {
    return this.q(em).query(LIST_OPTION_GROUPS, [storeId]);
  }

  async findGroup(storeId: string, id: string, em?: EntityManager): Promise<OptionGroupRow | null> {
    const rows: OptionGroupRow[] = await this.q(em).query(
      `SELECT ${OPTION_GROUP_SELECT} FROM option_groups g WHERE g.store_id = $1 AND g.id = $2`,
      [storeId, id],
    );
    return rows[0] ?? null;
  }

  /** Row-locks the group until the transaction ends; null when it is not one of the store's. */
  async lockGroup(
    em: EntityManager,
    storeId: string,
    id: string,
  ): Promise<{ name: string; minSelect: number; maxSelect: number } | null> {
    const rows: Array<{ name: string; minSelect: number; maxSelect: number }> = await em.query(
      `SELECT name, min_select AS "minSelect", max_select AS "maxSelect" FROM option_groups
        WHERE store_id = $1 AND id = $2 FOR UPDATE`,
      [storeId, id],
    );
    return rows[0] ?? null;
  }

  /** The group and its options (displayOrder 0, 1, 2, … in the given order), in one statement. */
  async insertGroup(
    em: EntityManager,
    storeId: string,
    group: { name: string; minSelect: number; maxSelect: number },
    options: Array<{ name: string; price: number; isAvailable: boolean }>,
  ): Promise<string> {
    const rows: Array<{ id: string }> = await em.query(
      `WITH g AS (
         INSERT INTO option_groups (store_id, name, min_select, max_select) VALUES ($1, $2, $3, $4) RETURNING id
       ), o AS (
         INSERT INTO options (store_id, group_id, name, price, is_available, display_order)
         SELECT $1, g.id, l.name, l.price, l.is_available, l.pos - 1
           FROM g, unnest($5::text[], $6::int[], $7::boolean[]) WITH ORDINALITY AS l(name, price, is_available, pos)
       )
       SELECT id FROM g`,
      [
        storeId,
        group.name,
        group.minSelect,
        group.maxSelect,
        options.map((o) => o.name),
        options.map((o) => o.price),
        options.map((o) => o.isAvailable),
      ],
    );
    return rows[0].id;
  }

  async updateGroup(em: EntityManager, storeId: string, id: string, patch: OptionGroupPatch): Promise<void> {
    const params: unknown[] = [storeId, id];
    const sets = updateSets(patch, GROUP_COLUMNS, params);
    await em.query(`UPDATE option_groups SET ${sets} WHERE store_id = $1 AND id = $2`, params);
  }

  /** Its options and its place on every menu go with it (foreign keys cascade). */
  async deleteGroup(em: EntityManager, storeId: string, id: string): Promise<void> {
    await em.query(`DELETE FROM option_groups WHERE store_id = $1 AND id = $2`, [storeId, id]);
  }

  /** Moves the group's updatedAt: a change to one of its options is a change to the group. */
  async touchGroup(em: EntityManager, groupId: string): Promise<void> {
    await em.query(`UPDATE option_groups SET updated_at = now() WHERE id = $1`, [groupId]);
  }

  // ---- options ----

  async findOption(storeId: string, id: string, em?: EntityManager, lock = false): Promise<OptionRow | null> {
    const rows: OptionRow[] = await this.q(em).query(
      `SELECT ${OPTION_SELECT} FROM options o WHERE o.store_id = $1 AND o.id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [storeId, id],
    );
    return rows[0] ?? null;
  }

  async optionIds(em: EntityManager, groupId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await em.query(`SELECT id FROM options WHERE group_id = $1`, [
      groupId,
    ]);
    return rows.map((r) => r.id);
  }

  /** Appended after the group's last option. Call under lockGroup. */
  async insertOption(
    em: EntityManager,
    storeId: string,
    groupId: string,
    option: { name: string; price: number; isAvailable: boolean },
  ): Promise<OptionRow> {
    const rows: OptionRow[] = await em.query(
      `INSERT INTO options AS o (store_id, group_id, name, price, is_available, display_order)
       VALUES ($1, $2, $3, $4, $5,
               (SELECT coalesce(max(display_order) + 1, 0) FROM options WHERE group_id = $2))
       RETURNING ${OPTION_SELECT}`,
      [storeId, groupId, option.name, option.price, option.isAvailable],
    );
    return rows[0];
  }

  async updateOption(em: EntityManager, storeId: string, id: string, patch: OptionPatch): Promise<OptionRow> {
    const params: unknown[] = [storeId, id];
    const sets = updateSets(patch, OPTION_COLUMNS, params);
    const result: unknown = await em.query(
      `UPDATE options AS o SET ${sets} WHERE o.store_id = $1 AND o.id = $2 RETURNING ${OPTION_SELECT}`,
      params,
    );
    return returnedRows<OptionRow>(result)[0];
  }

  async deleteOption(em: EntityManager, storeId: string, id: string): Promise<void> {
    await em.query(`DELETE FROM options WHERE store_id = $1 AND id = $2`, [storeId, id]);
  }

  /** displayOrder becomes each id's position in `ids` (0, 1, 2, …), in one statement. */
  async setOptionOrder(em: EntityManager, groupId: string, ids: string[]): Promise<void> {
    await em.query(
      `UPDATE options o SET display_order = l.pos - 1, updated_at = now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS l(id, pos)
        WHERE o.group_id = $1 AND o.id = l.id AND o.display_order <> l.pos - 1`,
      [groupId, ids],
    );
  }

  /**
   * The store's options among `ids`, each with its group's name: what an order line named that its menu
   * does not offer (read only on that error path, to tell another menu's option from an unknown one).
   */
  async findOptionsWithGroup(
    em: EntityManager,
    storeId: string,
    ids: string[],
  ): Promise<Array<{ id: string; name: string; groupName: string }>> {
    return em.query(
      `SELECT o.id, o.name, g.name AS "groupName"
         FROM options o JOIN option_groups g ON g.id = o.group_id
        WHERE o.store_id = $1 AND o.id = ANY($2::uuid[])`,
      [storeId, ids],
    );
  }

  // ---- menus → groups ----

  /** The store's groups among `ids` (to tell the caller which one is not found). */
  async existingGroupIds(em: EntityManager, storeId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM option_groups WHERE store_id = $1 AND id = ANY($2::uuid[]) FOR KEY SHARE`,
      [storeId, ids],
    );
    return rows.map((r) => r.id);
  }

  /** Replaces the menu's list of groups with `ids`, in that order. */
  async setMenuGroups(em: EntityManager, storeId: string, menuId: string, ids: string[]): Promise<void> {
    // Two statements: rows deleted and re-inserted by one statement would meet their own primary key.
    await em.query(`DELETE FROM menu_option_groups WHERE store_id = $1 AND menu_id = $2`, [storeId, menuId]);
    if (ids.length === 0) return;
    await em.query(
      `INSERT INTO menu_option_groups (store_id, menu_id, group_id, position)
       SELECT $1, $2, l.id, l.pos - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS l(id, pos)`,
      [storeId, menuId, ids],
    );
  }
}
