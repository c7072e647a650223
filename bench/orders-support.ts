/**
 * Shared by the benchmarks in bench/: a fresh PostgreSQL database (created like test/utils/app.ts does, dropped
 * afterwards), servers started as child processes so that the load generator never shares an event loop with
 * them, fixture rows written with SQL, and autocannon runs summarised.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as bcrypt from 'bcrypt';
import { Client } from 'pg';

/** The part of autocannon's options and result used here (the package ships no type declarations). */
export interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
export interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: CannonRequest[];
}
interface CannonResult {
  requests: { total: number; average: number };
  duration: number;
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const autocannon = require('autocannon') as (opts: CannonOptions) => Promise<CannonResult>;

export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ROOT = path.resolve(__dirname, '..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');

export interface BenchDatabase {
  url: string;
  name: string;
  dataDir: string;
  /** The JWT private key the app generates into its DATA_DIR on start (the raw baselines verify with it). */
  keyFile: string;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const id = randomBytes(4).toString('hex');
  const name = `table_order_bench_${id}`;
  await withClient(PG_ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `table-order-bench-${id}-`));
  return {
    url: url.toString(),
    name,
    dataDir,
    keyFile: path.join(dataDir, 'keys', 'jwt-private.pem'),
    drop: async () => {
      await withClient(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const query = <T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) =>
  withClient(url, async (c) => (await c.query(sql, params)).rows as T[]);

export interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** The next line the server prints that matches `pattern` (after `listening`), as its match. */
  nextLine(pattern: RegExp): Promise<RegExpExecArray>;
}

export interface Memory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since the last resetPeak (VmHWM), bytes. */
  peak: number;
}

/** RSS of a process (ours) from /proc/<pid>/status; NaN where /proc is not there. */
export function memoryOf(pid: number): Memory {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/**
 * CPU time the process has used, user and system, in seconds (Linux: /proc/<pid>/stat, in clock ticks of 1/100 s);
 * NaN elsewhere. Read before and after a run, it gives the CPU a request costs a server, which the wall-clock
 * profile cannot (it also counts the time the thread waited for a core).
 */
export function cpuSecondsOf(pid: number): { user: number; system: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: NaN, system: NaN };
  }
}

/** Runs `load` and adds the server's CPU time per request over it (user + system, and system alone), in µs. */
export async function withCpu<T extends Figures>(
  pid: number,
  load: () => Promise<T>,
): Promise<T & { cpuUs: number; systemUs: number }> {
  const before = cpuSecondsOf(pid);
  const figures = await load();
  const after = cpuSecondsOf(pid);
  const per = (seconds: number) => (seconds * 1e6) / Math.max(1, figures.requests);
  return {
    ...figures,
    cpuUs: per(after.user - before.user + after.system - before.system),
    systemUs: per(after.system - before.system),
  };
}

/**
 * Resets the process's peak RSS to its current RSS (Linux: `5` into /proc/<pid>/clear_refs), so that a peak read
 * after the measured runs covers those runs and not the start-up (ts-node compiling, Nest wiring).
 */
export function resetPeak(pid: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers the whole life of the process.
  }
}

/** Where `tsconfig.bench.json` compiles src/ and bench/ to (inside the project, so node_modules resolves). */
const BUILD_DIR = path.join(ROOT, 'dist-bench');
let built = process.env.BENCH_BUILT === '1';

/**
 * Compiles the servers once per process (incrementally: a few seconds when nothing changed), unless the runner
 * did it already (BENCH_BUILT=1). Every server runs as compiled JavaScript on plain node, as production runs
 * `node dist/src/main`: under ts-node a server would also carry its compiler's hooks, and ts-node loads
 * node:domain, after which every EventEmitter call in the process goes through the domain's slower paths.
 */
export function buildServers(): void {
  if (built) return;
  execFileSync(NODE, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  built = true;
}

/** Starts `script` (compiled by buildServers) and waits for the `listening <port>` line it prints. */
export function spawnServer(
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<Server> {
  buildServers();
  const compiled = path.join(BUILD_DIR, script.replace(/\.ts$/, '.js'));
  const child: ChildProcess = spawn(NODE, [...nodeFlags, compiled, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const waiting: Array<{ pattern: RegExp; found: (m: RegExpExecArray) => void }> = [];
  return new Promise((resolve, reject) => {
    let out = '';
    let listening = false;
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${out}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        let awaited = false;
        for (const [i, w] of waiting.entries()) {
          const found = w.pattern.exec(line);
          if (!found) continue;
          waiting.splice(i, 1);
          w.found(found);
          awaited = true;
          break;
        }
        // What else a server prints (V8's --trace-gc, a stray log line) is shown, not swallowed.
        if (!awaited && listening) console.log(`[${path.basename(script, '.ts')}] ${line}`);
        const match = /^listening (\d+)/.exec(line);
        if (!match || listening) continue;
        listening = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          url: `http://127.0.0.1:${match[1]}`,
          pid: child.pid ?? 0,
          nextLine: (pattern) => new Promise((found) => waiting.push({ pattern, found })),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        });
      }
    });
  });
}

