import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

type App = TestApp & { env: TestEnv; stop(): Promise<void> };
type Option = { id: string; name: string; price: number; isAvailable: boolean; displayOrder: number };
type Group = {
  id: string;
  name: string;
  minSelect: number;
  maxSelect: number;
  options: Option[];
  menuCount: number;
  updatedAt: string;
};

const SPICE = {
  name: '맵기',
  minSelect: 1,
  maxSelect: 1,
  options: [
    { name: '순한맛', price: 0 },
    { name: '보통', price: 0 },
    { name: '매운맛', price: 0 },
  ],
};
const TOPPINGS = {
  name: '토핑 추가',
  minSelect: 0,
  maxSelect: 3,
  options: [
    { name: '치즈', price: 1000 },
    { name: '계란', price: 500, isAvailable: false },
  ],
};

describe('menu option groups (admin) and the menu tablets read', () => {
  let t: App;
  let a: StoreFixture;
  let b: StoreFixture;

  beforeAll(async () => {
    t = await startTestApp();
    a = await storeFixture(t, 1);
    b = await storeFixture(t, 1);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const as = (f: StoreFixture) => bearer(f.admin.token);
  const createGroup = async (f: StoreFixture, body: object): Promise<Group> =>
    (
      await t
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...as(f))
        .send(body)
        .expect(201)
    ).body as Group;
  const getGroup = (f: StoreFixture, id: string) =>
    t
      .http()
      .get(`/api/v1/admin/option-groups/${id}`)
      .set(...as(f));
  const readMenu = async (f: StoreFixture) =>
    (
      await t
        .http()
        .get('/api/v1/menu')
        .set(...bearer(f.tables[0].token))
        .expect(200)
    ).body as { categories: Array<{ items: Array<{ id: string; optionGroups: unknown[] }> }> };
  const itemOf = async (f: StoreFixture, menuId: string) =>
    (await readMenu(f)).categories.flatMap((c) => c.items).find((i) => i.id === menuId);
  const newMenu = async (f: StoreFixture, body: object, status: number) => {
    const category = await createCategory(t.dataSource, f.store.id);
    return t
      .http()
      .post('/api/v1/admin/menus')
      .set(...as(f))
      .send({ categoryId: category.id, name: '김치찌개', price: 9000, ...body })
      .expect(status);
  };

  describe('groups', () => {
    it('creates a group with its options in the given order, reads it back and lists groups oldest first', async () => {
      const f = await storeFixture(t, 1);
      const spice = await createGroup(f, { ...SPICE, name: ' 맵기 ' });
      expect(spice).toEqual({
        id: expect.stringMatching(UUID),
        name: '맵기',
        minSelect: 1,
        maxSelect: 1,
        options: SPICE.options.map((o, i) => ({
          id: expect.stringMatching(UUID),
          name: o.name,
          price: 0,
          isAvailable: true,
          displayOrder: i,
        })),
        menuCount: 0,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      const toppings = await createGroup(f, TOPPINGS);
      expect(toppings.options.map((o) => [o.name, o.price, o.isAvailable])).toEqual([
        ['치즈', 1000, true],
        ['계란', 500, false],
      ]);
      expect((await getGroup(f, spice.id).expect(200)).body).toEqual(spice);
      const list = await t
        .http()
        .get('/api/v1/admin/option-groups')
        .set(...as(f))
        .expect(200);
      expect(list.body).toEqual([spice, toppings]);
    });

    it.each([
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(51) }, 'name'],
      [{ minSelect: -1 }, 'minSelect'],
      [{ minSelect: 21 }, 'minSelect'],
      [{ maxSelect: 0 }, 'maxSelect'],
      [{ maxSelect: 21 }, 'maxSelect'],
      [{ minSelect: 2, maxSelect: 1 }, 'maxSelect'],
      [{ minSelect: 1.5 }, 'minSelect'],
      [{ options: [] }, 'options'],
      [{ options: Array.from({ length: 31 }, (_, i) => ({ name: `o${i}`, price: 0 })) }, 'options'],
      [
        {
          options: [
            { name: '치즈', price: 0 },
            { name: ' 치즈', price: 100 },
          ],
        },
        'options',
      ],
      [{ options: [{ name: '치즈', price: -1 }] }, 'options.0.price'],
      [{ options: [{ name: '치즈', price: 1_000_001 }] }, 'options.0.price'],
      [{ options: [{ name: '', price: 0 }] }, 'options.0.name'],
      [{ options: [{ name: '치즈', price: 0, isAvailable: 'yes' }] }, 'options.0.isAvailable'],
      [{ options: [{ name: '치즈', price: 0, displayOrder: 3 }] }, 'options.0.displayOrder'],
      [{ menuCount: 1 }, 'menuCount'],
    ])('refuses a group with %j: 400 on %s', async (override, field) => {
      const res = await t
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...as(a))
        .send({ ...SPICE, name: `invalid ${field}`, ...override });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts the limits: 30 options, prices 0 and 1,000,000, minSelect 0..20, a 50-character name', async () => {
      const options = Array.from({ length: 30 }, (_, i) => ({
        name: `옵션 ${i}`,
        price: i === 29 ? 1_000_000 : 0,
      }));
      const group = await createGroup(a, { name: 'x'.repeat(50), minSelect: 20, maxSelect: 20, options });
      expect(group.options).toHaveLength(30);
      expect(group.options[29].price).toBe(1_000_000);
    });

    it('refuses a duplicate group name in the store with 409 DUPLICATE_OPTION_GROUP_NAME, allows it in another', async () => {
      await createGroup(a, { ...SPICE, name: '중복 이름' });
      const res = await t
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...as(a))
        .send({ ...SPICE, name: '중복 이름' })
        .expect(409);
      expect(res.body.error_code).toBe('DUPLICATE_OPTION_GROUP_NAME');
      await createGroup(b, { ...SPICE, name: '중복 이름' });
    });

    it('updates name and range; the resulting min <= max must hold; a PATCH that changes nothing changes nothing', async () => {
      const group = await createGroup(a, { ...TOPPINGS, name: '수정할 그룹' });
      const patch = (body: object) =>
        t
          .http()
          .patch(`/api/v1/admin/option-groups/${group.id}`)
          .set(...as(a))
          .send(body);
      const same = await patch({ name: '수정할 그룹', maxSelect: 3 }).expect(200);
      expect(same.body).toEqual(group);
      const renamed = await patch({ name: '토핑', minSelect: 1 }).expect(200);
      expect(renamed.body).toMatchObject({
        name: '토핑',
        minSelect: 1,
        maxSelect: 3,
        options: group.options,
      });
      expect(renamed.body.updatedAt >= group.updatedAt).toBe(true);
      const tooHigh = await patch({ minSelect: 4 }).expect(400);
      expect(tooHigh.body.errors).toEqual([
        { field: 'maxSelect', message: expect.stringContaining('minSelect') },
      ]);
      await patch({ maxSelect: 0 }).expect(400);
      await patch({ name: null }).expect(400);
      await patch({ options: [] }).expect(400);
      expect((await getGroup(a, group.id).expect(200)).body).toMatchObject({
        name: '토핑',
        minSelect: 1,
        maxSelect: 3,
      });
      await createGroup(a, { ...SPICE, name: '다른 그룹' });
      expect((await patch({ name: '다른 그룹' }).expect(409)).body.error_code).toBe(
        'DUPLICATE_OPTION_GROUP_NAME',
      );
    });

    it('answers another store’s or an unknown group with 404 OPTION_GROUP_NOT_FOUND, a malformed id with 400', async () => {
      const theirs = await createGroup(b, { ...SPICE, name: '남의 그룹' });
      const requests = [
        () => getGroup(a, theirs.id),
        () => getGroup(a, UNKNOWN),
        () =>
          t
            .http()
            .patch(`/api/v1/admin/option-groups/${theirs.id}`)
            .set(...as(a))
            .send({ name: 'x' }),
        () =>
          t
            .http()
            .delete(`/api/v1/admin/option-groups/${theirs.id}`)
            .set(...as(a)),
        () =>
          t
            .http()
            .post(`/api/v1/admin/option-groups/${theirs.id}/options`)
            .set(...as(a))
            .send({ name: 'x', price: 0 }),
        () =>
          t
            .http()
            .put(`/api/v1/admin/option-groups/${theirs.id}/options/order`)
            .set(...as(a))
            .send({ ids: theirs.options.map((o) => o.id) }),
      ];
      for (const request of requests) {
        const res = await request();
        expect(res.status).toBe(404);
        expect(res.body.error_code).toBe('OPTION_GROUP_NOT_FOUND');
      }
      expect((await getGroup(a, 'not-a-uuid').expect(400)).body.error_code).toBe('VALIDATION_ERROR');
      expect((await getGroup(b, theirs.id).expect(200)).body).toEqual(theirs);
    });

    it('is for admins only: 401 without a token, 403 for a table', async () => {
      await t.http().get('/api/v1/admin/option-groups').expect(401);
      const res = await t
        .http()
        .get('/api/v1/admin/option-groups')
        .set(...bearer(a.tables[0].token))
        .expect(403);
      expect(res.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
    });
  });

  describe('options', () => {
    it('adds options last, changes and sells one out, reorders, deletes; the group follows', async () => {
      const group = await createGroup(a, { ...TOPPINGS, name: '옵션 테스트' });
      const added = await t
        .http()
        .post(`/api/v1/admin/option-groups/${group.id}/options`)
        .set(...as(a))
        .send({ name: ' 햄 ', price: 1500 })
        .expect(201);
      expect(added.body).toEqual({
        id: expect.stringMatching(UUID),
        name: '햄',
        price: 1500,
        isAvailable: true,
        displayOrder: 2,
      });
      const dup = await t
        .http()
        .post(`/api/v1/admin/option-groups/${group.id}/options`)
        .set(...as(a))
        .send({ name: '치즈', price: 0 })
        .expect(409);
      expect(dup.body.error_code).toBe('DUPLICATE_OPTION_NAME');

      const patch = (id: string, body: object) =>
        t
          .http()
          .patch(`/api/v1/admin/options/${id}`)
          .set(...as(a))
          .send(body);
      const soldOut = await patch(added.body.id, { isAvailable: false, price: 2000 }).expect(200);
      expect(soldOut.body).toEqual({ ...added.body, isAvailable: false, price: 2000 });
      expect((await patch(added.body.id, { name: '치즈' }).expect(409)).body.error_code).toBe(
        'DUPLICATE_OPTION_NAME',
      );
      await patch(added.body.id, { price: -1 }).expect(400);
      await patch(added.body.id, { isAvailable: null }).expect(400);
      await patch(added.body.id, { groupId: group.id }).expect(400);

      const [cheese, egg] = group.options;
      const order = [added.body.id, egg.id, cheese.id];
      const reordered = await t
        .http()
        .put(`/api/v1/admin/option-groups/${group.id}/options/order`)
        .set(...as(a))
        .send({ ids: order })
        .expect(200);
      expect(reordered.body.options.map((o: Option) => [o.id, o.displayOrder])).toEqual(
        order.map((id, i) => [id, i]),
      );
      for (const ids of [
        [egg.id, cheese.id],
        [...order, cheese.id],
        [egg.id, cheese.id, UNKNOWN],
      ]) {
        await t
          .http()
          .put(`/api/v1/admin/option-groups/${group.id}/options/order`)
          .set(...as(a))
          .send({ ids })
          .expect(400);
      }

      await t
        .http()
        .delete(`/api/v1/admin/options/${egg.id}`)
        .set(...as(a))
        .expect(204);
      await t
        .http()
        .delete(`/api/v1/admin/options/${added.body.id}`)
        .set(...as(a))
        .expect(204);
      const last = await t
        .http()
        .delete(`/api/v1/admin/options/${cheese.id}`)
        .set(...as(a))
        .expect(409);
      expect(last.body.error_code).toBe('LAST_OPTION');
      const after = (await getGroup(a, group.id).expect(200)).body as Group;
      expect(after.options.map((o) => o.name)).toEqual(['치즈']);
      expect(after.updatedAt >= group.updatedAt).toBe(true);
      await t
        .http()
        .patch(`/api/v1/admin/options/${egg.id}`)
        .set(...as(a))
        .send({ price: 1 })
        .expect(404);
    });

    it('refuses a 31st option with 400', async () => {
      const options = Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`, price: 0 }));
      const group = await createGroup(a, { name: '서른 개', minSelect: 0, maxSelect: 1, options });
      const res = await t
        .http()
        .post(`/api/v1/admin/option-groups/${group.id}/options`)
        .set(...as(a))
        .send({ name: 'n30', price: 0 })
        .expect(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect((await getGroup(a, group.id).expect(200)).body.options).toHaveLength(30);
    });

    it('answers another store’s or an unknown option with 404 OPTION_NOT_FOUND', async () => {
      const theirs = await createGroup(b, { ...TOPPINGS, name: '남의 옵션' });
      for (const id of [theirs.options[0].id, UNKNOWN]) {
        const patched = await t
          .http()
          .patch(`/api/v1/admin/options/${id}`)
          .set(...as(a))
          .send({ price: 1 });
        expect([patched.status, patched.body.error_code]).toEqual([404, 'OPTION_NOT_FOUND']);
        const deleted = await t
          .http()
          .delete(`/api/v1/admin/options/${id}`)
          .set(...as(a));
        expect([deleted.status, deleted.body.error_code]).toEqual([404, 'OPTION_NOT_FOUND']);
      }
      expect((await getGroup(b, theirs.id).expect(200)).body).toEqual(theirs);
    });
  });

  describe('groups on menus', () => {
    it('lists groups on a menu in its order, counts menus per group, and shows them on GET /menu', async () => {
      const f = await storeFixture(t, 1);
      const spice = await createGroup(f, SPICE);
      const toppings = await createGroup(f, TOPPINGS);
      const created = await newMenu(f, { optionGroupIds: [toppings.id, spice.id] }, 201);
      expect(created.body.optionGroupIds).toEqual([toppings.id, spice.id]);
      const plain = await newMenu(f, { name: '공기밥', price: 1000 }, 201);
      expect(plain.body.optionGroupIds).toEqual([]);
      expect((await getGroup(f, spice.id).expect(200)).body.menuCount).toBe(1);

      expect(await itemOf(f, created.body.id)).toMatchObject({
        optionGroups: [
          {
            id: toppings.id,
            name: '토핑 추가',
            minSelect: 0,
            maxSelect: 3,
            options: [
              { id: toppings.options[0].id, name: '치즈', price: 1000, isAvailable: true },
              { id: toppings.options[1].id, name: '계란', price: 500, isAvailable: false },
            ],
          },
          { id: spice.id, name: '맵기', minSelect: 1, maxSelect: 1, options: expect.any(Array) },
        ],
      });
      const item = (await itemOf(f, created.body.id)) as { optionGroups: Array<{ options: object[] }> };
      expect(Object.keys(item.optionGroups[0].options[0])).toEqual(['id', 'name', 'price', 'isAvailable']);
      expect((await itemOf(f, plain.body.id))?.optionGroups).toEqual([]);
    });

    it('replaces the list on PATCH (moving updatedAt), and the same list again changes nothing', async () => {
      const spice = await createGroup(a, { ...SPICE, name: '패치 맵기' });
      const toppings = await createGroup(a, { ...TOPPINGS, name: '패치 토핑' });
      const menu = (await newMenu(a, { optionGroupIds: [spice.id] }, 201)).body;
      const patch = (body: object) =>
        t
          .http()
          .patch(`/api/v1/admin/menus/${menu.id}`)
          .set(...as(a))
          .send(body);
      const same = await patch({ optionGroupIds: [spice.id.toUpperCase()] }).expect(200);
      expect(same.body).toEqual(menu);
      const changed = await patch({ optionGroupIds: [toppings.id, spice.id] }).expect(200);
      expect(changed.body.optionGroupIds).toEqual([toppings.id, spice.id]);
      expect(changed.body.updatedAt > menu.updatedAt).toBe(true);
      expect((await patch({ optionGroupIds: [] }).expect(200)).body.optionGroupIds).toEqual([]);
      expect((await itemOf(a, menu.id))?.optionGroups).toEqual([]);
    });

    it('refuses unknown or foreign groups with 404 OPTION_GROUP_NOT_FOUND, repeats and 11 groups with 400', async () => {
      const mine = await createGroup(a, { ...SPICE, name: '내 그룹' });
      const theirs = await createGroup(b, { ...SPICE, name: '그들의 그룹' });
      for (const ids of [[mine.id, theirs.id], [UNKNOWN]]) {
        const res = await newMenu(a, { optionGroupIds: ids }, 404);
        expect(res.body.error_code).toBe('OPTION_GROUP_NOT_FOUND');
      }
      const menu = (await newMenu(a, {}, 201)).body;
      const res = await t
        .http()
        .patch(`/api/v1/admin/menus/${menu.id}`)
        .set(...as(a))
        .send({ optionGroupIds: [theirs.id] })
        .expect(404);
      expect(res.body.error_code).toBe('OPTION_GROUP_NOT_FOUND');
      for (const optionGroupIds of [[mine.id, mine.id], ['nope'], mine.id, null]) {
        const bad = await newMenu(a, { optionGroupIds }, 400);
        expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('optionGroupIds');
      }
      const eleven = [];
      for (let i = 0; i < 11; i++) eleven.push((await createGroup(a, { ...SPICE, name: `열한 개 ${i}` })).id);
      await newMenu(a, { optionGroupIds: eleven.slice(0, 10) }, 201);
      await newMenu(a, { optionGroupIds: eleven }, 400);
    });

    it('a deleted group leaves every menu; deleted menus do not count', async () => {
      const f = await storeFixture(t, 1);
      const spice = await createGroup(f, SPICE);
      const toppings = await createGroup(f, TOPPINGS);
      const one = (await newMenu(f, { optionGroupIds: [spice.id, toppings.id] }, 201)).body;
      const two = (await newMenu(f, { name: '된장찌개', optionGroupIds: [spice.id] }, 201)).body;
      expect((await getGroup(f, spice.id).expect(200)).body.menuCount).toBe(2);
      await t
        .http()
        .delete(`/api/v1/admin/menus/${two.id}`)
        .set(...as(f))
        .expect(204);
      expect((await getGroup(f, spice.id).expect(200)).body.menuCount).toBe(1);
      await t
        .http()
        .delete(`/api/v1/admin/option-groups/${spice.id}`)
        .set(...as(f))
        .expect(204);
      await getGroup(f, spice.id).expect(404);
      const menu = await t
        .http()
        .get(`/api/v1/admin/menus/${one.id}`)
        .set(...as(f))
        .expect(200);
      expect(menu.body.optionGroupIds).toEqual([toppings.id]);
      expect((await itemOf(f, one.id))?.optionGroups).toEqual([expect.objectContaining({ id: toppings.id })]);
      const left = await t.dataSource.query(`SELECT count(*)::int AS n FROM options WHERE group_id = $1`, [
        spice.id,
      ]);
      expect(left).toEqual([{ n: 0 }]);
    });

    it('every change to a group, an option or a menu list shows on the next GET /menu (no stale cache)', async () => {
      const f = await storeFixture(t, 1);
      const group = await createGroup(f, TOPPINGS);
      const category = await createCategory(t.dataSource, f.store.id);
      const menu = await createMenu(t.dataSource, f.store.id, category.id, { name: '떡볶이' });
      const groupsOnMenu = async () => (await itemOf(f, menu.id))?.optionGroups as Group[];
      expect(await groupsOnMenu()).toEqual([]); // warms the cache
      const admin = as(f);
      const steps: Array<[() => Promise<unknown>, (g: Group[]) => void]> = [
        [
          () =>
            t
              .http()
              .patch(`/api/v1/admin/menus/${menu.id}`)
              .set(...admin)
              .send({ optionGroupIds: [group.id] }),
          (g) => expect(g.map((x) => x.id)).toEqual([group.id]),
        ],
        [
          () =>
            t
              .http()
              .patch(`/api/v1/admin/option-groups/${group.id}`)
              .set(...admin)
              .send({ name: '토핑', maxSelect: 2 }),
          (g) => expect(g[0]).toMatchObject({ name: '토핑', maxSelect: 2 }),
        ],
        [
          () =>
            t
              .http()
              .patch(`/api/v1/admin/options/${group.options[0].id}`)
              .set(...admin)
              .send({ isAvailable: false }),
          (g) => expect(g[0].options[0].isAvailable).toBe(false),
        ],
        [
          () =>
            t
              .http()
              .post(`/api/v1/admin/option-groups/${group.id}/options`)
              .set(...admin)
              .send({ name: '떡', price: 700 }),
          (g) => expect(g[0].options.map((o) => o.name)).toEqual(['치즈', '계란', '떡']),
        ],
        [
          async () => {
            const current = (await getGroup(f, group.id).expect(200)).body as Group;
            await t
              .http()
              .put(`/api/v1/admin/option-groups/${group.id}/options/order`)
              .set(...admin)
              .send({ ids: current.options.map((o) => o.id).reverse() })
              .expect(200);
          },
          (g) => expect(g[0].options.map((o) => o.name)).toEqual(['떡', '계란', '치즈']),
        ],
        [
          () =>
            t
              .http()
              .delete(`/api/v1/admin/options/${group.options[1].id}`)
              .set(...admin),
          (g) => expect(g[0].options.map((o) => o.name)).not.toContain('계란'),
        ],
        [
          () =>
            t
              .http()
              .delete(`/api/v1/admin/option-groups/${group.id}`)
              .set(...admin),
          (g) => expect(g).toEqual([]),
        ],
      ];
      for (const [change, check] of steps) {
        await change();
        check(await groupsOnMenu());
      }
    });
  });
});
