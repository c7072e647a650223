import { bearer } from '../utils/auth';
import { image, ISO, MenusWorld, UNKNOWN_ID, UUID } from './support/menus';

describe('admin menus', () => {
  const w = MenusWorld.use();

  // Menus are added to it but never reordered or counted: tests that do make a category of their own.
  let mains: { id: string };

  beforeAll(async () => {
    mains = await w.newCategory('Menu tests: mains');
  });

  it('creates a menu with defaults, appended last in its category', async () => {
    const mains = await w.newCategory('Menu tests: defaults');
    const res = await w.t
      .http()
      .post('/api/v1/admin/menus')
      .set(...w.adminA())
      .send({ categoryId: mains.id, name: ' Bibimbap ', price: 9000 })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      categoryId: mains.id,
      name: 'Bibimbap',
      description: null,
      price: 9000,
      imageUrl: null,
      thumbnailUrl: null,
      isAvailable: true,
      displayOrder: 0,
      optionGroupIds: [],
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
    const second = await w.newMenu(mains.id, { description: 'Spicy', isAvailable: false, price: 0 });
    expect(second).toMatchObject({ displayOrder: 1, description: 'Spicy', isAvailable: false, price: 0 });
    const third = await w.newMenu(mains.id, { price: 10_000_000, description: 'd'.repeat(1000) });
    expect(third).toMatchObject({ displayOrder: 2, price: 10_000_000 });
    const fetched = await w.t
      .http()
      .get(`/api/v1/admin/menus/${res.body.id}`)
      .set(...w.adminA())
      .expect(200);
    expect(fetched.body).toEqual(res.body);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'n'.repeat(101) }, 'name'],
    [{ name: undefined }, 'name'],
    [{ price: -1 }, 'price'],
    [{ price: 10_000_001 }, 'price'],
    [{ price: 1.5 }, 'price'],
    [{ price: '1000' }, 'price'],
    [{ price: undefined }, 'price'],
    [{ description: 'd'.repeat(1001) }, 'description'],
    [{ description: 5 }, 'description'],
    [{ isAvailable: 'yes' }, 'isAvailable'],
    [{ isAvailable: null }, 'isAvailable'],
    [{ categoryId: 'not-a-uuid' }, 'categoryId'],
    [{ imageUrl: '/uploads/x.png' }, 'imageUrl'],
  ])('refuses a create with %j: 400 on %s', async (override, field) => {
    const body: Record<string, unknown> = { categoryId: mains.id, name: 'Valid', price: 1000, ...override };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    const res = await w.t
      .http()
      .post('/api/v1/admin/menus')
      .set(...w.adminA())
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a category of another store or an unknown one with 404 CATEGORY_NOT_FOUND', async () => {
    const foreign = await w.newCategory('Menu tests: foreign', w.b);
    for (const categoryId of [foreign.id, UNKNOWN_ID]) {
      const res = await w.t
        .http()
        .post('/api/v1/admin/menus')
        .set(...w.adminA())
        .send({ categoryId, name: 'Sneaky', price: 1 });
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('CATEGORY_NOT_FOUND');
    }
  });

  it('lists the store’s menus, optionally by category; foreign category 404, malformed 400', async () => {
    const fixture = await w.freshStore(0);
    const c1 = await w.newCategory('One', fixture);
    const c2 = await w.newCategory('Two', fixture);
    const m1 = await w.newMenu(c2.id, { name: 'B' }, fixture);
    const m2 = await w.newMenu(c1.id, { name: 'A' }, fixture);
    const auth = bearer(fixture.admin.token);
    const all = await w.t
      .http()
      .get('/api/v1/admin/menus')
      .set(...auth)
      .expect(200);
    expect(all.body.map((m: { id: string }) => m.id)).toEqual([m2.id, m1.id]);
    const some = await w.t
      .http()
      .get(`/api/v1/admin/menus?categoryId=${c2.id}`)
      .set(...auth)
      .expect(200);
    expect(some.body).toEqual([m1]);
    const foreign = await w.t
      .http()
      .get(`/api/v1/admin/menus?categoryId=${mains.id}`)
      .set(...auth);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error_code).toBe('CATEGORY_NOT_FOUND');
    const malformed = await w.t
      .http()
      .get('/api/v1/admin/menus?categoryId=abc')
      .set(...auth);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe('VALIDATION_ERROR');
  });

  it('updates any field; description null clears it; null for the others is 400', async () => {
    const menu = await w.newMenu(mains.id, { name: 'Stew', description: 'Hot' });
    const res = await w.t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...w.adminA())
      .send({ name: 'Kimchi Stew', price: 8500, isAvailable: false })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'Kimchi Stew',
      price: 8500,
      isAvailable: false,
      description: 'Hot',
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(menu.updatedAt as string));
    const cleared = await w.t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...w.adminA())
      .send({ description: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ name: 'Kimchi Stew', description: null });
    for (const body of [
      { name: null },
      { price: null },
      { isAvailable: null },
      { categoryId: null },
      { price: 20_000_000 },
      { name: '' },
      { unknown: 1 },
    ]) {
      const bad = await w.t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...w.adminA())
        .send(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('VALIDATION_ERROR');
    }
  });

  it('a PATCH that changes nothing leaves the menu as it was, updatedAt included', async () => {
    const menu = await w.newMenu(mains.id, { name: 'Unchanged', description: 'Same' });
    for (const body of [{}, { name: 'Unchanged', description: 'Same', categoryId: mains.id }]) {
      const res = await w.t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...w.adminA())
        .send(body)
        .expect(200);
      expect(res.body).toEqual(menu);
    }
    const changed = await w.t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...w.adminA())
      .send({ name: 'Changed' })
      .expect(200);
    expect(changed.body.name).toBe('Changed');
    expect(Date.parse(changed.body.updatedAt)).toBeGreaterThan(Date.parse(menu.updatedAt as string));
  });

  it('moving a menu to another category appends it last there', async () => {
    const sides = await w.newCategory('Menu tests: sides');
    await w.newMenu(sides.id);
    await w.newMenu(sides.id);
    const menu = await w.newMenu(mains.id);
    const res = await w.t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...w.adminA())
      .send({ categoryId: sides.id })
      .expect(200);
    expect(res.body).toMatchObject({ categoryId: sides.id, displayOrder: 2 });
    const foreign = await w.newCategory('Menu tests: foreign target', w.b);
    const bad = await w.t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...w.adminA())
      .send({ categoryId: foreign.id });
    expect(bad.status).toBe(404);
    expect(bad.body.error_code).toBe('CATEGORY_NOT_FOUND');
  });

  it('answers 404 MENU_NOT_FOUND for another store’s, an unknown or a deleted menu', async () => {
    const foreignCategory = await w.newCategory('Menu tests: b', w.b);
    const foreign = await w.newMenu(foreignCategory.id, {}, w.b);
    const deleted = await w.newMenu(mains.id);
    await w.t
      .http()
      .delete(`/api/v1/admin/menus/${deleted.id}`)
      .set(...w.adminA())
      .expect(204);
    for (const id of [foreign.id, UNKNOWN_ID, deleted.id]) {
      const calls = [
        w.t
          .http()
          .get(`/api/v1/admin/menus/${id}`)
          .set(...w.adminA()),
        w.t
          .http()
          .patch(`/api/v1/admin/menus/${id}`)
          .set(...w.adminA())
          .send({ price: 1 }),
        w.t
          .http()
          .delete(`/api/v1/admin/menus/${id}`)
          .set(...w.adminA()),
        w.t
          .http()
          .delete(`/api/v1/admin/menus/${id}/image`)
          .set(...w.adminA()),
        w.t
          .http()
          .put(`/api/v1/admin/menus/${id}/image`)
          .set(...w.adminA())
          .attach('image', image('sample.png'), { filename: 'a.png', contentType: 'image/png' }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(404);
        expect(res.body.error_code).toBe('MENU_NOT_FOUND');
      }
    }
    const untouched = await w.t
      .http()
      .get(`/api/v1/admin/menus/${foreign.id}`)
      .set(...w.adminB())
      .expect(200);
    expect(untouched.body.price).toBe(foreign.price);
    for (const url of ['/api/v1/admin/menus/not-a-uuid', '/api/v1/admin/menus/123']) {
      const res = await w.t
        .http()
        .get(url)
        .set(...w.adminA());
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
    }
  });

  it('reorders the menus of one category; incomplete, repeated, deleted or foreign ids are 400', async () => {
    const category = await w.newCategory('Menu tests: reorder');
    const [m1, m2, m3] = [
      await w.newMenu(category.id),
      await w.newMenu(category.id),
      await w.newMenu(category.id),
    ];
    const gone = await w.newMenu(category.id);
    await w.t
      .http()
      .delete(`/api/v1/admin/menus/${gone.id}`)
      .set(...w.adminA())
      .expect(204);
    const res = await w.t
      .http()
      .put('/api/v1/admin/menus/order')
      .set(...w.adminA())
      .send({ categoryId: category.id, ids: [m3.id, m1.id, m2.id] })
      .expect(200);
    expect(res.body.map((m: { id: string; displayOrder: number }) => [m.id, m.displayOrder])).toEqual([
      [m3.id, 0],
      [m1.id, 1],
      [m2.id, 2],
    ]);
    const other = await w.newMenu(mains.id);
    for (const ids of [
      [m3.id, m1.id],
      [m3.id, m1.id, m2.id, m2.id],
      [m3.id, m1.id, m2.id, gone.id],
      [m3.id, m1.id, other.id],
    ]) {
      const bad = await w.t
        .http()
        .put('/api/v1/admin/menus/order')
        .set(...w.adminA())
        .send({ categoryId: category.id, ids });
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('VALIDATION_ERROR');
    }
    const foreign = await w.newCategory('Menu tests: reorder foreign', w.b);
    const notMine = await w.t
      .http()
      .put('/api/v1/admin/menus/order')
      .set(...w.adminA())
      .send({ categoryId: foreign.id, ids: [] });
    expect(notMine.status).toBe(404);
    expect(notMine.body.error_code).toBe('CATEGORY_NOT_FOUND');
    const list = await w.t
      .http()
      .get(`/api/v1/admin/menus?categoryId=${category.id}`)
      .set(...w.adminA())
      .expect(200);
    expect(list.body.map((m: { id: string }) => m.id)).toEqual([m3.id, m1.id, m2.id]);
    expect((await w.newMenu(category.id)).displayOrder).toBe(3);
  });
});
