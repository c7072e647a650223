import { createCategory, createMenu } from '../factories';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

type Group = { id: string; name: string; options: Array<{ id: string; name: string; isAvailable: boolean }> };

/**
 * Option groups on real PostgreSQL and Redis with two instances, as two pods: a change through one shows on the
 * other's next menu read (the shared cache is invalidated), and the rules kept under a lock or a constraint hold
 * under concurrent requests.
 */
describe('option groups across two instances (PostgreSQL, Redis)', () => {
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  let f: StoreFixture;
  let menuId: string;

  beforeAll(async () => {
    env = await createTestEnv();
    a = await startApp(env);
    b = await startApp(env);
    f = await storeFixture(a, 1);
    const category = await createCategory(a.dataSource, f.store.id);
    menuId = (await createMenu(a.dataSource, f.store.id, category.id, { name: '김치찌개' })).id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await env?.dispose();
  });

  const admin = () => bearer(f.admin.token);
  const groupsOn = async (app: TestApp): Promise<Group[]> => {
    const res = await app
      .http()
      .get('/api/v1/menu')
      .set(...bearer(f.tables[0].token))
      .expect(200);
    const items = (
      res.body.categories as Array<{ items: Array<{ id: string; optionGroups: Group[] }> }>
    ).flatMap((c) => c.items);
    return (items.find((i) => i.id === menuId) as { optionGroups: Group[] }).optionGroups;
  };

  it('a change to a group, an option or a menu list through one instance is on the other’s next read', async () => {
    const group = (
      await a
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...admin())
        .send({
          name: '맵기',
          minSelect: 1,
          maxSelect: 1,
          options: [
            { name: '순한맛', price: 0 },
            { name: '매운맛', price: 0 },
          ],
        })
        .expect(201)
    ).body as Group;
    expect(await groupsOn(b)).toEqual([]); // both warm
    expect(await groupsOn(a)).toEqual([]);

    await a
      .http()
      .patch(`/api/v1/admin/menus/${menuId}`)
      .set(...admin())
      .send({ optionGroupIds: [group.id] })
      .expect(200);
    expect((await groupsOn(b)).map((g) => g.name)).toEqual(['맵기']);

    await b
      .http()
      .patch(`/api/v1/admin/option-groups/${group.id}`)
      .set(...admin())
      .send({ name: '맵기 선택' })
      .expect(200);
    expect((await groupsOn(a)).map((g) => g.name)).toEqual(['맵기 선택']);

    await a
      .http()
      .patch(`/api/v1/admin/options/${group.options[1].id}`)
      .set(...admin())
      .send({ isAvailable: false })
      .expect(200);
    expect((await groupsOn(b))[0].options.map((o) => o.isAvailable)).toEqual([true, false]);

    await b
      .http()
      .delete(`/api/v1/admin/option-groups/${group.id}`)
      .set(...admin())
      .expect(204);
    expect(await groupsOn(a)).toEqual([]);
  });

  it('concurrent additions stop at 30 options per group, with display orders 0..29 and no gap', async () => {
    const group = (
      await a
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...admin())
        .send({ name: '토핑', minSelect: 0, maxSelect: 3, options: [{ name: 'first', price: 0 }] })
        .expect(201)
    ).body as Group;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b)
          .http()
          .post(`/api/v1/admin/option-groups/${group.id}/options`)
          .set(...admin())
          .send({ name: `topping ${i}`, price: 100 * i }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(29);
    expect(statuses.filter((s) => s === 400)).toHaveLength(11);
    const rows = (await a.dataSource.query(
      `SELECT display_order::int AS d FROM options WHERE group_id = $1 ORDER BY display_order`,
      [group.id],
    )) as Array<{ d: number }>;
    expect(rows.map((r) => r.d)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('concurrent creates of one group name make one group: the rest are 409 DUPLICATE_OPTION_GROUP_NAME', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b)
          .http()
          .post('/api/v1/admin/option-groups')
          .set(...admin())
          .send({ name: '사이즈', minSelect: 1, maxSelect: 1, options: [{ name: '보통', price: 0 }] }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error_code])).toEqual(
      refused.map(() => [409, 'DUPLICATE_OPTION_GROUP_NAME']),
    );
  });

  it('deleting the second-to-last and the last option at once leaves one: the other is 409 LAST_OPTION', async () => {
    const group = (
      await a
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...admin())
        .send({
          name: '음료 선택',
          minSelect: 1,
          maxSelect: 1,
          options: [
            { name: '콜라', price: 0 },
            { name: '사이다', price: 0 },
          ],
        })
        .expect(201)
    ).body as Group;
    const answers = await Promise.all(
      group.options.map((o, i) =>
        (i ? a : b)
          .http()
          .delete(`/api/v1/admin/options/${o.id}`)
          .set(...admin()),
      ),
    );
    expect(answers.map((r) => r.status).sort((a, b) => a - b)).toEqual([204, 409]);
    expect(answers.find((r) => r.status === 409)?.body.error_code).toBe('LAST_OPTION');
    const left = await a.dataSource.query(`SELECT count(*)::int AS n FROM options WHERE group_id = $1`, [
      group.id,
    ]);
    expect(left).toEqual([{ n: 1 }]);
  });
});
