import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApp, TestApp, TestEnv } from '../../utils/app';
import { bearer, StoreFixture, storeFixture } from '../../utils/auth';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'images');
export const image = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export type MenuBody = Record<string, unknown> & { id: string };
export interface MenuView {
  categories: Array<{
    id: string;
    name: string;
    displayOrder: number;
    items: Array<Record<string, unknown>>;
  }>;
}

/**
 * One application and two stores (`a`, `b`, one table each) for the menu and category tests, started before the
 * file's tests and stopped after them. Tests that count or order what a store holds make a store of their own
 * with `freshStore()`, so that no test depends on what another one created.
 */
export class MenusWorld {
  t!: TestApp & { env: TestEnv; stop(): Promise<void> };
  a!: StoreFixture;
  b!: StoreFixture;

  static use(): MenusWorld {
    const world = new MenusWorld();
    beforeAll(async () => {
      world.t = await startTestApp();
      world.a = await storeFixture(world.t, 1);
      world.b = await storeFixture(world.t, 1);
    });
    afterAll(async () => {
      await world.t?.stop();
    });
    return world;
  }

  adminA = (): [string, string] => bearer(this.a.admin.token);
  adminB = (): [string, string] => bearer(this.b.admin.token);
  tableA = (): [string, string] => bearer(this.a.tables[0].token);

  freshStore(tables = 0): Promise<StoreFixture> {
    return storeFixture(this.t, tables);
  }

  async newCategory(name: string, fixture = this.a): Promise<{ id: string; name: string }> {
    const res = await this.t
      .http()
      .post('/api/v1/admin/categories')
      .set(...bearer(fixture.admin.token))
      .send({ name });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  }

  async newMenu(categoryId: string, body: Record<string, unknown> = {}, fixture = this.a): Promise<MenuBody> {
    const res = await this.t
      .http()
      .post('/api/v1/admin/menus')
      .set(...bearer(fixture.admin.token))
      .send({ categoryId, name: `Menu ${Math.random().toString(36).slice(2, 8)}`, price: 1000, ...body });
    expect(res.status).toBe(201);
    return res.body as MenuBody;
  }

  async readMenu(auth = this.tableA()): Promise<MenuView> {
    const res = await this.t
      .http()
      .get('/api/v1/menu')
      .set(...auth);
    expect(res.status).toBe(200);
    return res.body as MenuView;
  }
}
