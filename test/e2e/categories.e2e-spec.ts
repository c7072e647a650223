import { bearer } from '../utils/auth';
import { MenusWorld, UNKNOWN_ID, UUID } from './support/menus';

describe('admin categories', () => {
  const w = MenusWorld.use();

  it('creates categories appended last, lists them with menu counts, renames', async () => {
    const fixture = await w.freshStore(0);
    const first = await w.newCategory('Mains', fixture);
    expect(first).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Mains',
      displayOrder: 0,
      menuCount: 0,
    });
    const second = await w.newCategory('  Drinks  ', fixture);
    expect(second).toMatchObject({ name: 'Drinks', displayOrder: 1 });
    await w.newMenu(first.id, {}, fixture);
    const deleted = await w.newMenu(first.id, {}, fixture);
    await w.t
      .http()
      .delete(`/api/v1/admin/menus/${deleted.id}`)
      .set(...bearer(fixture.admin.token))
      .expect(204);

    const list = await w.t
      .http()
      .get('/api/v1/admin/categories')
      .set(...bearer(fixture.admin.token))
      .expect(200);
    expect(list.body).toEqual([
      { id: first.id, name: 'Mains', displayOrder: 0, menuCount: 1 },
      { id: second.id, name: 'Drinks', displayOrder: 1, menuCount: 0 },
    ]);

    const renamed = await w.t
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
    const res = await w.t
      .http()
      .post('/api/v1/admin/categories')
      .set(...w.adminA())
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts a 50-character name', async () => {
    await w.newCategory('y'.repeat(50));
  });

  it('refuses a duplicate name in the store with 409, allows it in another store', async () => {
    await w.newCategory('Desserts');
    const dup = await w.t
      .http()
      .post('/api/v1/admin/categories')
      .set(...w.adminA())
      .send({ name: 'Desserts' });
    expect(dup.status).toBe(409);
    expect(dup.body.error_code).toBe('DUPLICATE_CATEGORY_NAME');
    await w.newCategory('Desserts', w.b);

    const other = await w.newCategory('Snacks');
    const renamed = await w.t
      .http()
      .patch(`/api/v1/admin/categories/${other.id}`)
      .set(...w.adminA())
      .send({ name: 'Desserts' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error_code).toBe('DUPLICATE_CATEGORY_NAME');
  });

  it('answers 404 for another store’s or an unknown category, 400 for a malformed id', async () => {
    const foreign = await w.newCategory('Foreign only', w.b);
    for (const id of [foreign.id, UNKNOWN_ID]) {
      const patch = await w.t
        .http()
        .patch(`/api/v1/admin/categories/${id}`)
        .set(...w.adminA())
        .send({ name: 'Taken over' });
      expect(patch.status).toBe(404);
      expect(patch.body.error_code).toBe('CATEGORY_NOT_FOUND');
      const del = await w.t
        .http()
        .delete(`/api/v1/admin/categories/${id}`)
        .set(...w.adminA());
      expect(del.status).toBe(404);
      expect(del.body.error_code).toBe('CATEGORY_NOT_FOUND');
    }
    const malformed = await w.t
      .http()
      .patch('/api/v1/admin/categories/not-a-uuid')
      .set(...w.adminA())
      .send({ name: 'x' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe('VALIDATION_ERROR');
    const stillThere = await w.t
      .http()
      .get('/api/v1/admin/categories')
      .set(...w.adminB())
      .expect(200);
    expect(stillThere.body).toContainEqual(expect.objectContaining({ id: foreign.id, name: 'Foreign only' }));
  });

  it('deletes a category only when it holds no menu; its deleted menus go with it', async () => {
    const category = await w.newCategory('Seasonal');
    const menu = await w.newMenu(category.id);
    const blocked = await w.t
      .http()
      .delete(`/api/v1/admin/categories/${category.id}`)
      .set(...w.adminA());
    expect(blocked.status).toBe(409);
    expect(blocked.body.error_code).toBe('CATEGORY_NOT_EMPTY');

    await w.t
      .http()
      .delete(`/api/v1/admin/menus/${menu.id}`)
      .set(...w.adminA())
      .expect(204);
    await w.t
      .http()
      .delete(`/api/v1/admin/categories/${category.id}`)
      .set(...w.adminA())
      .expect(204);
    const list = await w.t
      .http()
      .get('/api/v1/admin/categories')
      .set(...w.adminA())
      .expect(200);
    expect(list.body.map((c: { id: string }) => c.id)).not.toContain(category.id);
    const rows: unknown[] = await w.t.dataSource.query(`SELECT id FROM menus WHERE id = $1`, [menu.id]);
    expect(rows).toEqual([]);
  });

  it('reorders every category of the store; an incomplete, repeated or foreign list is 400', async () => {
    const fixture = await w.freshStore(0);
    const [x, y, z] = [
      await w.newCategory('X', fixture),
      await w.newCategory('Y', fixture),
      await w.newCategory('Z', fixture),
    ];
    const foreign = await w.newCategory('Foreign', w.b);
    const auth = bearer(fixture.admin.token);
    const res = await w.t
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
      const bad = await w.t
        .http()
        .put('/api/v1/admin/categories/order')
        .set(...auth)
        .send({ ids });
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('VALIDATION_ERROR');
    }
    const missing = await w.t
      .http()
      .put('/api/v1/admin/categories/order')
      .set(...auth)
      .send({});
    expect(missing.status).toBe(400);
    const list = await w.t
      .http()
      .get('/api/v1/admin/categories')
      .set(...auth)
      .expect(200);
    expect(list.body.map((c: { name: string }) => c.name)).toEqual(['Z', 'X', 'Y']);
    // A category created after a reorder still goes last.
    expect((await w.newCategory('W', fixture)) as unknown).toMatchObject({ displayOrder: 3 });
  });
});
