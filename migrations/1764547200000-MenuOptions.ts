import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Option groups (맵기, 사이즈, 토핑 추가) and their options, per store; the ordered list of groups each menu offers;
 * and the order-side snapshots: each line keeps its menu's price (`menu_price`), every chosen option as
 * `[{optionId, groupName, name, price}]` and its note, and the order its note. Composite foreign keys keep a
 * menu from listing another store's group and an option from belonging to another store's group.
 *
 * Existing rows take the new shape: a line's menu_price is its unit_price (it had no options), options are `[]`,
 * notes null; archived orders (order_history.items) get the same three fields in each line.
 */
export class MenuOptions1764547200000 implements MigrationInterface {
  name = 'MenuOptions1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE option_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        name varchar(50) NOT NULL,
        min_select integer NOT NULL,
        max_select integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_option_groups_name CHECK (length(name) >= 1),
        CONSTRAINT ck_option_groups_min_select CHECK (min_select BETWEEN 0 AND 20),
        CONSTRAINT ck_option_groups_max_select CHECK (max_select BETWEEN 1 AND 20 AND max_select >= min_select),
        CONSTRAINT uq_option_groups_store_name UNIQUE (store_id, name),
        CONSTRAINT uq_option_groups_store_id UNIQUE (store_id, id)
      )`);
    await q.query(`CREATE INDEX ix_option_groups_store_created ON option_groups (store_id, created_at)`);

    // The 1-30 options per group is kept by the service under the group's row lock: not a row constraint.
    await q.query(`
      CREATE TABLE options (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL,
        group_id uuid NOT NULL,
        name varchar(50) NOT NULL,
        price integer NOT NULL,
        is_available boolean NOT NULL DEFAULT true,
        display_order integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_options_group FOREIGN KEY (store_id, group_id)
          REFERENCES option_groups (store_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_options_name CHECK (length(name) >= 1),
        CONSTRAINT ck_options_price CHECK (price >= 0 AND price <= 1000000),
        CONSTRAINT ck_options_display_order CHECK (display_order >= 0),
        CONSTRAINT uq_options_group_name UNIQUE (group_id, name),
        CONSTRAINT uq_options_store_id UNIQUE (store_id, id)
      )`);
    await q.query(`CREATE INDEX ix_options_group_order ON options (group_id, display_order)`);

    // A menu's groups in the order the tablet shows them. Deleting a group takes it off every menu.
    await q.query(`
      CREATE TABLE menu_option_groups (
        store_id uuid NOT NULL,
        menu_id uuid NOT NULL,
        group_id uuid NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (menu_id, group_id),
        CONSTRAINT fk_menu_option_groups_menu FOREIGN KEY (store_id, menu_id)
          REFERENCES menus (store_id, id) ON DELETE CASCADE,
        CONSTRAINT fk_menu_option_groups_group FOREIGN KEY (store_id, group_id)
          REFERENCES option_groups (store_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_menu_option_groups_position CHECK (position BETWEEN 0 AND 9),
        CONSTRAINT uq_menu_option_groups_menu_position UNIQUE (menu_id, position)
      )`);
    await q.query(`CREATE INDEX ix_menu_option_groups_group ON menu_option_groups (group_id)`);

    // Order-side snapshots. The same menu may now appear on several lines, with other options or another note;
    // the same menu with the same options and note twice is refused (the quantity says "two").
    await q.query(`ALTER TABLE order_items DROP CONSTRAINT uq_order_items_order_menu`);
    await q.query(`
      ALTER TABLE order_items
        ADD COLUMN menu_price integer,
        ADD COLUMN options jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN note varchar(100)`);
    await q.query(`UPDATE order_items SET menu_price = unit_price`);
    await q.query(`
      ALTER TABLE order_items
        ALTER COLUMN menu_price SET NOT NULL,
        ADD CONSTRAINT ck_order_items_menu_price CHECK (menu_price >= 0 AND menu_price <= unit_price),
        ADD CONSTRAINT ck_order_items_options CHECK (jsonb_typeof(options) = 'array'),
        ADD CONSTRAINT ck_order_items_note CHECK (length(note) >= 1 AND note !~ '[\\x01-\\x09\\x0b-\\x1f\\x7f]')`);
    await q.query(
      `CREATE UNIQUE INDEX uq_order_items_order_line_choice
         ON order_items (order_id, menu_id, md5(options::text), coalesce(note, ''))`,
    );

    await q.query(`
      ALTER TABLE orders
        ADD COLUMN note varchar(200),
        ADD CONSTRAINT ck_orders_note CHECK (length(note) >= 1 AND note !~ '[\\x01-\\x09\\x0b-\\x1f\\x7f]')`);

    await q.query(`ALTER TABLE order_history ADD COLUMN note varchar(200)`);
    await q.query(`
      UPDATE order_history h
         SET items = (SELECT jsonb_agg(line || jsonb_build_object('menuPrice', line -> 'unitPrice',
                                                                   'options', '[]'::jsonb, 'note', null)
                                       ORDER BY n)
                        FROM jsonb_array_elements(h.items) WITH ORDINALITY AS l(line, n))
       WHERE jsonb_array_length(h.items) > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE order_history h
         SET items = (SELECT jsonb_agg((line - 'menuPrice' - 'options' - 'note') ORDER BY n)
                        FROM jsonb_array_elements(h.items) WITH ORDINALITY AS l(line, n))
       WHERE jsonb_array_length(h.items) > 0`);
    await q.query(`ALTER TABLE order_history DROP COLUMN note`);
    await q.query(`ALTER TABLE orders DROP COLUMN note`);
    await q.query(`DROP INDEX uq_order_items_order_line_choice`);
    await q.query(`ALTER TABLE order_items DROP COLUMN menu_price, DROP COLUMN options, DROP COLUMN note`);
    await q.query(
      `ALTER TABLE order_items ADD CONSTRAINT uq_order_items_order_menu UNIQUE (order_id, menu_id)`,
    );
    await q.query(`DROP TABLE menu_option_groups`);
    await q.query(`DROP TABLE options`);
    await q.query(`DROP TABLE option_groups`);
  }
}
