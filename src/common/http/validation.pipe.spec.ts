import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { AppError } from '../errors';
import { createValidationPipe, MAX_NESTING } from './validation.pipe';

class Line {
  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}

class Body {
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  price: number;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => Line)
  items: Line[];
}

async function errorOf(value: unknown): Promise<AppError> {
  try {
    await createValidationPipe().transform(value, { type: 'body', metatype: Body });
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a validation error');
}

describe('validation pipe', () => {
  it('names nested fields by path, as API.md does (items.0.quantity)', async () => {
    const error = await errorOf({ price: 1, items: [{ quantity: 101 }] });
    expect(error.detail).toBe('items.0.quantity must not be greater than 100');
    expect(error.options.errors).toEqual([
      { field: 'items.0.quantity', message: 'must not be greater than 100' },
    ]);
  });

  it('puts what a value must be before its bounds, so the detail of a wrong type says so', async () => {
    const error = await errorOf({ price: '1000', items: [{ quantity: 1 }] });
    expect(error.detail).toBe('price must be an integer number');
    const missing = await errorOf({ price: 1 });
    expect(missing.detail).toBe('items must be an array');
  });

  it('refuses unknown fields', async () => {
    const error = await errorOf({ price: 1, items: [{ quantity: 1 }], extra: true });
    expect(error.options.errors).toEqual([{ field: 'extra', message: 'property extra should not exist' }]);
  });

  it('refuses a body nested deeper than MAX_NESTING with a 400 naming the body', async () => {
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_NESTING; i++) deep = [deep];
    const error = await errorOf(deep);
    expect(error.options.errors).toEqual([
      { field: 'body', message: `must not be nested more than ${MAX_NESTING} levels deep` },
    ]);
  });
});

describe('validation pipe, values Nest walks over first', () => {
  const transform = (value: unknown) =>
    createValidationPipe().transform(value, { type: 'body', metatype: Body }) as Promise<Body>;

  it('validates the items of a sparse array without its gaps, and returns them so', async () => {
    // A multipart field named items[2] builds such an array; JSON never does.
    const items: Array<{ quantity: number }> = [];
    items[2] = { quantity: 1 };
    const body = await transform({ price: 1, items });
    expect(body.items).toHaveLength(1);
    expect(body.items[0].quantity).toBe(1);
  });

  it('drops an own __proto__ or constructor key instead of refusing or keeping it', async () => {
    const parsed = JSON.parse(
      '{"price":1,"items":[{"quantity":1,"__proto__":{"x":1}}],"constructor":{"y":2}}',
    );
    const body = await transform(parsed);
    expect(Object.hasOwn(body, 'constructor')).toBe(false);
    expect(Object.hasOwn(body.items[0], '__proto__')).toBe(false);
    expect((body.items[0] as unknown as { x?: number }).x).toBeUndefined();
  });

  it('returns a plain body as validated, instances of its classes', async () => {
    const body = await transform({ price: 1, items: [{ quantity: 2 }] });
    expect(body).toBeInstanceOf(Body);
    expect(body.items[0]).toBeInstanceOf(Line);
    expect(body.items[0].quantity).toBe(2);
  });
});
