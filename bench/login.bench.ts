/**
 * Login latency: POST /api/v1/auth/admin-login against the application in its own process (real PostgreSQL,
 * in-process lockout and rate-limit stores, BCRYPT_COST=10), next to the raw baseline of `bcrypt.compare` alone
 * at cost 10 in this process. A login should cost little more than its bcrypt comparison.
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/login.bench.ts
 *
 * BENCH_SAMPLES (200 sequential requests / comparisons, and as many again in parallel),
 * BENCH_CONCURRENCY (4, for the parallel pass). Figures are printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import * as bcrypt from 'bcrypt';
import { createBenchDatabase, memoryOf, resetPeak, seedStores, Server, spawnApp } from './orders-support';
import { BenchRow, emitResult, mib } from './results';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Pass {
  samples: number[];
  seconds: number;
}

function summary(label: string, { samples, seconds }: Pass): { rps: number; p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const figures = { rps: samples.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  console.log(
    `${label.padEnd(44)} n=${String(samples.length).padStart(4)}  p50=${figures.p50.toFixed(1)} ms` +
      `  p99=${figures.p99.toFixed(1)} ms  mean=${mean.toFixed(1)} ms  max=${sorted[sorted.length - 1].toFixed(1)} ms` +
      `  ${figures.rps.toFixed(1)}/s`,
  );
  return figures;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** `count` calls of `work`, `concurrency` at a time. */
async function pass(work: () => Promise<unknown>, count: number, concurrency: number): Promise<Pass> {
  const samples: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) samples.push(await timed(work));
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  let app: Server | undefined;
  try {
    app = await spawnApp(db, { BCRYPT_COST: '10' });
    // One store, its admin `admin` with a cost-10 hash of `admin-password`.
    const [store] = await seedStores(db, 1, 1, 0);
    const hash = await bcrypt.hash(store.adminPassword, 10);
    const body = JSON.stringify({ storeCode: store.code, username: 'admin', password: store.adminPassword });
    const url = `${app.url}/api/v1/auth/admin-login`;
    const login = async (): Promise<void> => {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      await res.arrayBuffer();
    };
    const compare = () => bcrypt.compare(store.adminPassword, hash);

    for (let i = 0; i < 10; i++) {
      await login();
      await compare();
    }

    resetPeak(app.pid);
    const rawSequential = await pass(compare, SAMPLES, 1);
    const appSequential = await pass(login, SAMPLES, 1);
    const rawParallel = await pass(compare, SAMPLES, CONCURRENCY);
    const appParallel = await pass(login, SAMPLES, CONCURRENCY);
    const peak = memoryOf(app.pid).peak;

    console.log(`login benchmark: bcrypt cost 10, PostgreSQL, node ${process.version}`);
    const rows: BenchRow[] = [];
    for (const [label, raw, appPass] of [
      ['sequential', rawSequential, appSequential],
      [`${CONCURRENCY} in parallel`, rawParallel, appParallel],
    ] as const) {
      const r = summary(`raw bcrypt.compare, ${label} (baseline)`, raw);
      const a = summary(`POST /auth/admin-login, ${label}`, appPass);
      console.log(`  login p50 minus bcrypt p50: ${(a.p50 - r.p50).toFixed(1)} ms`);
      rows.push({
        case: `admin login, ${label}`,
        app: { ...a, errors: 0, memory: mib(peak) },
        raw: { ...r, errors: 0 },
        memoryUnit: 'MiB peak RSS',
      });
    }
    console.log(`app peak RSS ${mib(peak).toFixed(0)} MiB`);
    emitResult({
      bench: 'login',
      title: `POST /api/v1/auth/admin-login, bcrypt cost 10, ${SAMPLES} logins per pass`,
      baseline: 'bcrypt.compare alone at cost 10 (req/s = comparisons a second), in the load generator',
      rows,
    });
  } finally {
    await app?.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
