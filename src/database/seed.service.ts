import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as bcrypt from 'bcrypt';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config';

export const DEMO = {
  storeCode: 'demo',
  storeName: 'Demo Bistro',
  admin: { username: 'admin', password: 'admin1234' },
  tablePassword: '1234',
  tables: [1, 2, 3, 4, 5],
  // Korean menus are full of choices: a spice level, a size, toppings. Menus name the groups they offer.
  optionGroups: [
    {
      name: 'Spice level (맵기)',
      minSelect: 1,
      maxSelect: 1,
      options: [
        ['Mild (순한맛)', 0],
        ['Medium (보통)', 0],
        ['Hot (매운맛)', 0],
      ],
    },
    {
      name: 'Size (사이즈)',
      minSelect: 1,
      maxSelect: 1,
      options: [
        ['Regular (보통)', 0],
        ['Large (곱빼기)', 2000],
      ],
    },
    {
      name: 'Toppings (토핑 추가)',
      minSelect: 0,
      maxSelect: 3,
      options: [
        ['Cheese (치즈)', 1000],
        ['Fried egg (계란후라이)', 1000],
        ['Ramen noodles (라면사리)', 1500],
        ['Rice cake (떡)', 1000],
      ],
    },
  ],
  menuOptionGroups: {
    Bibimbap: ['Toppings (토핑 추가)'],
    'Kimchi Stew': ['Spice level (맵기)', 'Toppings (토핑 추가)'],
    'Cold Noodles': ['Size (사이즈)'],
  } as Record<string, readonly string[]>,
  categories: [
    {
      name: 'Mains',
      menus: [
        ['Bibimbap', 9000],
        ['Bulgogi', 13000],
        ['Kimchi Stew', 8500],
        ['Cold Noodles', 9500],
      ],
    },
    {
      name: 'Sides',
      menus: [
        ['Seafood Pancake', 12000],
        ['Fried Dumplings', 6000],
        ['Rolled Omelette', 7000],
      ],
    },
    {
      name: 'Drinks',
      menus: [
        ['Soju', 5000],
        ['Beer', 5000],
        ['Cola', 2000],
      ],
    },
  ],
} as const;

/**
 * Bootstrap data, written once with plain SQL because it precedes every module's rules: the first superadmin
 * (SUPERADMIN_USERNAME/PASSWORD, when none exists) and, with DEMO_SEED on an empty database, a demo store with
 * an admin, 5 tables, 3 categories, 10 menus and 3 option groups. The only queries outside a repository, on purpose.
 */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedService.name);
  /** Set when the demo store exists, so start-up can print how to log in. */
  demoStoreReady = false;
  /** Run once the demo store was created and committed (the menus module gives its menus pictures). */
  private readonly afterDemo: Array<(storeId: string) => Promise<void>> = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.superadmin) await this.ensureSuperadmin(this.config.superadmin);
    if (this.config.demoSeed) await this.seedDemo();
  }

  private async ensureSuperadmin(superadmin: { username: string; password: string }): Promise<void> {
    const hash = await bcrypt.hash(superadmin.password, this.config.bcryptCost);
    await this.dataSource.transaction(async (em) => {
      // One statement decides "none exists" and inserts, so two pods booting together create one superadmin.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('table-order:seed'))`);
      const existing: unknown[] = await em.query(
        `SELECT 1 FROM admin_users WHERE role = 'super_admin' LIMIT 1`,
      );
      if (existing.length > 0) return;
      await em.query(
        `INSERT INTO admin_users (store_id, username, password_hash, role) VALUES (NULL, $1, $2, 'super_admin')`,
        [superadmin.username, hash],
      );
      this.logger.log({ username: superadmin.username }, 'superadmin created');
    });
  }

  /** Registers work for after the demo store's creation; call before bootstrap (in onModuleInit). */
  onDemoCreated(hook: (storeId: string) => Promise<void>): void {
    this.afterDemo.push(hook);
  }

  private async seedDemo(): Promise<void> {
    const adminHash = await bcrypt.hash(DEMO.admin.password, this.config.bcryptCost);
    const tableHash = await bcrypt.hash(DEMO.tablePassword, this.config.bcryptCost);
    const created = await this.dataSource.transaction(async (em): Promise<string | null> => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('table-order:seed'))`);
      const demo: unknown[] = await em.query(`SELECT 1 FROM stores WHERE code = $1`, [DEMO.storeCode]);
      if (demo.length > 0) {
        this.demoStoreReady = true;
        return null;
      }
      const anyStore: unknown[] = await em.query(`SELECT 1 FROM stores LIMIT 1`);
      if (anyStore.length > 0) return null;
      const storeId = await this.insertDemo(em, adminHash, tableHash);
      this.demoStoreReady = true;
      this.logger.log({ storeCode: DEMO.storeCode }, 'demo store created');
      return storeId;
    });
    if (created) for (const hook of this.afterDemo) await hook(created);
  }

  private async insertDemo(em: EntityManager, adminHash: string, tableHash: string): Promise<string> {
    const [{ id: storeId }] = (await em.query(
      `INSERT INTO stores (code, name) VALUES ($1, $2) RETURNING id`,
      [DEMO.storeCode, DEMO.storeName],
    )) as Array<{ id: string }>;
    await em.query(
      `INSERT INTO admin_users (store_id, username, password_hash, role) VALUES ($1, $2, $3, 'store_admin')`,
      [storeId, DEMO.admin.username, adminHash],
    );
    for (const number of DEMO.tables) {
      await em.query(`INSERT INTO tables (store_id, number, password_hash) VALUES ($1, $2, $3)`, [
        storeId,
        number,
        tableHash,
      ]);
    }
    const groupIds = new Map<string, string>();
    for (const group of DEMO.optionGroups) {
      const [{ id: groupId }] = (await em.query(
        `INSERT INTO option_groups (store_id, name, min_select, max_select) VALUES ($1, $2, $3, $4) RETURNING id`,
        [storeId, group.name, group.minSelect, group.maxSelect],
      )) as Array<{ id: string }>;
      groupIds.set(group.name, groupId);
      for (const [optionOrder, [name, price]] of group.options.entries()) {
        await em.query(
          `INSERT INTO options (store_id, group_id, name, price, display_order) VALUES ($1, $2, $3, $4, $5)`,
          [storeId, groupId, name, price, optionOrder],
        );
      }
    }
    for (const [categoryOrder, category] of DEMO.categories.entries()) {
      const [{ id: categoryId }] = (await em.query(
        `INSERT INTO menu_categories (store_id, name, display_order) VALUES ($1, $2, $3) RETURNING id`,
        [storeId, category.name, categoryOrder],
      )) as Array<{ id: string }>;
      for (const [menuOrder, [name, price]] of category.menus.entries()) {
        const [{ id: menuId }] = (await em.query(
          `INSERT INTO menus (store_id, category_id, name, price, display_order) VALUES ($1, $2, $3, $4, $5)
           RETURNING id`,
          [storeId, categoryId, name, price, menuOrder],
        )) as Array<{ id: string }>;
        for (const [position, group] of (DEMO.menuOptionGroups[name] ?? []).entries()) {
          await em.query(
            `INSERT INTO menu_option_groups (store_id, menu_id, group_id, position) VALUES ($1, $2, $3, $4)`,
            [storeId, menuId, groupIds.get(group), position],
          );
        }
      }
    }
    return storeId;
  }
}
