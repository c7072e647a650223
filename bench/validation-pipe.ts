/**
 * The service's validation pipe on one order body (3 lines, options and notes), in this process: µs per
 * transform with the compiled check (common/validation/compiled-check.ts) answering, and with class-validator
 * deciding alone, alternating in rounds so that both get the same machine. No HTTP, no database: the CPU the
 * pipe costs a request, which the HTTP benchmarks measure only inside everything else.
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/validation-pipe.ts
 *
 * BENCH_ROUNDS (10) rounds of BENCH_ITERATIONS (5,000) transforms per side.
 */
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { createValidationPipe } from '../src/common/http/validation.pipe';
import { CreateOrderDto } from '../src/modules/orders/dto/create-order.dto';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5000);

const body = () => ({
  items: [0, 1, 2].map((n) => ({
    menuId: `5021b1aa-af83-4f83-8253-6e7f8091a2b${n}`,
    quantity: n + 1,
    optionIds: ['0b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e', '1b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e'],
    note: '덜 맵게 해주세요',
  })),
  note: '아이 의자 하나 부탁드려요',
});

async function main(): Promise<void> {
  const compiled = createValidationPipe();
  // The same pipe with class-validator deciding every body: the base class's validate, not the override.
  const alone = createValidationPipe();
  const validate = Object.getOwnPropertyDescriptor(ValidationPipe.prototype, 'validate')?.value as unknown;
  Object.defineProperty(alone, 'validate', { value: validate });
  const metadata = { type: 'body' as const, metatype: CreateOrderDto };
  const time = async (pipe: ValidationPipe): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i++) await pipe.transform(body(), metadata);
    return performance.now() - started;
  };
  await time(compiled);
  await time(alone);
  let compiledMs = 0;
  let aloneMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    compiledMs += await time(compiled);
    aloneMs += await time(alone);
  }
  const per = (ms: number) => ((ms * 1000) / (ROUNDS * ITERATIONS)).toFixed(1);
  console.log(
    `validation pipe, one order of 3 lines with options and notes, ${ROUNDS} × ${ITERATIONS} per side`,
  );
  console.log(`compiled check answering:        ${per(compiledMs)} µs per body`);
  console.log(`class-validator deciding alone:  ${per(aloneMs)} µs per body`);
}

void main();
