import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { TableLoginDto } from '../../modules/auth/dto/login.dto';
import { HistoryQueryDto } from '../../modules/history/dto/history-query.dto';
import { CreateMenuDto } from '../../modules/menus/dto/menu.dto';
import { CreateOptionGroupDto } from '../../modules/menus/dto/option-group.dto';
import { CreateOrderDto } from '../../modules/orders/dto/create-order.dto';
import { passesCompiledCheck } from './compiled-check';

/** The options of the service's pipe (common/http/validation.pipe.ts), which the compiled check follows. */
const PIPE_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

const ID = '5021b1aa-af83-4f83-8253-6e7f8091a2b3';
const OTHER_ID = '0b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e';

/** Values each field of a valid body is replaced with, one at a time. */
const EDGES: unknown[] = [
  undefined,
  null,
  '',
  '   ',
  'x',
  'A'.repeat(1001),
  'line\nbreak',
  'bell\u0007',
  0,
  -1,
  1,
  1.5,
  101,
  10_000_001,
  Number.NaN,
  true,
  false,
  [],
  [1],
  [ID],
  [ID, ID],
  [ID.toUpperCase()],
  [{}],
  [[]],
  [null],
  {},
  { menuId: ID },
  ID,
  ID.toUpperCase(),
  '2026-12-07',
  '2026-02-30',
  '12',
];

const VALID: Array<[new () => object, Record<string, unknown>]> = [
  [
    CreateOrderDto,
    {
      items: [
        { menuId: ID, quantity: 2, optionIds: [OTHER_ID], note: ' 덜 맵게 ' },
        { menuId: OTHER_ID, quantity: 1 },
      ],
      note: '아이 의자',
    },
  ],
  [
    CreateMenuDto,
    {
      categoryId: ID,
      name: 'Bibimbap',
      price: 9000,
      description: 'Rice',
      isAvailable: true,
      optionGroupIds: [ID],
    },
  ],
  [
    CreateOptionGroupDto,
    {
      name: '맵기',
      minSelect: 1,
      maxSelect: 1,
      options: [
        { name: '순한맛', price: 0 },
        { name: '매운맛', price: 500 },
      ],
    },
  ],
  [TableLoginDto, { storeCode: 'demo', tableNumber: 3, password: 'table-pass' }],
  [HistoryQueryDto, { from: '2026-12-01', to: '2026-12-07', page: '2', pageSize: '50' }],
];

/** Every body one change away from `body`: each field (nested too) replaced by each edge value or removed, and an unknown field added at each level. */
function variants(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object') return EDGES;
  const out: unknown[] = [];
  const entries = Object.entries(body as Record<string, unknown>);
  for (const [key, value] of entries) {
    for (const replaced of variants(value)) {
      out.push(
        Array.isArray(body)
          ? body.map((v, i) => (String(i) === key ? replaced : v))
          : { ...body, [key]: replaced },
      );
    }
    if (!Array.isArray(body)) {
      const { [key]: _removed, ...rest } = body as Record<string, unknown>;
      out.push(rest);
    }
  }
  if (Array.isArray(body)) out.push([...body, body[0]], []);
  else out.push({ ...body, unknown: 1 });
  return out;
}

async function verdicts(target: new () => object, plain: unknown) {
  const instance = plainToInstance(target, plain);
  const errors = await validate(instance, PIPE_OPTIONS);
  return { compiled: passesCompiledCheck(instance), validator: errors.length === 0 };
}

describe('compiled validation check', () => {
  it.each(VALID.map(([target, body]) => [target.name, target, body] as const))(
    'passes a valid %s, as class-validator does',
    async (_name, target, body) => {
      expect(await verdicts(target, body)).toEqual({ compiled: true, validator: true });
    },
  );

  it.each(VALID.map(([target, body]) => [target.name, target, body] as const))(
    'agrees with class-validator on every body one change away from a valid %s',
    async (_name, target, body) => {
      const all = variants(body);
      const disagreements: unknown[] = [];
      let refused = 0;
      for (const variant of all) {
        const { compiled, validator } = await verdicts(target, variant);
        if (!validator) refused++;
        if (compiled !== validator) disagreements.push({ variant, compiled, validator });
      }
      expect(disagreements).toEqual([]);
      // The variants do reach the refusals: most of them break a rule.
      expect(refused).toBeGreaterThan(all.length / 2);
    },
  );

  it('leaves a value of a class without rules, or a plain object, to class-validator', () => {
    class NoRules {
      name = 'x';
    }
    expect(passesCompiledCheck(new NoRules())).toBe(false);
    expect(passesCompiledCheck({ items: [] })).toBe(false);
    expect(passesCompiledCheck(null)).toBe(false);
  });
});
