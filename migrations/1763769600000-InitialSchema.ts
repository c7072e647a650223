import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole data model. Tenant integrity is enforced by the database, not only by services: every child row
 * carries store_id, and composite foreign keys (store_id, x_id) → x(store_id, id) make a row of one store
 * unable to point at another store's table, session, category or menu. Constraint names are mapped to API
 * error codes in src/common/errors/constraint-errors.ts.
 */
export class InitialSchema1763769600000 implements MigrationInterface {
  name = 'InitialSchema1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stores (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(30) NOT NULL,
        name varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_stores_code UNIQUE (code),
        CONSTRAINT ck_stores_code CHECK (code ~ '^[a-z0-9-]{3,30}$'),
        CONSTRAINT ck_stores_name CHECK (length(name) >= 1)
      )`);

    await q.query(`
      CREATE TABLE admin_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid REFERENCES stores (id) ON DELETE CASCADE,
        username varchar(30) NOT NULL,
        password_hash varchar(100) NOT NULL,
        role varchar(20) NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_admin_users_role CHECK (role IN ('store_admin', 'super_admin')),
        CONSTRAINT ck_admin_users_role_store CHECK ((role = 'super_admin') = (store_id IS NULL)),
        CONSTRAINT ck_admin_users_username CHECK (username ~ '^[a-z0-9._-]{3,30}$'),
        CONSTRAINT uq_admin_users_store_username UNIQUE (store_id, username)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_admin_users_superadmin_username ON admin_users (username) WHERE store_id IS NULL`,
    );

    await q.query(`
      CREATE TABLE tables (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        number integer NOT NULL,
        password_hash varchar(100) NOT NULL,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_tables_number CHECK (number BETWEEN 1 AND 999),
        CONSTRAINT uq_tables_store_number UNIQUE (store_id, number),
        CONSTRAINT uq_tables_store_id UNIQUE (store_id, id)
      )`);

    await q.query(`
      CREATE TABLE table_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL,
        table_id uuid NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        CONSTRAINT fk_table_sessions_table FOREIGN KEY (store_id, table_id)
          REFERENCES tables (store_id, id) ON DELETE CASCADE,
        CONSTRAINT uq_table_sessions_store_id UNIQUE (store_id, id),
        CONSTRAINT ck_table_sessions_ended CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    // At most one active session per table: the rule 이용 완료 relies on.
    await q.query(
      `CREATE UNIQUE INDEX uq_table_sessions_active ON table_sessions (table_id) WHERE ended_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE menu_categories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        name varchar(50) NOT NULL,
        display_order integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_menu_categories_name CHECK (length(name) >= 1),
        CONSTRAINT ck_menu_categories_display_order CHECK (display_order >= 0),
        CONSTRAINT uq_menu_categories_store_name UNIQUE (store_id, name),
        CONSTRAINT uq_menu_categories_store_id UNIQUE (store_id, id)
      )`);

    // Deleted menus stay as rows (deleted_at) so an order line can still name its menu id; orders keep their
    // own name and price snapshots. Deleting a category removes its deleted menus with it.
    await q.query(`
      CREATE TABLE menus (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL,
        category_id uuid NOT NULL,
        name varchar(100) NOT NULL,
        description varchar(1000),
        price integer NOT NULL,
        image_path varchar(255),
        is_available boolean NOT NULL DEFAULT true,
        display_order integer NOT NULL DEFAULT 0,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_menus_category FOREIGN KEY (store_id, category_id)
          REFERENCES menu_categories (store_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_menus_name CHECK (length(name) >= 1),
        CONSTRAINT ck_menus_price CHECK (price >= 0 AND price <= 10000000),
        CONSTRAINT ck_menus_display_order CHECK (display_order >= 0),
        CONSTRAINT uq_menus_store_id UNIQUE (store_id, id)
      )`);
    await q.query(
      `CREATE INDEX ix_menus_store_category_order ON menus (store_id, category_id, display_order) WHERE deleted_at IS NULL`,
    );

    // Per-store business-day order numbers. The row is locked by the UPDATE that takes the next number, so
    // numbers are unique and gap-free under concurrency.
    await q.query(`
      CREATE TABLE order_number_counters (
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        business_date date NOT NULL,
        last_number integer NOT NULL DEFAULT 0,
        PRIMARY KEY (store_id, business_date),
        CONSTRAINT ck_order_number_counters_last CHECK (last_number >= 0)
      )`);

    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL,
        table_id uuid NOT NULL,
        session_id uuid NOT NULL,
        order_number integer NOT NULL,
        business_date date NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'PENDING',
        total_amount integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_orders_table FOREIGN KEY (store_id, table_id) REFERENCES tables (store_id, id) ON DELETE CASCADE,
        CONSTRAINT fk_orders_session FOREIGN KEY (store_id, session_id)
          REFERENCES table_sessions (store_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_orders_status CHECK (status IN ('PENDING', 'PREPARING', 'COMPLETED')),
        CONSTRAINT ck_orders_total CHECK (total_amount >= 0),
        CONSTRAINT ck_orders_number CHECK (order_number > 0),
        CONSTRAINT uq_orders_store_day_number UNIQUE (store_id, business_date, order_number)
      )`);
    await q.query(`CREATE INDEX ix_orders_store_table_created ON orders (store_id, table_id, created_at)`);
    await q.query(`CREATE INDEX ix_orders_session_created ON orders (session_id, created_at)`);
    await q.query(`CREATE INDEX ix_orders_store_created ON orders (store_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE order_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no integer NOT NULL,
        menu_id uuid NOT NULL,
        menu_name varchar(100) NOT NULL,
        unit_price integer NOT NULL,
        quantity integer NOT NULL,
        CONSTRAINT ck_order_items_quantity CHECK (quantity > 0 AND quantity <= 100),
        CONSTRAINT ck_order_items_unit_price CHECK (unit_price >= 0),
        CONSTRAINT uq_order_items_order_line UNIQUE (order_id, line_no),
        CONSTRAINT uq_order_items_order_menu UNIQUE (order_id, menu_id)
      )`);

    // A deleted order leaves lists, totals and history, and is kept here with who deleted it and when.
    await q.query(`
      CREATE TABLE order_deletions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        order_id uuid NOT NULL,
        table_id uuid NOT NULL,
        session_id uuid NOT NULL,
        order_number integer NOT NULL,
        total_amount integer NOT NULL,
        snapshot jsonb NOT NULL,
        deleted_by uuid NOT NULL,
        deleted_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_order_deletions_order UNIQUE (order_id)
      )`);
    await q.query(
      `CREATE INDEX ix_order_deletions_store_deleted ON order_deletions (store_id, deleted_at DESC)`,
    );

    // History: archived sessions and their orders, self-contained (table number, menu names and prices are
    // snapshots), so deleting a table or a menu later changes nothing here.
    await q.query(`
      CREATE TABLE session_history (
        id uuid PRIMARY KEY,
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        table_id uuid NOT NULL,
        table_number integer NOT NULL,
        started_at timestamptz NOT NULL,
        completed_at timestamptz NOT NULL,
        order_count integer NOT NULL,
        total_amount integer NOT NULL,
        CONSTRAINT ck_session_history_total CHECK (total_amount >= 0),
        CONSTRAINT ck_session_history_count CHECK (order_count >= 0)
      )`);
    await q.query(
      `CREATE INDEX ix_session_history_store_table_completed ON session_history (store_id, table_id, completed_at DESC)`,
    );

    await q.query(`
      CREATE TABLE order_history (
        id uuid PRIMARY KEY,
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        session_id uuid NOT NULL REFERENCES session_history (id) ON DELETE CASCADE,
        table_id uuid NOT NULL,
        table_number integer NOT NULL,
        order_number integer NOT NULL,
        business_date date NOT NULL,
        status varchar(20) NOT NULL,
        total_amount integer NOT NULL,
        items jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        completed_at timestamptz NOT NULL,
        CONSTRAINT ck_order_history_status CHECK (status IN ('PENDING', 'PREPARING', 'COMPLETED')),
        CONSTRAINT ck_order_history_total CHECK (total_amount >= 0)
      )`);
    await q.query(`CREATE INDEX ix_order_history_session_created ON order_history (session_id, created_at)`);
    await q.query(
      `CREATE INDEX ix_order_history_store_table_created ON order_history (store_id, table_id, created_at DESC)`,
    );

    // Transactional outbox and replay log. `store_seq` is the SSE event id: it comes from a per-store counter
    // row locked in the writing transaction, so within a store ids increase in commit order and a replay
    // from Last-Event-ID can never skip an event that commits late. `id` orders the relay across stores.
    await q.query(`
      CREATE TABLE event_sequences (
        store_id uuid PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
        last_seq bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        store_seq bigint NOT NULL,
        type varchar(32) NOT NULL,
        table_id uuid,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CONSTRAINT ck_events_type CHECK (type IN ('new_order', 'order_updated', 'order_deleted', 'table_reset')),
        CONSTRAINT uq_events_store_seq UNIQUE (store_id, store_seq)
      )`);
    await q.query(`CREATE INDEX ix_events_unpublished ON events (id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX ix_events_created ON events (created_at)`);

    // Idempotency-Key of POST /orders, scoped to the table. The primary key claims the key inside the order's
    // transaction; the stored response is replayed for 24 h.
    await q.query(`
      CREATE TABLE idempotency_keys (
        table_id uuid NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
        key varchar(255) NOT NULL,
        store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
        request_hash char(64) NOT NULL,
        -- null until the order's transaction stores the response it answered with
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (table_id, key)
      )`);
    await q.query(`CREATE INDEX ix_idempotency_keys_expires ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_keys',
      'events',
      'event_sequences',
      'order_history',
      'session_history',
      'order_deletions',
      'order_items',
      'orders',
      'order_number_counters',
      'menus',
      'menu_categories',
      'table_sessions',
      'tables',
      'admin_users',
      'stores',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
