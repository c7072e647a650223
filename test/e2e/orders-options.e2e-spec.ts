import { createCategory, createMenu } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';

type App = TestApp & { env: TestEnv; stop(): Promise<void> };
type Option = { id: string; name: string; price: number };
type Group = { id: string; name: string; options: Option[] };
type Line = { menuId: string; quantity: number; optionIds?: string[]; note?: string | null };

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('orders with options and notes', () => {
  let t: App;
  let f: StoreFixture;
  let other: StoreFixture;
  let spice: Group;
  let toppings: Group;
  let size: Group;
  let foreignGroup: Group;
  let stew: { id: string };
  let noodles: { id: string };
  let cola: { id: string };

  const admin = () => bearer(f.admin.token);
  const group = async (fixture: StoreFixture, body: object): Promise<Group> =>
    (
      await t
        .http()
        .post('/api/v1/admin/option-groups')
        .set(...bearer(fixture.admin.token))
        .send(body)
        .expect(201)
    ).body as Group;
  const withGroups = (menuId: string, optionGroupIds: string[]) =>
    t
      .http()
      .patch(`/api/v1/admin/menus/${menuId}`)
      .set(...admin())
      .send({ optionGroupIds })
      .expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    f = await storeFixture(t, 3);
    other = await storeFixture(t, 1);
    spice = await group(f, {
      name: '맵기',
      minSelect: 1,
      maxSelect: 1,
      options: [
        { name: '순한맛', price: 0 },
        { name: '보통', price: 0 },
        { name: '매운맛', price: 0 },
      ],
    });
    toppings = await group(f, {
      name: '토핑 추가',
      minSelect: 0,
      maxSelect: 3,
      options: [
        { name: '치즈', price: 1000 },
        { name: '계란', price: 500 },
        { name: '햄', price: 1500, isAvailable: false },
        { name: '떡', price: 700 },
        { name: '라면사리', price: 1500 },
      ],
    });
    size = await group(f, {
      name: '사이즈',
      minSelect: 1,
      maxSelect: 1,
      options: [
        { name: '보통', price: 0 },
        { name: '곱빼기', price: 2000 },
      ],
    });
    foreignGroup = await group(other, {
      name: '남의 토핑',
      minSelect: 0,
      maxSelect: 1,
      options: [{ name: '치즈', price: 0 }],
    });
    const category = await createCategory(t.dataSource, f.store.id);
    stew = await createMenu(t.dataSource, f.store.id, category.id, { name: '김치찌개', price: 9000 });
    noodles = await createMenu(t.dataSource, f.store.id, category.id, { name: '냉면', price: 9500 });
    cola = await createMenu(t.dataSource, f.store.id, category.id, { name: '콜라', price: 2000 });
    await withGroups(stew.id, [spice.id, toppings.id]);
    await withGroups(noodles.id, [size.id]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const opt = (g: Group, name: string): string => (g.options.find((o) => o.name === name) as Option).id;
  const place = (token: string, items: Line[], extra: object = {}, key?: string) => {
    const req = t
      .http()
      .post('/api/v1/orders')
      .set(...bearer(token));
    if (key) req.set('Idempotency-Key', key);
    return req.send({ items, ...extra });
  };
  const counts = async () =>
    (
      (await t.dataSource.query(
        `SELECT (SELECT count(*) FROM orders WHERE store_id = $1)::int AS orders,
                (SELECT count(*) FROM events WHERE store_id = $1)::int AS events,
                (SELECT count(*) FROM idempotency_keys WHERE store_id = $1)::int AS keys`,
        [f.store.id],
      )) as Array<Record<string, number>>
    )[0];

  it('prices each line as menuPrice + its options, snapshots them in group order, and keeps the notes', async () => {
    const res = await place(
      f.tables[0].token,
      [
        {
          menuId: stew.id,
          quantity: 2,
          optionIds: [opt(toppings, '떡'), opt(spice, '매운맛'), opt(toppings, '치즈')],
          note: '  덜 맵게\n국물 많이  ',
        },
        { menuId: noodles.id, quantity: 1, optionIds: [opt(size, '곱빼기')], note: '   ' },
        { menuId: cola.id, quantity: 3 },
      ],
      { note: ' 아이 의자 하나 부탁드려요 ' },
    ).expect(201);
    expect(res.body).toMatchObject({
      status: 'PENDING',
      note: '아이 의자 하나 부탁드려요',
      items: [
        {
          menuId: stew.id,
          menuName: '김치찌개',
          menuPrice: 9000,
          options: [
            { optionId: opt(spice, '매운맛'), groupName: '맵기', name: '매운맛', price: 0 },
            { optionId: opt(toppings, '치즈'), groupName: '토핑 추가', name: '치즈', price: 1000 },
            { optionId: opt(toppings, '떡'), groupName: '토핑 추가', name: '떡', price: 700 },
          ],
          note: '덜 맵게\n국물 많이',
          unitPrice: 10700,
          quantity: 2,
          subtotal: 21400,
        },
        {
          menuName: '냉면',
          menuPrice: 9500,
          options: [{ optionId: opt(size, '곱빼기'), groupName: '사이즈', name: '곱빼기', price: 2000 }],
          note: null,
          unitPrice: 11500,
          subtotal: 11500,
        },
        { menuName: '콜라', menuPrice: 2000, options: [], note: null, unitPrice: 2000, subtotal: 6000 },
      ],
      totalAmount: 21400 + 11500 + 6000,
    });
    expect(Object.keys(res.body)).toEqual([
      'id',
      'orderNumber',
      'tableId',
      'tableNumber',
      'sessionId',
      'status',
      'note',
      'items',
      'totalAmount',
      'createdAt',
      'updatedAt',
    ]);
    expect(Object.keys(res.body.items[0])).toEqual([
      'menuId',
      'menuName',
      'menuPrice',
      'options',
      'note',
      'unitPrice',
      'quantity',
      'subtotal',
    ]);
    const [event] = (await t.dataSource.query(
      `SELECT payload FROM events WHERE store_id = $1 AND type = 'new_order' AND payload -> 'order' ->> 'id' = $2`,
      [f.store.id, res.body.id],
    )) as Array<{ payload: { order: unknown } }>;
    expect(event.payload.order).toEqual(res.body);
  });

  it('allows the same menu on several lines when options or notes differ, not when both are the same', async () => {
    const mild = opt(spice, '순한맛');
    const hot = opt(spice, '매운맛');
    const cheese = opt(toppings, '치즈');
    await place(f.tables[1].token, [
      { menuId: stew.id, quantity: 1, optionIds: [mild] },
      { menuId: stew.id, quantity: 1, optionIds: [hot] },
      { menuId: stew.id, quantity: 1, optionIds: [hot], note: '포장' },
      { menuId: stew.id, quantity: 1, optionIds: [hot, cheese] },
    ]).expect(201);
    const before = await counts();
    for (const lines of [
      [
        { menuId: stew.id, quantity: 1, optionIds: [hot, cheese] },
        { menuId: stew.id, quantity: 2, optionIds: [cheese, hot] },
      ],
      [
        { menuId: stew.id, quantity: 1, optionIds: [hot], note: '포장' },
        { menuId: stew.id, quantity: 1, optionIds: [hot], note: ' 포장 ' },
      ],
      [
        { menuId: cola.id, quantity: 1, note: '' },
        { menuId: cola.id, quantity: 1 },
      ],
    ]) {
      const res = await place(f.tables[1].token, lines).expect(400);
      expect(res.body).toMatchObject({
        error_code: 'VALIDATION_ERROR',
        errors: [expect.objectContaining({ field: 'items' })],
      });
    }
    expect(await counts()).toEqual(before);
  });

  describe('refusals: the right code, a detail naming the line and the group, and nothing created', () => {
    const cases: Array<[string, () => Line[], number, string, RegExp]> = [
      [
        'a required group left out',
        () => [
          { menuId: cola.id, quantity: 1 },
          { menuId: stew.id, quantity: 1 },
        ],
        400,
        'OPTION_SELECTION_INVALID',
        /^items\.1: group "맵기" needs at least 1/,
      ],
      [
        'two choices in an exactly-one group',
        () => [{ menuId: stew.id, quantity: 1, optionIds: [opt(spice, '보통'), opt(spice, '매운맛')] }],
        400,
        'OPTION_SELECTION_INVALID',
        /^items\.0: group "맵기" allows at most 1/,
      ],
      [
        'four toppings of at most three',
        () => [
          {
            menuId: stew.id,
            quantity: 1,
            optionIds: [
              opt(spice, '보통'),
              opt(toppings, '치즈'),
              opt(toppings, '계란'),
              opt(toppings, '떡'),
              opt(toppings, '라면사리'),
            ],
          },
        ],
        400,
        'OPTION_SELECTION_INVALID',
        /^items\.0: group "토핑 추가" allows at most 3/,
      ],
      [
        'the same option twice',
        () => [
          {
            menuId: stew.id,
            quantity: 1,
            optionIds: [opt(spice, '보통'), opt(toppings, '치즈'), opt(toppings, '치즈')],
          },
        ],
        400,
        'OPTION_SELECTION_INVALID',
        /^items\.0: option "치즈" of group "토핑 추가" is chosen more than once/,
      ],
      [
        'an option of a group the menu does not list',
        () => [
          { menuId: noodles.id, quantity: 1, optionIds: [opt(size, '보통')] },
          { menuId: cola.id, quantity: 1, optionIds: [opt(spice, '보통')] },
        ],
        400,
        'OPTION_SELECTION_INVALID',
        /^items\.1: option "보통" of group "맵기" is not offered on menu "콜라"/,
      ],
      [
        'an unknown option',
        () => [{ menuId: cola.id, quantity: 1, optionIds: [UNKNOWN] }],
        404,
        'OPTION_NOT_FOUND',
        /^items\.0: option 00000000/,
      ],
      [
        'another store’s option',
        () => [{ menuId: cola.id, quantity: 1, optionIds: [foreignGroup.options[0].id] }],
        404,
        'OPTION_NOT_FOUND',
        /^items\.0: option /,
      ],
      [
        'a sold-out option',
        () => [{ menuId: stew.id, quantity: 1, optionIds: [opt(spice, '보통'), opt(toppings, '햄')] }],
        409,
        'OPTION_UNAVAILABLE',
        /^items\.0: option "햄" of group "토핑 추가" is sold out/,
      ],
    ];
    it.each(cases)('%s', async (_, lines, status, code, detail) => {
      const before = await counts();
      const res = await place(f.tables[2].token, lines(), {}, `refused-${code}-${status}-${Math.random()}`);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ status, error_code: code, detail: expect.stringMatching(detail) });
      expect(res.body.errors).toBeUndefined();
      expect(await counts()).toEqual(before);
    });

    it.each([
      [
        'a line note over 100 characters',
        () => [{ menuId: cola.id, quantity: 1, note: 'n'.repeat(101) }],
        {},
        'items.0.note',
      ],
      [
        'an order note over 200 characters',
        () => [{ menuId: cola.id, quantity: 1 }],
        { note: 'n'.repeat(201) },
        'note',
      ],
      ['a tab in a note', () => [{ menuId: cola.id, quantity: 1, note: '덜\t맵게' }], {}, 'items.0.note'],
      ['a carriage return in a note', () => [{ menuId: cola.id, quantity: 1 }], { note: 'a\r\nb' }, 'note'],
      ['DEL in a note', () => [{ menuId: cola.id, quantity: 1, note: 'x\u007f' }], {}, 'items.0.note'],
      [
        'a leading control character',
        () => [{ menuId: cola.id, quantity: 1, note: '\u0007bell' }],
        {},
        'items.0.note',
      ],
      ['a note that is no string', () => [{ menuId: cola.id, quantity: 1, note: 5 }], {}, 'items.0.note'],
      [
        'optionIds that is no list',
        () => [{ menuId: cola.id, quantity: 1, optionIds: UNKNOWN }],
        {},
        'items.0.optionIds',
      ],
      [
        'an option id that is no UUID',
        () => [{ menuId: cola.id, quantity: 1, optionIds: ['x'] }],
        {},
        'items.0.optionIds',
      ],
    ])('%s is 400 VALIDATION_ERROR', async (_, items, extra, field) => {
      const res = await t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(f.tables[2].token))
        .send({ items: (items as () => unknown[])(), ...extra })
        .expect(400);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts notes at their limits, with line feeds', async () => {
      const res = await place(
        f.tables[2].token,
        [{ menuId: cola.id, quantity: 1, note: `${'가'.repeat(99)}\n` }],
        {
          note: 'n'.repeat(200),
        },
      ).expect(201);
      expect(res.body.items[0].note).toBe('가'.repeat(99));
      expect(res.body.note).toHaveLength(200);
    });
  });

  it('replays a retried order byte for byte; another option set under the same key is 422', async () => {
    const lines = [
      { menuId: stew.id, quantity: 1, optionIds: [opt(toppings, '계란'), opt(spice, '보통')], note: '빨리' },
    ];
    const first = await place(f.tables[0].token, lines, { note: '주문 메모' }, 'options-replay').expect(201);
    const swapped = [{ ...lines[0], optionIds: [...lines[0].optionIds].reverse() }];
    const again = await place(f.tables[0].token, swapped, { note: '주문 메모' }, 'options-replay').expect(
      201,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    const before = await counts();
    for (const [items, extra] of [
      [[{ ...lines[0], optionIds: [opt(spice, '보통')] }], { note: '주문 메모' }],
      [[{ ...lines[0], note: '천천히' }], { note: '주문 메모' }],
      [lines, {}],
    ] as Array<[Line[], object]>) {
      const res = await place(f.tables[0].token, items, extra, 'options-replay').expect(422);
      expect(res.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await counts()).toEqual(before);
  });

  it('keeps every snapshot when options and groups change or go: orders, lists, dashboard, events and history', async () => {
    const fixture = await storeFixture(t, 1);
    const own = (body: object) => group(fixture, body);
    const g = await own({
      name: '맵기',
      minSelect: 1,
      maxSelect: 1,
      options: [
        { name: '매운맛', price: 300 },
        { name: '보통', price: 0 },
      ],
    });
    const extra = await own({
      name: '추가',
      minSelect: 0,
      maxSelect: 2,
      options: [{ name: '치즈', price: 1000 }],
    });
    const category = await createCategory(t.dataSource, fixture.store.id);
    const menu = await createMenu(t.dataSource, fixture.store.id, category.id, {
      name: '떡볶이',
      price: 5000,
    });
    const as = bearer(fixture.admin.token);
    await t
      .http()
      .patch(`/api/v1/admin/menus/${menu.id}`)
      .set(...as)
      .send({ optionGroupIds: [g.id, extra.id] })
      .expect(200);
    const placed = await place(fixture.tables[0].token, [
      { menuId: menu.id, quantity: 2, optionIds: [g.options[0].id, extra.options[0].id], note: '덜 맵게' },
    ]).expect(201);
    const snapshot = {
      menuName: '떡볶이',
      menuPrice: 5000,
      options: [
        { optionId: g.options[0].id, groupName: '맵기', name: '매운맛', price: 300 },
        { optionId: extra.options[0].id, groupName: '추가', name: '치즈', price: 1000 },
      ],
      note: '덜 맵게',
      unitPrice: 6300,
      quantity: 2,
      subtotal: 12600,
    };
    expect(placed.body.items).toEqual([{ menuId: menu.id, ...snapshot }]);

    // Rename and reprice the option, rename the group, delete the other group, the menu too.
    await t
      .http()
      .patch(`/api/v1/admin/options/${g.options[0].id}`)
      .set(...as)
      .send({ name: '아주 매운맛', price: 900 })
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/admin/option-groups/${g.id}`)
      .set(...as)
      .send({ name: '매운 정도' })
      .expect(200);
    await t
      .http()
      .delete(`/api/v1/admin/option-groups/${extra.id}`)
      .set(...as)
      .expect(204);
    const status = await t
      .http()
      .patch(`/api/v1/admin/orders/${placed.body.id}`)
      .set(...as)
      .send({ status: 'PREPARING' })
      .expect(200);
    expect(status.body.items).toEqual(placed.body.items);
    await t
      .http()
      .delete(`/api/v1/admin/options/${g.options[0].id}`)
      .set(...as)
      .expect(204);
    await t
      .http()
      .delete(`/api/v1/admin/menus/${menu.id}`)
      .set(...as)
      .expect(204);

    const unchanged = { ...placed.body, status: 'PREPARING', updatedAt: status.body.updatedAt };
    const tableView = await t
      .http()
      .get('/api/v1/orders')
      .set(...bearer(fixture.tables[0].token))
      .expect(200);
    expect(tableView.body.orders).toEqual([unchanged]);
    expect(
      (
        await t
          .http()
          .get('/api/v1/admin/orders')
          .set(...as)
          .expect(200)
      ).body,
    ).toEqual([unchanged]);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/admin/orders/${placed.body.id}`)
          .set(...as)
          .expect(200)
      ).body,
    ).toEqual(unchanged);
    const dashboard = await t
      .http()
      .get('/api/v1/admin/tables')
      .set(...as)
      .expect(200);
    expect(dashboard.body[0].recentOrders).toEqual([unchanged]);
    const [updated] = (await t.dataSource.query(
      `SELECT payload FROM events WHERE store_id = $1 AND type = 'order_updated'`,
      [fixture.store.id],
    )) as Array<{ payload: { order: unknown } }>;
    expect(updated.payload.order).toEqual(unchanged);

    await t
      .http()
      .post(`/api/v1/admin/tables/${fixture.tables[0].id}/complete`)
      .set(...as)
      .expect(200);
    const history = await t
      .http()
      .get(`/api/v1/admin/tables/${fixture.tables[0].id}/history`)
      .set(...as)
      .expect(200);
    expect(history.body.items[0].orders).toEqual([unchanged]);
  });
});