/** The application as production builds it (createApp), on real PostgreSQL, quiet, with limits out of the way. */
export function spawnApp(db: BenchDatabase, extra: Record<string, string> = {}): Promise<Server> {
  // BENCH_APP_NODE_FLAGS: Node flags for the app alone (--trace-gc, --perf-basic-prof, …), space-separated.
  const nodeFlags = (process.env.BENCH_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return spawnServer(
    'bench/orders-app-server.ts',
    [],
    {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'false',
      // The environment schema caps both at 100000 a minute, far above what the benchmark sends per principal.
      RATE_LIMIT_PER_MINUTE: '100000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      REDIS_URL: '',
      RABBITMQ_URL: '',
      // BENCH_PROFILE=<dir>: `profiled` below has the app write a V8 CPU profile of a measured run there.
      ...(process.env.BENCH_PROFILE ? { BENCH_PROFILE: process.env.BENCH_PROFILE } : {}),
      ...extra,
    },
    nodeFlags,
  );
}

/**
 * Runs `load` against an app started by spawnApp; with BENCH_PROFILE set, the app profiles exactly that run
 * (bench/orders-app-server.ts) and the command that splits the profile into pipeline stages is printed.
 */
export async function profiled(
  server: Server,
  label: string,
  load: () => Promise<Figures>,
): Promise<Figures> {
  if (!process.env.BENCH_PROFILE) return load();
  process.kill(server.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 200));
  const figures = await load();
  const written = server.nextLine(/^profiled (.+)$/);
  process.kill(server.pid, 'SIGUSR2');
  const [, file] = await written;
  if (process.env.BENCH_PROFILE_HEAP) {
    console.log(
      `heap profile of ${label} (${figures.requests} requests): ${file} (Chrome DevTools, Memory, Load)`,
    );
    return figures;
  }
  console.log(
    `profile of ${label}: node_modules/.bin/node -r ts-node/register/transpile-only bench/profile-stages.ts ${file} ${figures.requests}`,
  );
  return figures;
}

export interface BenchStore {
  id: string;
  code: string;
  adminPassword: string;
  tables: Array<{ id: string; number: number; token?: string }>;
  menus: string[];
}

