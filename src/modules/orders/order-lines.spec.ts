import { AppError } from '../../common/errors';
import type { CreateOrderDto } from './dto/create-order.dto';
import {
  findUnofferedOptions,
  MAX_ORDER_TOTAL,
  priceLines,
  selectOptions,
  unofferedOptionError,
  type OrderableMenu,
} from './order-lines';

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// 맵기: exactly one; 토핑 추가: up to three, each priced; 사이즈 (on the noodles only): exactly one.
const MILD = uuid(11);
const MEDIUM = uuid(12);
const HOT = uuid(13);
const CHEESE = uuid(21);
const EGG = uuid(22);
const HAM = uuid(23);
const RICE_CAKE = uuid(24);
const LARGE = uuid(31);

const spice = {
  id: uuid(1),
  name: '맵기',
  minSelect: 1,
  maxSelect: 1,
  options: [
    { id: MILD, name: '순한맛', price: 0, isAvailable: true },
    { id: MEDIUM, name: '보통', price: 0, isAvailable: true },
    { id: HOT, name: '매운맛', price: 0, isAvailable: true },
  ],
};
const toppings = {
  id: uuid(2),
  name: '토핑 추가',
  minSelect: 0,
  maxSelect: 3,
  options: [
    { id: CHEESE, name: '치즈', price: 1000, isAvailable: true },
    { id: EGG, name: '계란', price: 500, isAvailable: true },
    { id: HAM, name: '햄', price: 1500, isAvailable: false },
    { id: RICE_CAKE, name: '떡', price: 700, isAvailable: true },
  ],
};
const size = {
  id: uuid(3),
  name: '사이즈',
  minSelect: 1,
  maxSelect: 1,
  options: [{ id: LARGE, name: '곱빼기', price: 2000, isAvailable: true }],
};

const STEW = uuid(100);
const NOODLES = uuid(200);
const COLA = uuid(300);
const menus: OrderableMenu[] = [
  { id: STEW, name: '김치찌개', price: 9000, isAvailable: true, groups: [spice, toppings] },
  { id: NOODLES, name: '냉면', price: 9500, isAvailable: true, groups: [size] },
  { id: COLA, name: '콜라', price: 2000, isAvailable: true, groups: [] },
];

function errorOf(fn: () => unknown): { status: number; code: string; detail: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code, detail: error.detail };
    throw error;
  }
  return undefined;
}

const order = (...items: CreateOrderDto['items']): CreateOrderDto => ({ items });

describe('option selection (selectOptions)', () => {
  const stew = menus[0];

  it('returns the chosen options in the menu group order, then each group option order', () => {
    expect(selectOptions(0, stew, [EGG, HOT, CHEESE])).toEqual([
      { optionId: HOT, groupName: '맵기', name: '매운맛', price: 0, isAvailable: true },
      { optionId: CHEESE, groupName: '토핑 추가', name: '치즈', price: 1000, isAvailable: true },
      { optionId: EGG, groupName: '토핑 추가', name: '계란', price: 500, isAvailable: true },
    ]);
  });

  it('counts a group the line leaves out as 0 chosen: a required group is then too few', () => {
    expect(errorOf(() => selectOptions(2, stew, [CHEESE]))).toEqual({
      status: 400,
      code: 'OPTION_SELECTION_INVALID',
      detail: 'items.2: group "맵기" needs at least 1 option(s), 0 chosen',
    });
    expect(selectOptions(0, stew, [MILD])).toHaveLength(1);
  });

  it('refuses more than maxSelect in a group', () => {
    expect(errorOf(() => selectOptions(0, stew, [MILD, HOT]))?.detail).toBe(
      'items.0: group "맵기" allows at most 1 option(s), 2 chosen',
    );
    expect(errorOf(() => selectOptions(1, stew, [MILD, CHEESE, EGG, HAM, RICE_CAKE]))?.detail).toBe(
      'items.1: group "토핑 추가" allows at most 3 option(s), 4 chosen',
    );
    expect(selectOptions(0, stew, [MILD, CHEESE, EGG, RICE_CAKE])).toHaveLength(4);
  });

  it('refuses the same option twice in a line', () => {
    expect(errorOf(() => selectOptions(0, stew, [MILD, CHEESE, CHEESE]))).toEqual({
      status: 400,
      code: 'OPTION_SELECTION_INVALID',
      detail: 'items.0: option "치즈" of group "토핑 추가" is chosen more than once',
    });
  });

  it('leaves sold-out options to the caller, flagged', () => {
    expect(selectOptions(0, stew, [MILD, HAM]).map((o) => o.isAvailable)).toEqual([true, false]);
  });

  it('accepts no option at all on a menu without groups', () => {
    expect(selectOptions(0, menus[2], [])).toEqual([]);
  });
});

