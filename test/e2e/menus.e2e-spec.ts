import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Test } from 'supertest';
import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'images');
const image = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('menus and categories', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let a: StoreFixture;
  let b: StoreFixture;
  const adminA = (): [string, string] => bearer(a.admin.token);
  const adminB = (): [string, string] => bearer(b.admin.token);
  const tableA = (): [string, string] => bearer(a.tables[0].token);

  beforeAll(async () => {
    t = await startTestApp();
    a = await storeFixture(t, 1);
    b = await storeFixture(t, 1);
  });
  afterAll(async () => {
    await t.stop();
  });

  async function newCategory(name: string, fixture = a): Promise<{ id: string; name: string }> {
    const res = await t
      .http()
      .post('/api/v1/admin/categories')
      .set(...bearer(fixture.admin.token))
      .send({ name });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  }

  async function newMenu(
    categoryId: string,
    body: Record<string, unknown> = {},
    fixture = a,
  ): Promise<Record<string, unknown> & { id: string }> {
    const res = await t
      .http()
      .post('/api/v1/admin/menus')
      .set(...bearer(fixture.admin.token))
      .send({ categoryId, name: `Menu ${Math.random().toString(36).slice(2, 8)}`, price: 1000, ...body });
    expect(res.status).toBe(201);
    return res.body as Record<string, unknown> & { id: string };
  }

  const readMenu = async (auth = tableA()) => {
    const res = await t
      .http()
      .get('/api/v1/menu')
      .set(...auth);
    expect(res.status).toBe(200);
    return res.body as {
      categories: Array<{
        id: string;
        name: string;
        displayOrder: number;
        items: Array<Record<string, unknown>>;
      }>;
    };
  };

  describe('access', () => {
    const adminRoutes: Array<[string, string]> = [
      ['get', '/api/v1/admin/categories'],
      ['post', '/api/v1/admin/categories'],
      ['patch', `/api/v1/admin/categories/${UNKNOWN_ID}`],
      ['delete', `/api/v1/admin/categories/${UNKNOWN_ID}`],
      ['put', '/api/v1/admin/categories/order'],
      ['get', '/api/v1/admin/menus'],
      ['post', '/api/v1/admin/menus'],
      ['get', `/api/v1/admin/menus/${UNKNOWN_ID}`],
      ['patch', `/api/v1/admin/menus/${UNKNOWN_ID}`],
      ['delete', `/api/v1/admin/menus/${UNKNOWN_ID}`],
      ['put', '/api/v1/admin/menus/order'],
      ['put', `/api/v1/admin/menus/${UNKNOWN_ID}/image`],
      ['delete', `/api/v1/admin/menus/${UNKNOWN_ID}/image`],
    ];

    const call = (method: string, url: string): Test =>
      (t.http() as unknown as Record<string, (u: string) => Test>)[method](url);

    it.each(adminRoutes)('%s %s: 401 without a token, 403 with a table token', async (method, url) => {
      const anonymous = await call(method, url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error_code).toBe('TOKEN_MISSING');
      const asTable = await call(method, url).set(...tableA());
      expect(asTable.status).toBe(403);
      expect(asTable.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
    });

    it('GET /menu needs a token and serves tables and admins', async () => {
      const res = await t.http().get('/api/v1/menu');
      expect(res.status).toBe(401);
      await readMenu(tableA());
      await readMenu(adminA());
    });
  });

  describe('categories', () => {
    it('creates categories appended last, lists them with menu counts, renames', async () => {
      const fixture = await storeFixture(t, 0);
      const first = await newCategory('Mains', fixture);
      expect(first).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Mains',
        displayOrder: 0,
        menuCount: 0,
      });
      const second = await newCategory('  Drinks  ', fixture);
      expect(second).toMatchObject({ name: 'Drinks', displayOrder: 1 });
      await newMenu(first.id, {}, fixture);
      const deleted = await newMenu(first.id, {}, fixture);
      await t
        .http()
        .delete(`/api/v1/admin/menus/${deleted.id}`)
        .set(...bearer(fixture.admin.token))
        .expect(204);

      const list = await t
        .http()
        .get('/api/v1/admin/categories')
        .set(...bearer(fixture.admin.token))
        .expect(200);
      expect(list.body).toEqual([
        { id: first.id, name: 'Mains', displayOrder: 0, menuCount: 1 },
        { id: second.id, name: 'Drinks', displayOrder: 1, menuCount: 0 },
      ]);

      const renamed = await t
        .http()
        .patch(`/api/v1/admin/categories/${second.id}`)
        .set(...bearer(fixture.admin.token))
        .send({ name: 'Beverages' })
        .expect(200);
      expect(renamed.body).toEqual({ id: second.id, name: 'Beverages', displayOrder: 1, menuCount: 0 });
    });

    it.each([
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(51) }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'ok', extra: true }, 'extra'],
    ])('refuses %j with 400 VALIDATION_ERROR', async (body, field) => {
      const res = await t
        .http()
        .post('/api/v1/admin/categories')
        .set(...adminA())
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts a 50-character name', async () => {
      await newCategory('y'.repeat(50));
    });

    it('refuses a duplicate name in the store with 409, allows it in another store', async () => {
      await newCategory('Desserts');
      const dup = await t
        .http()
        .post('/api/v1/admin/categories')
        .set(...adminA())
        .send({ name: 'Desserts' });
      expect(dup.status).toBe(409);
      expect(dup.body.error_code).toBe('DUPLICATE_CATEGORY_NAME');
      await newCategory('Desserts', b);

      const other = await newCategory('Snacks');
      const renamed = await t
        .http()
        .patch(`/api/v1/admin/categories/${other.id}`)
        .set(...adminA())
        .send({ name: 'Desserts' });
      expect(renamed.status).toBe(409);
      expect(renamed.body.error_code).toBe('DUPLICATE_CATEGORY_NAME');
    });

    it('answers 404 for another store’s or an unknown category, 400 for a malformed id', async () => {
      const foreign = await newCategory('Foreign only', b);
      for (const id of [foreign.id, UNKNOWN_ID]) {
        const patch = await t
          .http()
          .patch(`/api/v1/admin/categories/${id}`)
          .set(...adminA())
          .send({ name: 'Taken over' });
        expect(patch.status).toBe(404);
        expect(patch.body.error_code).toBe('CATEGORY_NOT_FOUND');
        const del = await t
          .http()
          .delete(`/api/v1/admin/categories/${id}`)
          .set(...adminA());
        expect(del.status).toBe(404);
        expect(del.body.error_code).toBe('CATEGORY_NOT_FOUND');
      }
      const malformed = await t
        .http()
        .patch('/api/v1/admin/categories/not-a-uuid')
        .set(...adminA())
        .send({ name: 'x' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error_code).toBe('VALIDATION_ERROR');
      const stillThere = await t
        .http()
        .get('/api/v1/admin/categories')
        .set(...adminB())
        .expect(200);
      expect(stillThere.body).toContainEqual(
        expect.objectContaining({ id: foreign.id, name: 'Foreign only' }),
      );
    });

    it('deletes a category only when it holds no menu; its deleted menus go with it', async () => {
      const category = await newCategory('Seasonal');
      const menu = await newMenu(category.id);
      const blocked = await t
        .http()
        .delete(`/api/v1/admin/categories/${category.id}`)
        .set(...adminA());
      expect(blocked.status).toBe(409);
      expect(blocked.body.error_code).toBe('CATEGORY_NOT_EMPTY');

      await t
        .http()
        .delete(`/api/v1/admin/menus/${menu.id}`)
        .set(...adminA())
        .expect(204);
      await t
        .http()
        .delete(`/api/v1/admin/categories/${category.id}`)
        .set(...adminA())
        .expect(204);
      const list = await t
        .http()
        .get('/api/v1/admin/categories')
        .set(...adminA())
        .expect(200);
      expect(list.body.map((c: { id: string }) => c.id)).not.toContain(category.id);
      const rows: unknown[] = await t.dataSource.query(`SELECT id FROM menus WHERE id = $1`, [menu.id]);
      expect(rows).toEqual([]);
    });

    it('reorders every category of the store; an incomplete, repeated or foreign list is 400', async () => {
      const fixture = await storeFixture(t, 0);
      const [x, y, z] = [
        await newCategory('X', fixture),
        await newCategory('Y', fixture),
        await newCategory('Z', fixture),
      ];
      const foreign = await newCategory('Foreign', b);
      const auth = bearer(fixture.admin.token);
      const res = await t
        .http()
        .put('/api/v1/admin/categories/order')
        .set(...auth)
        .send({ ids: [z.id, x.id, y.id] })
        .expect(200);
      expect(res.body.map((c: { name: string; displayOrder: number }) => [c.name, c.displayOrder])).toEqual([
        ['Z', 0],
        ['X', 1],
        ['Y', 2],
      ]);
      for (const ids of [
        [z.id, x.id],
        [z.id, x.id, y.id, x.id],
        [z.id, x.id, foreign.id],
        [z.id, x.id, y.id, foreign.id],
        [z.id, x.id, 'nope'],
      ]) {
        const bad = await t
          .http()
          .put('/api/v1/admin/categories/order')
          .set(...auth)
          .send({ ids });
        expect(bad.status).toBe(400);
        expect(bad.body.error_code).toBe('VALIDATION_ERROR');
      }
      const missing = await t
        .http()
        .put('/api/v1/admin/categories/order')
        .set(...auth)
        .send({});
      expect(missing.status).toBe(400);
      const list = await t
        .http()
        .get('/api/v1/admin/categories')
        .set(...auth)
        .expect(200);
      expect(list.body.map((c: { name: string }) => c.name)).toEqual(['Z', 'X', 'Y']);
      // A category created after a reorder still goes last.
      expect((await newCategory('W', fixture)) as unknown).toMatchObject({ displayOrder: 3 });
    });
  });

  describe('menus', () => {
    let mains: { id: string };
    let sides: { id: string };

    beforeAll(async () => {
      mains = await newCategory('Menu tests: mains');
      sides = await newCategory('Menu tests: sides');
    });

    it('creates a menu with defaults, appended last in its category', async () => {
      const res = await t
        .http()
        .post('/api/v1/admin/menus')
        .set(...adminA())
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
      const second = await newMenu(mains.id, { description: 'Spicy', isAvailable: false, price: 0 });
      expect(second).toMatchObject({ displayOrder: 1, description: 'Spicy', isAvailable: false, price: 0 });
      const third = await newMenu(mains.id, { price: 10_000_000, description: 'd'.repeat(1000) });
      expect(third).toMatchObject({ displayOrder: 2, price: 10_000_000 });
      const fetched = await t
        .http()
        .get(`/api/v1/admin/menus/${res.body.id}`)
        .set(...adminA())
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
      const res = await t
        .http()
        .post('/api/v1/admin/menus')
        .set(...adminA())
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses a category of another store or an unknown one with 404 CATEGORY_NOT_FOUND', async () => {
      const foreign = await newCategory('Menu tests: foreign', b);
      for (const categoryId of [foreign.id, UNKNOWN_ID]) {
        const res = await t
          .http()
          .post('/api/v1/admin/menus')
          .set(...adminA())
          .send({ categoryId, name: 'Sneaky', price: 1 });
        expect(res.status).toBe(404);
        expect(res.body.error_code).toBe('CATEGORY_NOT_FOUND');
      }
    });

    it('lists the store’s menus, optionally by category; foreign category 404, malformed 400', async () => {
      const fixture = await storeFixture(t, 0);
      const c1 = await newCategory('One', fixture);
      const c2 = await newCategory('Two', fixture);
      const m1 = await newMenu(c2.id, { name: 'B' }, fixture);
      const m2 = await newMenu(c1.id, { name: 'A' }, fixture);
      const auth = bearer(fixture.admin.token);
      const all = await t
        .http()
        .get('/api/v1/admin/menus')
        .set(...auth)
        .expect(200);
      expect(all.body.map((m: { id: string }) => m.id)).toEqual([m2.id, m1.id]);
      const some = await t
        .http()
        .get(`/api/v1/admin/menus?categoryId=${c2.id}`)
        .set(...auth)
        .expect(200);
      expect(some.body).toEqual([m1]);
      const foreign = await t
        .http()
        .get(`/api/v1/admin/menus?categoryId=${mains.id}`)
        .set(...auth);
      expect(foreign.status).toBe(404);
      expect(foreign.body.error_code).toBe('CATEGORY_NOT_FOUND');
      const malformed = await t
        .http()
        .get('/api/v1/admin/menus?categoryId=abc')
        .set(...auth);
      expect(malformed.status).toBe(400);
      expect(malformed.body.error_code).toBe('VALIDATION_ERROR');
    });

    it('updates any field; description null clears it; null for the others is 400', async () => {
      const menu = await newMenu(mains.id, { name: 'Stew', description: 'Hot' });
      const res = await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...adminA())
        .send({ name: 'Kimchi Stew', price: 8500, isAvailable: false })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'Kimchi Stew',
        price: 8500,
        isAvailable: false,
        description: 'Hot',
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(menu.updatedAt as string));
      const cleared = await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...adminA())
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
        const bad = await t
          .http()
          .patch(`/api/v1/admin/menus/${menu.id}`)
          .set(...adminA())
          .send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.error_code).toBe('VALIDATION_ERROR');
      }
    });

    it('a PATCH that changes nothing leaves the menu as it was, updatedAt included', async () => {
      const menu = await newMenu(mains.id, { name: 'Unchanged', description: 'Same' });
      for (const body of [{}, { name: 'Unchanged', description: 'Same', categoryId: mains.id }]) {
        const res = await t
          .http()
          .patch(`/api/v1/admin/menus/${menu.id}`)
          .set(...adminA())
          .send(body)
          .expect(200);
        expect(res.body).toEqual(menu);
      }
      const changed = await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...adminA())
        .send({ name: 'Changed' })
        .expect(200);
      expect(changed.body.name).toBe('Changed');
      expect(Date.parse(changed.body.updatedAt)).toBeGreaterThan(Date.parse(menu.updatedAt as string));
    });

    it('moving a menu to another category appends it last there', async () => {
      await newMenu(sides.id);
      await newMenu(sides.id);
      const menu = await newMenu(mains.id);
      const res = await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...adminA())
        .send({ categoryId: sides.id })
        .expect(200);
      expect(res.body).toMatchObject({ categoryId: sides.id, displayOrder: 2 });
      const foreign = await newCategory('Menu tests: foreign target', b);
      const bad = await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...adminA())
        .send({ categoryId: foreign.id });
      expect(bad.status).toBe(404);
      expect(bad.body.error_code).toBe('CATEGORY_NOT_FOUND');
    });

    it('answers 404 MENU_NOT_FOUND for another store’s, an unknown or a deleted menu', async () => {
      const foreignCategory = await newCategory('Menu tests: b', b);
      const foreign = await newMenu(foreignCategory.id, {}, b);
      const deleted = await newMenu(mains.id);
      await t
        .http()
        .delete(`/api/v1/admin/menus/${deleted.id}`)
        .set(...adminA())
        .expect(204);
      for (const id of [foreign.id, UNKNOWN_ID, deleted.id]) {
        const calls = [
          t
            .http()
            .get(`/api/v1/admin/menus/${id}`)
            .set(...adminA()),
          t
            .http()
            .patch(`/api/v1/admin/menus/${id}`)
            .set(...adminA())
            .send({ price: 1 }),
          t
            .http()
            .delete(`/api/v1/admin/menus/${id}`)
            .set(...adminA()),
          t
            .http()
            .delete(`/api/v1/admin/menus/${id}/image`)
            .set(...adminA()),
          t
            .http()
            .put(`/api/v1/admin/menus/${id}/image`)
            .set(...adminA())
            .attach('image', image('sample.png'), { filename: 'a.png', contentType: 'image/png' }),
        ];
        for (const res of await Promise.all(calls)) {
          expect(res.status).toBe(404);
          expect(res.body.error_code).toBe('MENU_NOT_FOUND');
        }
      }
      const untouched = await t
        .http()
        .get(`/api/v1/admin/menus/${foreign.id}`)
        .set(...adminB())
        .expect(200);
      expect(untouched.body.price).toBe(foreign.price);
      for (const url of ['/api/v1/admin/menus/not-a-uuid', '/api/v1/admin/menus/123']) {
        const res = await t
          .http()
          .get(url)
          .set(...adminA());
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('VALIDATION_ERROR');
      }
    });

    it('reorders the menus of one category; incomplete, repeated, deleted or foreign ids are 400', async () => {
      const category = await newCategory('Menu tests: reorder');
      const [m1, m2, m3] = [
        await newMenu(category.id),
        await newMenu(category.id),
        await newMenu(category.id),
      ];
      const gone = await newMenu(category.id);
      await t
        .http()
        .delete(`/api/v1/admin/menus/${gone.id}`)
        .set(...adminA())
        .expect(204);
      const res = await t
        .http()
        .put('/api/v1/admin/menus/order')
        .set(...adminA())
        .send({ categoryId: category.id, ids: [m3.id, m1.id, m2.id] })
        .expect(200);
      expect(res.body.map((m: { id: string; displayOrder: number }) => [m.id, m.displayOrder])).toEqual([
        [m3.id, 0],
        [m1.id, 1],
        [m2.id, 2],
      ]);
      const other = await newMenu(mains.id);
      for (const ids of [
        [m3.id, m1.id],
        [m3.id, m1.id, m2.id, m2.id],
        [m3.id, m1.id, m2.id, gone.id],
        [m3.id, m1.id, other.id],
      ]) {
        const bad = await t
          .http()
          .put('/api/v1/admin/menus/order')
          .set(...adminA())
          .send({ categoryId: category.id, ids });
        expect(bad.status).toBe(400);
        expect(bad.body.error_code).toBe('VALIDATION_ERROR');
      }
      const foreign = await newCategory('Menu tests: reorder foreign', b);
      const notMine = await t
        .http()
        .put('/api/v1/admin/menus/order')
        .set(...adminA())
        .send({ categoryId: foreign.id, ids: [] });
      expect(notMine.status).toBe(404);
      expect(notMine.body.error_code).toBe('CATEGORY_NOT_FOUND');
      const list = await t
        .http()
        .get(`/api/v1/admin/menus?categoryId=${category.id}`)
        .set(...adminA())
        .expect(200);
      expect(list.body.map((m: { id: string }) => m.id)).toEqual([m3.id, m1.id, m2.id]);
      expect((await newMenu(category.id)).displayOrder).toBe(3);
    });
  });

  describe('GET /api/v1/menu', () => {
    it('shows categories with their items in display order: sold-out included, deleted and empty left out', async () => {
      const fixture = await storeFixture(t, 1);
      const ds = t.dataSource;
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

      const body = await readMenu(bearer(fixture.tables[0].token));
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
      const other = await readMenu(adminB());
      expect(JSON.stringify(other)).not.toContain(mains.id);
    });

    it('reflects every admin change on the next read (the cache is invalidated)', async () => {
      const fixture = await storeFixture(t, 1);
      const admin = bearer(fixture.admin.token);
      const table = bearer(fixture.tables[0].token);
      const category = await newCategory('Grill', fixture);
      const menu = await newMenu(category.id, { name: 'Steak', price: 30000 }, fixture);
      const warm = await t
        .http()
        .get('/api/v1/menu')
        .set(...table)
        .expect(200);
      expect(warm.headers['content-type']).toMatch(/^application\/json/);
      expect((await readMenu(table)).categories[0].items[0]).toMatchObject({ price: 30000 });

      const steps: Array<[() => Promise<unknown>, (m: Awaited<ReturnType<typeof readMenu>>) => void]> = [
        [
          () =>
            t
              .http()
              .patch(`/api/v1/admin/menus/${menu.id}`)
              .set(...admin)
              .send({ price: 32000 }),
          (m) => expect(m.categories[0].items[0]).toMatchObject({ price: 32000 }),
        ],
        [
          () =>
            t
              .http()
              .patch(`/api/v1/admin/menus/${menu.id}`)
              .set(...admin)
              .send({ isAvailable: false }),
          (m) => expect(m.categories[0].items[0]).toMatchObject({ isAvailable: false }),
        ],
        [
          () =>
            t
              .http()
              .patch(`/api/v1/admin/categories/${category.id}`)
              .set(...admin)
              .send({ name: 'BBQ' }),
          (m) => expect(m.categories[0].name).toBe('BBQ'),
        ],
        [
          () => newMenu(category.id, { name: 'Ribs' }, fixture),
          (m) => expect(m.categories[0].items.map((i) => i.name)).toEqual(['Steak', 'Ribs']),
        ],
        [
          () =>
            t
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
            t
              .http()
              .delete(`/api/v1/admin/menus/${menu.id}`)
              .set(...admin),
          (m) => expect(m.categories[0].items.map((i) => i.name)).toEqual(['Ribs']),
        ],
      ];
      for (const [change, check] of steps) {
        await change();
        check(await readMenu(table));
        check(await readMenu(admin));
      }
    });

    it('serves from the cache: a read after a direct database change still shows the cached menu', async () => {
      const fixture = await storeFixture(t, 1);
      const table = bearer(fixture.tables[0].token);
      const category = await newCategory('Cached', fixture);
      const menu = await newMenu(category.id, { price: 100 }, fixture);
      const first = await t
        .http()
        .get('/api/v1/menu')
        .set(...table)
        .expect(200);
      // A write that bypasses the API (and so the invalidation) is not seen until the entry expires.
      await t.dataSource.query(`UPDATE menus SET price = 999 WHERE id = $1`, [menu.id]);
      const second = await t
        .http()
        .get('/api/v1/menu')
        .set(...table)
        .expect(200);
      expect(second.text).toBe(first.text);
      await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...bearer(fixture.admin.token))
        .send({ name: 'Renamed' })
        .expect(200);
      expect((await readMenu(table)).categories[0].items[0]).toMatchObject({ name: 'Renamed', price: 999 });
    });
  });
});
