/**
 * Login latency: POST /api/v1/auth/admin-login against an in-process app (embedded PGlite, in-process lockout
 * and rate-limit stores) at BCRYPT_COST=10, next to the raw baseline of `bcrypt.compare` at cost 10 in the same
 * process. A login should cost little more than its bcrypt comparison.
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/login.bench.ts
 *
 * BENCH_SAMPLES (200 sequential requests / comparisons), BENCH_CONCURRENCY (4, for the parallel pass).
 * Figures are printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import * as bcrypt from 'bcrypt';
import { createAdmin, createStore } from '../test/factories';
import { createTestEnv, startApp } from '../test/utils/app';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(
    `${label.padEnd(44)} n=${String(samples.length).padStart(4)}  p50=${percentile(sorted, 50).toFixed(1)} ms` +
      `  p99=${percentile(sorted, 99).toFixed(1)} ms  mean=${mean.toFixed(1)} ms  max=${sorted[sorted.length - 1].toFixed(1)} ms`,
  );
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const env = await createTestEnv({ BCRYPT_COST: '10', LOG_LEVEL: 'silent' });
  const app = await startApp(env);
  try {
    const store = await createStore(app.dataSource);
    const admin = await createAdmin(app.dataSource, store.id, { password: 'bench-password' });
    const hash = await bcrypt.hash('bench-password', 10);
    const body = JSON.stringify({
      storeCode: store.code,
      username: admin.username,
      password: 'bench-password',
    });
    const login = async (): Promise<void> => {
      const res = await fetch(`${app.url}/api/v1/auth/admin-login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      await res.arrayBuffer();
    };

    for (let i = 0; i < 10; i++) {
      await login();
      await bcrypt.compare('bench-password', hash);
    }

    const raw: number[] = [];
    for (let i = 0; i < SAMPLES; i++) raw.push(await timed(() => bcrypt.compare('bench-password', hash)));
    const sequential: number[] = [];
    for (let i = 0; i < SAMPLES; i++) sequential.push(await timed(login));

    const parallel: number[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < SAMPLES) parallel.push(await timed(login));
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    console.log(`login benchmark: bcrypt cost 10, embedded database, node ${process.version}`);
    summary('raw bcrypt.compare (baseline)', raw);
    summary('POST /auth/admin-login, sequential', sequential);
    summary(`POST /auth/admin-login, ${CONCURRENCY} in parallel`, parallel);
    const overhead =
      percentile(
        [...sequential].sort((a, b) => a - b),
        50,
      ) -
      percentile(
        [...raw].sort((a, b) => a - b),
        50,
      );
    console.log(`login p50 minus bcrypt p50: ${overhead.toFixed(1)} ms`);
    console.log(`parallel throughput: ${(parallel.length / seconds).toFixed(1)} logins/s`);
  } finally {
    await app.close();
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
