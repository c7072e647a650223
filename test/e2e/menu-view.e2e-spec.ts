import { createCategory, createMenu } from '../factories';
import { bearer } from '../utils/auth';
import { image, MenusWorld, MenuView } from './support/menus';

describe('GET /api/v1/menu (the menu tablets show)', () => {
  const w = MenusWorld.use();

  it('shows categories with their items in display order: sold-out included, deleted and empty left out', async () => {
    const fixture = await w.freshStore(1);
    const ds = w.t.dataSource;
    const storeId = fixture.store.id;
    // Rows written directly, as another instance (or the seed) would have: the read must not depend on them
    // having gone through this instance's cache invalidation.
    const drinks = await createCategory(ds, storeId, { name: 'Drinks', displayOrder: 1 });
    const mains = await createCategory(ds, storeId, { name: 'Mains', displayOrder: 0 });
    await createCategory(ds, storeId, { name: 'Empty', displayOrder: 2 });
    const onlyDeleted = await createCategory(ds, storeId, { name: 'Only deleted', displayOrder: 3 });
    const cola = await createMenu(ds, storeId, drinks.id, { name: 'Cola', price: 2000, displayOrder: 0 });
    const stew = await createMenu(ds, storeId, mains.id, {
      name: 'Stew',
      price: 8500,
      displayOrder: 1,
      description: 'Hot',
    });
    const rice = await createMenu(ds, storeId, mains.id, {
      name: 'Rice',
      price: 1000,
      displayOrder: 0,
      isAvailable: false,
    });
    const gone = await createMenu(ds, storeId, onlyDeleted.id, { name: 'Gone', price: 1 });
    await ds.query(`UPDATE menus SET deleted_at = now() WHERE id = $1`, [gone.id]);

    const body = await w.readMenu(bearer(fixture.tables[0].token));
    expect(body).toEqual({
      categories: [
        {
          id: mains.id,
          name: 'Mains',
          displayOrder: 0,
          items: [
            {
              id: rice.id,
              name: 'Rice',
              description: null,
              price: 1000,
              imageUrl: null,
              thumbnailUrl: null,
              isAvailable: false,
              displayOrder: 0,
              optionGroups: [],
            },
            {
              id: stew.id,
              name: 'Stew',
              description: 'Hot',
              price: 8500,
              imageUrl: null,
              thumbnailUrl: null,
              isAvailable: true,
              displayOrder: 1,
              optionGroups: [],
            },
          ],
        },
        {
          id: drinks.id,
          name: 'Drinks',
          displayOrder: 1,
          items: [
            {
              id: cola.id,
              name: 'Cola',
              description: null,
              price: 2000,
              imageUrl: null,
              thumbnailUrl: null,
              isAvailable: true,
              displayOrder: 0,
              optionGroups: [],
            },
          ],
        },
      ],
    });
    // Tenant isolation: another store's reader sees none of it.
    const other = await w.readMenu(w.adminB());
    expect(JSON.stringify(other)).not.toContain(mains.id);
  });

  it('reflects every admin change on the next read (the cache is invalidated)', async () => {
    const fixture = await w.freshStore(1);
    const admin = bearer(fixture.admin.token);
    const table = bearer(fixture.tables[0].token);
    const category = await w.newCategory('Grill', fixture);
    const menu = await w.newMenu(category.id, { name: 'Steak', price: 30000 }, fixture);
    const warm = await w.t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .expect(200);
    expect(warm.headers['content-type']).toMatch(/^application\/json/);
    expect((await w.readMenu(table)).categories[0].items[0]).toMatchObject({ price: 30000 });

    const steps: Array<[() => Promise<unknown>, (m: MenuView) => void]> = [
      [
        () =>
          w.t
            .http()
            .patch(`/api/v1/admin/menus/${menu.id}`)
            .set(...admin)
            .send({ price: 32000 }),
        (m) => expect(m.categories[0].items[0]).toMatchObject({ price: 32000 }),
      ],
      [
        () =>
          w.t
            .http()
            .patch(`/api/v1/admin/menus/${menu.id}`)
            .set(...admin)
            .send({ isAvailable: false }),
        (m) => expect(m.categories[0].items[0]).toMatchObject({ isAvailable: false }),
      ],
      [
        () =>
          w.t
            .http()
            .patch(`/api/v1/admin/categories/${category.id}`)
            .set(...admin)
            .send({ name: 'BBQ' }),
        (m) => expect(m.categories[0].name).toBe('BBQ'),
      ],
      [
        () => w.newMenu(category.id, { name: 'Ribs' }, fixture),
        (m) => expect(m.categories[0].items.map((i) => i.name)).toEqual(['Steak', 'Ribs']),
      ],
      [
        () =>
          w.t
            .http()
            .put(`/api/v1/admin/menus/${menu.id}/image`)
            .set(...admin)
            .attach('image', image('sample.jpg'), 'steak.jpg'),
        (m) =>
          expect(m.categories[0].items[0]).toMatchObject({
            imageUrl: expect.stringMatching(/\/[0-9a-f-]{36}\.jpg$/),
            thumbnailUrl: expect.stringMatching(/\/[0-9a-f-]{36}\.webp$/),
          }),
      ],
      [
        () =>
          w.t
            .http()
            .delete(`/api/v1/admin/menus/${menu.id}`)
            .set(...admin),
        (m) => expect(m.categories[0].items.map((i) => i.name)).toEqual(['Ribs']),
      ],
    ];
    for (const [change, check] of steps) {
      await change();
      check(await w.readMenu(table));
      check(await w.readMenu(admin));
    }
  });

  it('serves from the cache: a read after a direct database change still shows the cached menu', async () => {
    const fixture = await w.freshStore(1);
    const table = bearer(fixture.tables[0].token);
    const category = await w.newCategory('Cached', fixture);
    const menu = await w.newMenu(category.id, { price: 100 }, fixture);
    const first = await w.t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .expect(200);
    // A write that bypasses the API (and so the invalidation) is not seen until the entry expires.
    await w.t.dataSource.query(`UPDATE menus SET price = 999 WHERE id = $1`, [menu.id]);
    const second = await w.t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .expect(200);
    expect(second.text).toBe(first.text);
    await w.t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...bearer(fixture.admin.token))
      .send({ name: 'Renamed' })
      .expect(200);
    expect((await w.readMenu(table)).categories[0].items[0]).toMatchObject({ name: 'Renamed', price: 999 });
  });
});
