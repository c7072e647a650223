/**
 * Runs every benchmark in bench/, one after another, each in its own process (so none shares an event loop or
 * a heap with another), and writes their figures beside the machine they ran on:
 *
 *   npm run bench                      every benchmark, full length  → bench/results/latest.{md,json,log}
 *   npm run bench -- orders menu       a subset                      → bench/results/partial.{md,json,log}
 *   npm run bench -- --short           shorter runs, smaller data    → bench/results/partial.{md,json,log}
 *
 * BENCH_SHORT=1 is the same as --short; variables a benchmark reads itself (BENCH_DURATION, …) pass through and
 * win over the short mode's. Each benchmark writes its figures as JSON to BENCH_RESULT_FILE (bench/results.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { buildServers, PG_ADMIN_URL, ROOT } from './orders-support';
import type { BenchResult, BenchRow, Side } from './results';

interface Bench {
  name: string;
  file: string;
  /** Overrides for --short: the same code paths, over less time and data. */
  short: Record<string, string>;
}

const BENCHES: Bench[] = [
  { name: 'orders', file: 'bench/orders.bench.ts', short: { BENCH_DURATION: '3' } },
  { name: 'menu', file: 'bench/menu.bench.ts', short: { BENCH_DURATION: '2' } },
  { name: 'login', file: 'bench/login.bench.ts', short: { BENCH_SAMPLES: '30' } },
  { name: 'images', file: 'bench/images.bench.ts', short: { BENCH_UPLOADS: '5', BENCH_DURATION: '3' } },
  {
    name: 'history',
    file: 'bench/complete-and-history.bench.ts',
    short: {
      BENCH_TABLES: '10',
      BENCH_DAYS: '30',
      BENCH_COMPLETE_RUNS: '2',
      BENCH_SAMPLES: '30',
      BENCH_DURATION: '2',
    },
  },
  {
    name: 'sse',
    file: 'bench/sse.bench.ts',
    short: { SSE_BENCH_STREAMS: '200', SSE_BENCH_ORDERS: '10', SSE_BENCH_MEMORY_STREAMS: '1000' },
  },
];
/** The SSE benchmark holds 5,000 client sockets and 5,000 server sockets in two processes. */
const OPEN_FILES = 20_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RABBITMQ_URL = process.env.BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NODE = fs.existsSync(path.join(ROOT, 'node_modules/.bin/node'))
  ? path.join(ROOT, 'node_modules/.bin/node')
  : process.execPath;
const OUT_DIR = path.join(ROOT, 'bench/results');

interface Outcome {
  name: string;
  file: string;
  exitCode: number;
  seconds: number;
  result?: BenchResult;
}

function selected(args: string[]): Bench[] {
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) return BENCHES;
  return names.map((name) => {
    const bench = BENCHES.find((b) => b.name === name || path.basename(b.file, '.bench.ts') === name);
    if (!bench)
      throw new Error(`unknown benchmark ${name}; one of: ${BENCHES.map((b) => b.name).join(', ')}`);
    return bench;
  });
}

/** Runs one benchmark in its own process under a raised open-files limit, its output to the console and `log`. */
async function runOne(bench: Bench, short: boolean, log: fs.WriteStream): Promise<Outcome> {
  const resultFile = path.join(os.tmpdir(), `bench-${bench.name}-${process.pid}.json`);
  fs.rmSync(resultFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    BENCH_REDIS_URL: REDIS_URL,
    ...(short ? bench.short : {}),
    ...process.env,
    BENCH_RESULT_FILE: resultFile,
  };
  const header = `\n=== ${bench.name} (${bench.file}) ===\n`;
  process.stdout.write(header);
  log.write(header);
  const started = Date.now();
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(
      'bash',
      [
        '-c',
        `ulimit -n ${OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" -r ts-node/register/transpile-only "$1"`,
        NODE,
        bench.file,
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      log.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      log.write(chunk);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const seconds = (Date.now() - started) / 1000;
  let result: BenchResult | undefined;
  if (fs.existsSync(resultFile)) {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as BenchResult;
    fs.rmSync(resultFile);
  }
  return { name: bench.name, file: bench.file, exitCode, seconds, result };
}

// ---- the machine ------------------------------------------------------------------------------------------

const tryOr = async <T>(fallback: T, work: () => Promise<T> | T): Promise<T> => {
  try {
    return await work();
  } catch {
    return fallback;
  }
};

async function postgresVersion(): Promise<string> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end();
  }
}

/** `INFO server` over a plain socket: the only thing asked of Redis here. */
function redisVersion(): Promise<string> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname);
    let text = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const match = /redis_version:(\S+)/.exec(text);
      if (match) {
        socket.end();
        resolve(match[1]);
      }
    });
    socket.on('error', reject);
  });
}

async function rabbitmqVersion(): Promise<string> {
  const amqp = await import('amqplib');
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const properties = (connection.connection as unknown as { serverProperties?: { version?: string } })
      .serverProperties;
    return properties?.version ?? '?';
  } finally {
    await connection.close();
  }
}

interface Machine {
  cpu: string;
  cpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgresql: string;
  redis: string;
  rabbitmq: string;
  loadAverage: number[];
}