describe('unoffered options', () => {
  it('finds the ids a line names that its own menu does not offer, after every menu is found', () => {
    expect(
      findUnofferedOptions(order({ menuId: STEW, quantity: 1, optionIds: [MILD, LARGE] }), menus),
    ).toEqual([{ line: 0, optionId: LARGE, menuName: '김치찌개' }]);
    expect(findUnofferedOptions(order({ menuId: NOODLES, quantity: 1, optionIds: [LARGE] }), menus)).toEqual(
      [],
    );
    expect(errorOf(() => findUnofferedOptions(order({ menuId: uuid(999), quantity: 1 }), menus))?.code).toBe(
      'MENU_NOT_FOUND',
    );
  });

  it('answers another menu option with 400 naming line and group, an unknown id with 404 first', () => {
    const unoffered = [
      { line: 1, optionId: LARGE, menuName: '김치찌개' },
      { line: 2, optionId: uuid(777), menuName: '콜라' },
    ];
    const known = [{ id: LARGE, name: '곱빼기', groupName: '사이즈' }];
    expect(unofferedOptionError(unoffered, known)).toMatchObject({
      status: 404,
      code: 'OPTION_NOT_FOUND',
      detail: `items.2: option ${uuid(777)} does not exist`,
    });
    expect(unofferedOptionError(unoffered.slice(0, 1), known)).toMatchObject({
      status: 400,
      code: 'OPTION_SELECTION_INVALID',
      detail: 'items.1: option "곱빼기" of group "사이즈" is not offered on menu "김치찌개"',
    });
  });
});

describe('pricing lines (priceLines)', () => {
  it('prices a line as menuPrice + the options, with snapshots, and totals on the server', () => {
    const priced = priceLines(
      order(
        { menuId: STEW, quantity: 2, optionIds: [CHEESE, HOT], note: '덜 맵게' },
        { menuId: NOODLES, quantity: 1, optionIds: [LARGE] },
        { menuId: COLA, quantity: 3 },
      ),
      menus,
    );
    expect(priced.lines).toEqual([
      {
        menuId: STEW,
        menuName: '김치찌개',
        menuPrice: 9000,
        options: [
          { optionId: HOT, groupName: '맵기', name: '매운맛', price: 0 },
          { optionId: CHEESE, groupName: '토핑 추가', name: '치즈', price: 1000 },
        ],
        note: '덜 맵게',
        unitPrice: 10000,
        quantity: 2,
      },
      {
        menuId: NOODLES,
        menuName: '냉면',
        menuPrice: 9500,
        options: [{ optionId: LARGE, groupName: '사이즈', name: '곱빼기', price: 2000 }],
        note: null,
        unitPrice: 11500,
        quantity: 1,
      },
      {
        menuId: COLA,
        menuName: '콜라',
        menuPrice: 2000,
        options: [],
        note: null,
        unitPrice: 2000,
        quantity: 3,
      },
    ]);
    expect(priced.totalAmount).toBe(20000 + 11500 + 6000);
  });

  it('checks all lines in order: unknown menu 404, selection 400, sold-out menu 409, sold-out option 409', () => {
    const soldOutStew = menus.map((m) => (m.id === STEW ? { ...m, isAvailable: false } : m));
    const withHam = { menuId: STEW, quantity: 1, optionIds: [MILD, HAM] };
    const tooFew = { menuId: NOODLES, quantity: 1 };
    expect(
      errorOf(() => priceLines(order(withHam, tooFew, { menuId: uuid(999), quantity: 1 }), menus))?.code,
    ).toBe('MENU_NOT_FOUND');
    expect(errorOf(() => priceLines(order(withHam, tooFew), soldOutStew))).toMatchObject({
      status: 400,
      detail: 'items.1: group "사이즈" needs at least 1 option(s), 0 chosen',
    });
    expect(errorOf(() => priceLines(order({ menuId: COLA, quantity: 1 }, withHam), soldOutStew))?.code).toBe(
      'MENU_UNAVAILABLE',
    );
    expect(errorOf(() => priceLines(order({ menuId: COLA, quantity: 1 }, withHam), menus))).toEqual({
      status: 409,
      code: 'OPTION_UNAVAILABLE',
      detail: 'items.1: option "햄" of group "토핑 추가" is sold out',
    });
  });

  it('refuses a total the order columns cannot hold instead of failing in SQL', () => {
    const dear: OrderableMenu[] = [
      {
        id: STEW,
        name: 'x',
        price: 10_000_000,
        isAvailable: true,
        groups: [{ ...toppings, options: toppings.options.map((o) => ({ ...o, isAvailable: true })) }],
      },
    ];
    const lines = Array.from({ length: 3 }, (_, i) => ({ menuId: STEW, quantity: 100, note: `line ${i}` }));
    expect(priceLines(order(...lines.slice(0, 2)), dear).totalAmount).toBe(2_000_000_000);
    expect(errorOf(() => priceLines(order(...lines), dear))).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      detail: `items the order total must not exceed ${MAX_ORDER_TOTAL} won`,
    });
  });
});