/** Stores with one admin, `tables` tables (password table-pass) and `menus` available menus. */
export async function seedStores(
  db: BenchDatabase,
  stores: number,
  tables: number,
  menus: number,
): Promise<BenchStore[]> {
  const tableHash = await bcrypt.hash('table-pass', 10);
  const adminHash = await bcrypt.hash('admin-password', 10);
  return withClient(db.url, async (c) => {
    const out: BenchStore[] = [];
    for (let s = 0; s < stores; s++) {
      const code = `bench-${s}-${randomBytes(3).toString('hex')}`;
      const store = (await c.query(`INSERT INTO stores (code, name) VALUES ($1, $1) RETURNING id`, [code]))
        .rows[0];
      await c.query(
        `INSERT INTO admin_users (store_id, username, password_hash, role) VALUES ($1, 'admin', $2, 'store_admin')`,
        [store.id, adminHash],
      );
      const tableRows = (
        await c.query(
          `INSERT INTO tables (store_id, number, password_hash)
           SELECT $1, n, $2 FROM generate_series(1, $3::int) n RETURNING id, number`,
          [store.id, tableHash, tables],
        )
      ).rows as Array<{ id: string; number: number }>;
      const category = (
        await c.query(`INSERT INTO menu_categories (store_id, name) VALUES ($1, '메인') RETURNING id`, [
          store.id,
        ])
      ).rows[0];
      const menuRows = (
        await c.query(
          `INSERT INTO menus (store_id, category_id, name, price, display_order)
           SELECT $1, $2, '메뉴 ' || n, 1000 * n, n FROM generate_series(1, $3::int) n RETURNING id`,
          [store.id, category.id, menus],
        )
      ).rows as Array<{ id: string }>;
      out.push({
        id: store.id,
        code,
        adminPassword: 'admin-password',
        tables: tableRows.sort((a, b) => a.number - b.number),
        menus: menuRows.map((m) => m.id),
      });
    }
    return out;
  });
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export { postJson };

export async function tableLogin(app: Server, store: BenchStore, tableNumber: number): Promise<string> {
  const res = await postJson(`${app.url}/api/v1/auth/table-login`, {
    storeCode: store.code,
    tableNumber,
    password: 'table-pass',
  });
  if (res.status !== 200) throw new Error(`table login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export async function adminLogin(app: Server, store: BenchStore): Promise<string> {
  const res = await postJson(`${app.url}/api/v1/auth/admin-login`, {
    storeCode: store.code,
    username: 'admin',
    password: store.adminPassword,
  });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export interface Figures {
  requests: number;
  /** How long the run took, by the load generator's own clock (autocannon runs). */
  seconds?: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function cannon(opts: CannonOptions, onLatency?: (ms: number) => void): Promise<Figures> {
  const run = autocannon(opts);
  // autocannon's tracker emits each response with its latency (ms, float): kept when a caller merges slices.
  if (onLatency) {
    (run as unknown as NodeJS.EventEmitter).on(
      'response',
      (_c: unknown, _s: number, _b: number, ms: number) => onLatency(ms),
    );
  }
  const result = await run;
  return {
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** One side of an alternating measurement: its server process and a load of `seconds` against it. */
export interface AlternatingSide {
  pid: number;
  load(seconds: number, onLatency: (ms: number) => void): Promise<Figures>;
}

/**
 * Measures several servers in alternating slices (A B A B …, `slices` each, `seconds` in all per side) and merges
 * each side's slices: requests and errors summed, req/s over the time its slices took, p50/p99 over every
 * response's latency, and the server's CPU per request. The machine's speed drifts (other tenants of the host,
 * the database's own work): measured one after the other, each side would get a different machine; alternating
 * in short slices gives both sides the same one, so their ratio holds from run to run.
 */
export async function alternate(
  sides: AlternatingSide[],
  seconds: number,
  slices: number,
): Promise<Array<Figures & { cpuUs: number; systemUs: number }>> {
  const totals = sides.map(() => ({
    latencies: [] as number[],
    requests: 0,
    errors: 0,
    non2xx: 0,
    elapsed: 0,
    user: 0,
    system: 0,
  }));
  const slice = seconds / slices;
  for (let i = 0; i < slices; i++) {
    for (const [k, side] of sides.entries()) {
      const t = totals[k];
      const before = cpuSecondsOf(side.pid);
      const started = performance.now();
      const figures = await side.load(slice, (ms) => t.latencies.push(ms));
      // The load's own clock where it has one: a side may do more than load in its turn (wait for uploads to end).
      t.elapsed += figures.seconds ?? (performance.now() - started) / 1000;
      const after = cpuSecondsOf(side.pid);
      t.user += after.user - before.user;
      t.system += after.system - before.system;
      t.requests += figures.requests;
      t.errors += figures.errors;
      t.non2xx += figures.non2xx;
    }
  }
  return totals.map((t) => {
    const sorted = Float64Array.from(t.latencies).sort();
    const at = (p: number) => Math.round(percentile(sorted, p) * 10) / 10;
    const per = (s: number) => (s * 1e6) / Math.max(1, t.requests);
    return {
      requests: t.requests,
      rps: t.requests / t.elapsed,
      p50: at(50),
      p99: at(99),
      errors: t.errors,
      non2xx: t.non2xx,
      cpuUs: per(t.user + t.system),
      systemUs: per(t.system),
    };
  });
}

/**
 * A load of GET /api/v1/menu at `connections` connections, the bearer token rotating over `tokens`: `duration`
 * seconds a call (menu and images benchmarks).
 */
export function menuReads(server: Server, tokens: string[], connections: number) {
  let next = 0;
  return (duration: number, onLatency?: (ms: number) => void): Promise<Figures> =>
    cannon(
      {
        url: server.url,
        connections,
        duration,
        requests: [
          {
            method: 'GET',
            path: '/api/v1/menu',
            setupRequest: (req) => ({
              ...req,
              headers: { authorization: `Bearer ${tokens[next++ % tokens.length]}` },
            }),
          },
        ],
      },
      onLatency,
    );
}