async function machine(): Promise<Machine> {
  const release = await tryOr('', () => fs.readFileSync('/etc/os-release', 'utf8'));
  const distro = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1] ?? os.type();
  return {
    cpu: os.cpus()[0]?.model.trim() ?? '?',
    cpus: os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${distro}, kernel ${os.release()} (${os.arch()})`,
    node: await tryOr(process.version, () => execFileSync(NODE, ['--version']).toString().trim()),
    postgresql: await tryOr('unreachable', postgresVersion),
    redis: await tryOr('unreachable', redisVersion),
    rabbitmq: await tryOr('unreachable', rabbitmqVersion),
    loadAverage: os.loadavg(),
  };
}

function gitState(): { commit: string; subject: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT }).toString().trim();
  try {
    return {
      commit: git('rev-parse', '--short=10', 'HEAD'),
      subject: git('log', '-1', '--format=%s').replace(/^(.{72}).+$/, '$1…'),
      // What the benchmarks run: uncommitted changes there mean the figures are not those of the commit.
      dirty: git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'bench', 'migrations') !== '',
    };
  } catch {
    return { commit: 'unknown', subject: '', dirty: false };
  }
}

// ---- the report -------------------------------------------------------------------------------------------

/** 1,234 / 56.7 / 8.9: three significant figures at most, none invented. */
function num(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(1);
}

const pair = (row: BenchRow, pick: (s: Side) => number | undefined): string =>
  pick(row.app) === undefined && pick(row.raw) === undefined
    ? '–'
    : `${num(pick(row.app))} / ${num(pick(row.raw))}`;

function ratio(app: number | undefined, raw: number | undefined): number | undefined {
  return app === undefined || raw === undefined || !(raw > 0) ? undefined : app / raw;
}

function tableRows(outcome: Outcome): string[] {
  if (!outcome.result) {
    return [`| ${outcome.name} | did not finish (exit code ${outcome.exitCode}) | | | | | | | | |`];
  }
  return outcome.result.rows.map((row) => {
    const rps = ratio(row.app.rps, row.raw.rps);
    const p99 = ratio(row.app.p99, row.raw.p99);
    const memory = pair(row, (s) => s.memory);
    const target = row.target ? `${row.target.text}: **${row.target.met ? 'met' : 'missed'}**` : '';
    return (
      `| ${outcome.name} | ${row.case} | ${pair(row, (s) => s.rps)} | ${rps === undefined ? '–' : `${Math.round(rps * 100)} %`} ` +
      `| ${pair(row, (s) => s.p50)} | ${pair(row, (s) => s.p99)} | ${p99 === undefined ? '–' : `${p99.toFixed(2)}×`} ` +
      `| ${memory === '–' ? memory : `${memory} ${row.memoryUnit ?? ''}`.trim()} | ${pair(row, (s) => s.errors)} | ${target} |`
    );
  });
}

function markdown(report: Report): string {
  const m = report.machine;
  const minutes = `${Math.floor(report.seconds / 60)} min ${Math.round(report.seconds % 60)} s`;
  const lines = [
    '# Benchmark results',
    '',
    `- date: ${report.date}`,
    `- commit: \`${report.git.commit}\` ${report.git.subject}${report.git.dirty ? ' (with uncommitted changes in src/, bench/ or migrations/)' : ''}`,
    `- machine: ${m.cpu} × ${m.cpus} CPUs, ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}; load average ${m.loadAverage.map((l) => l.toFixed(2)).join(', ')} at start`,
    `- software: Node ${m.node}, PostgreSQL ${m.postgresql}, Redis ${m.redis}, RabbitMQ ${m.rabbitmq}`,
    `- run: ${report.mode}, ${report.benches.join(', ')}; ${minutes} in all`,
    '',
    'Each row sets the application (app) beside a raw baseline measured in the same run (see the baselines below);',
    'the ratios are app / raw. Latencies in ms. Memory is the resident set of the server process (its peak over the',
    'measured runs), or per open stream for SSE. Errors are failed requests (socket errors, timeouts, unexpected',
    'statuses).',
    '',
    '| benchmark | case | req/s app / raw | req/s ratio | p50 app / raw | p99 app / raw | p99 ratio | memory app / raw | errors app / raw | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.outcomes.flatMap(tableRows),
    '',
    '## Baselines',
    '',
    ...report.outcomes.map(
      (o) =>
        `- **${o.name}** (\`${o.file}\`, ${Math.round(o.seconds)} s): ${o.result ? `${o.result.title}. Raw: ${o.result.baseline}.` : `exit code ${o.exitCode}, no figures.`}`,
    ),
  ];
  const notes = report.outcomes.flatMap((o) => (o.result?.notes ?? []).map((n) => `- ${o.name}: ${n}`));
  if (notes.length) lines.push('', '## Notes', '', ...notes);
  return `${lines.join('\n')}\n`;
}

interface Report {
  date: string;
  mode: string;
  seconds: number;
  benches: string[];
  git: ReturnType<typeof gitState>;
  machine: Machine;
  outcomes: Outcome[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const short = args.includes('--short') || process.env.BENCH_SHORT === '1';
  const benches = selected(args);
  const full = !short && benches.length === BENCHES.length;
  const base = path.join(OUT_DIR, full ? 'latest' : 'partial');
  fs.mkdirSync(OUT_DIR, { recursive: true });

  const info = await machine();
  const started = Date.now();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const log = fs.createWriteStream(`${base}.log`);
  const outcomes: Outcome[] = [];
  // Compiled once for every benchmark: each then starts its servers from dist-bench/ without compiling again.
  buildServers();
  process.env.BENCH_BUILT = '1';
  for (const bench of benches) outcomes.push(await runOne(bench, short, log));
  await new Promise((resolve) => log.end(resolve));

  const report: Report = {
    date,
    mode: short ? 'short (--short)' : 'full length',
    seconds: (Date.now() - started) / 1000,
    benches: benches.map((b) => b.name),
    git: gitState(),
    machine: info,
    outcomes,
  };
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  const text = markdown(report);
  fs.writeFileSync(`${base}.md`, text);
  console.log(`\n${text}\nwritten: ${path.relative(ROOT, base)}.{md,json,log}`);
  if (outcomes.some((o) => o.exitCode !== 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
