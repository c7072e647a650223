import type { TestApp } from './app';
import { bearer, StoreFixture, storeFixture } from './auth';

export interface MenuView {
  categories: Array<{ id: string; name: string; items: Array<Record<string, unknown> & { name: string }> }>;
}

/** The menu cache's requests counted by result, read from the instance's /metrics. */
export async function menuCacheCount(app: TestApp, result: 'hit' | 'miss' | 'error'): Promise<number> {
  const res = await app.http().get('/metrics').expect(200);
  const line = res.text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('table_order_cache_requests_total{') &&
        l.includes('cache="menu"') &&
        l.includes(`result="${result}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A store with one table and one menu (Mains: Bibimbap, 9000 won), written through the admin API of `app`. */
export async function storeWithOneMenu(
  app: TestApp,
): Promise<{ store: StoreFixture; categoryId: string; menuId: string }> {
  const store = await storeFixture(app, 1);
  const admin = bearer(store.admin.token);
  const categoryId = (
    await app
      .http()
      .post('/api/v1/admin/categories')
      .set(...admin)
      .send({ name: 'Mains' })
      .expect(201)
  ).body.id as string;
  const menuId = (
    await app
      .http()
      .post('/api/v1/admin/menus')
      .set(...admin)
      .send({ categoryId, name: 'Bibimbap', price: 9000 })
      .expect(201)
  ).body.id as string;
  return { store, categoryId, menuId };
}

/** The menu as the store's first table reads it from `app`. */
export async function tableMenu(app: TestApp, store: StoreFixture): Promise<MenuView> {
  const res = await app
    .http()
    .get('/api/v1/menu')
    .set(...bearer(store.tables[0].token))
    .expect(200);
  return res.body as MenuView;
}

/** The two keys one store's menu takes in Redis: the cached view and its generation. */
export const menuCacheKeys = (prefix: string, storeId: string): string[] => [
  `${prefix}${storeId}:menu:generation`,
  `${prefix}${storeId}:menu:view`,
];
