import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../database/query-result';
import { updateSets } from '../../database/update-sets';
import { LIST_OPTION_GROUPS, type OptionGroupRow } from './option-groups.repository';

export interface CategoryRow {
  id: string;
  name: string;
  displayOrder: number;
  menuCount: number;
}

export interface MenuRow {
  id: string;
  categoryId: string;
  name: string;
  description: string | null;
  price: number;
  imagePath: string | null;
  thumbnailPath: string | null;
  isAvailable: boolean;
  displayOrder: number;
  /** The menu's option groups in its order; json (parsed by pg and PGlite alike, text accepted too). */
  optionGroupIds: string[] | string;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns a menu update may set; the service decides which, the SQL names are fixed here. */
export interface MenuPatch {
  categoryId?: string;
  name?: string;
  description?: string | null;
  price?: number;
  isAvailable?: boolean;
  displayOrder?: number;
  imagePath?: string | null;
  thumbnailPath?: string | null;
}

const MENU_COLUMNS: Record<keyof MenuPatch, string> = {
  categoryId: 'category_id',
  name: 'name',
  description: 'description',
  price: 'price',
  isAvailable: 'is_available',
  displayOrder: 'display_order',
  imagePath: 'image_path',
  thumbnailPath: 'thumbnail_path',
};

const MENU_SELECT = `m.id, m.category_id AS "categoryId", m.name, m.description, m.price::int AS price,
  m.image_path AS "imagePath", m.thumbnail_path AS "thumbnailPath", m.is_available AS "isAvailable",
  m.display_order::int AS "displayOrder",
  (SELECT coalesce(json_agg(mg.group_id ORDER BY mg.position), '[]'::json)
     FROM menu_option_groups mg WHERE mg.menu_id = m.id) AS "optionGroupIds",
  m.created_at AS "createdAt", m.updated_at AS "updatedAt"`;

/** Ties (rows written before a reorder) are broken by age, then id, so every list has one stable order. */
const MENU_ORDER = `m.display_order, m.created_at, m.id`;

/**
 * Every query of categories and menus. Each method takes the transaction's EntityManager when it is part of
 * one; reads outside a transaction use the DataSource. Every query is scoped by store: a foreign id finds nothing.
 */
@Injectable()
export class MenusRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Serializes the writes to one store's menu structure (appending last, reordering, deleting a category),
   * so two concurrent creates cannot take the same display order. Released at commit.
   */
  async lockStoreMenus(em: EntityManager, storeId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`, [`menus:${storeId}`]);
  }

  // ---- categories ----

  async listCategories(storeId: string, em?: EntityManager): Promise<CategoryRow[]> {
    return this.q(em).query(
      `SELECT c.id, c.name, c.display_order::int AS "displayOrder", count(m.id)::int AS "menuCount"
         FROM menu_categories c
         LEFT JOIN menus m ON m.store_id = c.store_id AND m.category_id = c.id AND m.deleted_at IS NULL
        WHERE c.store_id = $1
        GROUP BY c.id
        ORDER BY c.display_order, c.created_at, c.id`,
      [storeId],
    );
  }

  async findCategory(storeId: string, id: string, em?: EntityManager): Promise<CategoryRow | null> {
    const rows: CategoryRow[] = await this.q(em).query(
      `SELECT c.id, c.name, c.display_order::int AS "displayOrder",
              (SELECT count(*) FROM menus m
                WHERE m.store_id = c.store_id AND m.category_id = c.id AND m.deleted_at IS NULL)::int AS "menuCount"
         FROM menu_categories c
        WHERE c.store_id = $1 AND c.id = $2`,
      [storeId, id],
    );
    return rows[0] ?? null;
  }

  /** Appended after the store's last category. Call under lockStoreMenus. */
  async insertCategory(em: EntityManager, storeId: string, name: string): Promise<string> {
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO menu_categories (store_id, name, display_order)
       VALUES ($1, $2, (SELECT coalesce(max(display_order) + 1, 0) FROM menu_categories WHERE store_id = $1))
       RETURNING id`,
      [storeId, name],
    );
    return rows[0].id;
  }

  async renameCategory(em: EntityManager, storeId: string, id: string, name: string): Promise<boolean> {
    const result: unknown = await em.query(
      `UPDATE menu_categories SET name = $3, updated_at = now() WHERE store_id = $1 AND id = $2 RETURNING id`,
      [storeId, id, name],
    );
    return returnedRows(result).length > 0;
  }

  /** Removes the category; the schema's foreign key cascades its soft-deleted menus. */
  async deleteCategory(em: EntityManager, storeId: string, id: string): Promise<void> {
    await em.query(`DELETE FROM menu_categories WHERE store_id = $1 AND id = $2`, [storeId, id]);
  }

  async categoryIds(em: EntityManager, storeId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await em.query(`SELECT id FROM menu_categories WHERE store_id = $1`, [
      storeId,
    ]);
    return rows.map((r) => r.id);
  }

  /** displayOrder becomes each id's position in `ids` (0, 1, 2, …), in one statement. */
  async setCategoryOrder(em: EntityManager, storeId: string, ids: string[]): Promise<void> {
    await em.query(
      `UPDATE menu_categories c SET display_order = o.pos - 1, updated_at = now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, pos)
        WHERE c.store_id = $1 AND c.id = o.id AND c.display_order <> o.pos - 1`,
      [storeId, ids],
    );
  }

  // ---- menus ----

  async listMenus(storeId: string, categoryId?: string, em?: EntityManager): Promise<MenuRow[]> {
    const params: unknown[] = [storeId];
    let filter = '';
    if (categoryId) {
      params.push(categoryId);
      filter = 'AND m.category_id = $2';
    }
    return this.q(em).query(
      `SELECT ${MENU_SELECT}
         FROM menus m JOIN menu_categories c ON c.store_id = m.store_id AND c.id = m.category_id
        WHERE m.store_id = $1 AND m.deleted_at IS NULL ${filter}
        ORDER BY c.display_order, c.created_at, c.id, ${MENU_ORDER}`,
      params,
    );
  }

  /** A menu of the store that is not deleted; `lock` holds its row until the transaction ends. */
  async findMenu(
    storeId: string,
    id: string,
    em?: EntityManager,
    options: { lock?: boolean } = {},
  ): Promise<MenuRow | null> {
    const rows: MenuRow[] = await this.q(em).query(
      `SELECT ${MENU_SELECT} FROM menus m
        WHERE m.store_id = $1 AND m.id = $2 AND m.deleted_at IS NULL ${options.lock ? 'FOR UPDATE' : ''}`,
      [storeId, id],
    );
    return rows[0] ?? null;
  }

  /** The display order that puts a menu after the category's last one. Call under lockStoreMenus. */
  async nextMenuOrder(em: EntityManager, storeId: string, categoryId: string): Promise<number> {
    const rows: Array<{ next: number }> = await em.query(
      `SELECT coalesce(max(display_order) + 1, 0)::int AS next FROM menus
        WHERE store_id = $1 AND category_id = $2 AND deleted_at IS NULL`,
      [storeId, categoryId],
    );
    return rows[0].next;
  }

  async insertMenu(
    em: EntityManager,
    storeId: string,
    values: Required<Omit<MenuPatch, 'imagePath' | 'thumbnailPath'>>,
  ): Promise<MenuRow> {
    const rows: MenuRow[] = await em.query(
      `INSERT INTO menus AS m (store_id, category_id, name, description, price, is_available, display_order)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${MENU_SELECT}`,
      [
        storeId,
        values.categoryId,
        values.name,
        values.description,
        values.price,
        values.isAvailable,
        values.displayOrder,
      ],
    );
    return rows[0];
  }

  async updateMenu(
    em: EntityManager,
    storeId: string,
    id: string,
    patch: MenuPatch,
  ): Promise<MenuRow | null> {
    const params: unknown[] = [storeId, id];
    const sets = updateSets(patch, MENU_COLUMNS, params);
    const result: unknown = await em.query(
      `UPDATE menus AS m SET ${sets}
        WHERE m.store_id = $1 AND m.id = $2 AND m.deleted_at IS NULL
        RETURNING ${MENU_SELECT}`,
      params,
    );
    return returnedRows<MenuRow>(result)[0] ?? null;
  }

  /** Soft delete: the row stays for order lines; its image references go with it. */
  async softDeleteMenu(em: EntityManager, storeId: string, id: string): Promise<void> {
    await em.query(
      `UPDATE menus SET deleted_at = now(), image_path = NULL, thumbnail_path = NULL, updated_at = now()
        WHERE store_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [storeId, id],
    );
  }

  async menuIdsOfCategory(em: EntityManager, storeId: string, categoryId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM menus WHERE store_id = $1 AND category_id = $2 AND deleted_at IS NULL`,
      [storeId, categoryId],
    );
    return rows.map((r) => r.id);
  }

  async setMenuOrder(em: EntityManager, storeId: string, categoryId: string, ids: string[]): Promise<void> {
    await em.query(
      `UPDATE menus m SET display_order = o.pos - 1, updated_at = now()
         FROM unnest($3::uuid[]) WITH ORDINALITY AS o(id, pos)
        WHERE m.store_id = $1 AND m.category_id = $2 AND m.id = o.id AND m.deleted_at IS NULL
          AND m.display_order <> o.pos - 1`,
      [storeId, categoryId, ids],
    );
  }

  /**
   * What tablets see, in three queries whatever the menu size: the categories, every visible menu of the store
   * in display order (with its groups' ids), and the store's option groups with their options. Read in one snapshot so a concurrent move cannot show a menu in no category.
   */
  async menuView(
    storeId: string,
  ): Promise<{ categories: CategoryRow[]; menus: MenuRow[]; groups: OptionGroupRow[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const categories: CategoryRow[] = await em.query(
        `SELECT c.id, c.name, c.display_order::int AS "displayOrder", 0 AS "menuCount"
           FROM menu_categories c WHERE c.store_id = $1
          ORDER BY c.display_order, c.created_at, c.id`,
        [storeId],
      );
      const menus: MenuRow[] = await em.query(
        `SELECT ${MENU_SELECT} FROM menus m
          WHERE m.store_id = $1 AND m.deleted_at IS NULL
          ORDER BY ${MENU_ORDER}`,
        [storeId],
      );
      const groups: OptionGroupRow[] = await em.query(LIST_OPTION_GROUPS, [storeId]);
      return { categories, menus, groups };
    });
  }

  /**
   * Which of these stored names a menu of any store points at (the orphan sweep keeps those). Not scoped by
   * store on purpose: a storage holds every store's images.
   */
  async referencedImages(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT image_path AS name FROM menus WHERE image_path = ANY($1::text[])
        UNION
       SELECT thumbnail_path FROM menus WHERE thumbnail_path = ANY($1::text[])`,
      [names],
    );
    return new Set(rows.map((r) => r.name));
  }
}
