/**
 * Splits a V8 CPU profile of the application under load into the stages of its request pipeline, so that the
 * cost of each is a figure rather than a guess:
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/profile-stages.ts <file.cpuprofile> [requests]
 *
 * Each sample goes to the stage of the frame nearest its leaf that belongs to a known place (a library or a file
 * of src/): a sample in node:crypto under jsonwebtoken is JWT verification, one in Express's router between two
 * middlewares is routing. Node's own frames (HTTP parser, sockets, timers) count for the nearest known caller,
 * or, with none (called from the event loop), as "node: HTTP parsing, sockets, event loop". With `requests` (how
 * many the profile covers: the benchmarks print it) each stage is also shown as microseconds per request.
 * `BENCH_PROFILE_TOP=n` lists the n hottest functions (self time) of each stage too. Given two profiles and their
 * request counts (before and after a change), it prints both side by side as a Markdown table.
 *
 * The profiler samples the main thread on a wall clock: a sample taken while the thread waits in a system call
 * (a socket write, on a machine where the load generator and PostgreSQL share the cores) counts as that call's.
 */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins, so the specific places come before the general ones. */
const STAGES: Array<[string, RegExp]> = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  [
    'body parsing',
    /\/(body-parser|raw-body|iconv-lite|type-is|content-type|media-typer|bytes)\/|json-body\.[jt]s/,
  ],
  ['helmet', /\/helmet\//],
  [
    'request lifecycle (request id, log context)',
    /request-id\.[jt]s|request-lifecycle\.[jt]s|\/(async_hooks)\b/,
  ],
  [
    'logging (access log, pino)',
    /\/(pino-http|pino|nestjs-pino|pino-std-serializers|thread-stream|sonic-boom)\/|http\/logging\.[jt]s/,
  ],
  ['metrics', /\/prom-client\/|http-metrics\.(middleware|observer)\.[jt]s|metrics\.service\.[jt]s/],
  ['shutdown tracking', /shutdown-state\.[jt]s/],
  [
    'rate limit',
    /\/@nestjs\/throttler\/|rate-limit\.guard\.[jt]s|throttler\.storage\.[jt]s|shared-or-local\.[jt]s/,
  ],
  [
    'JWT verification',
    /\/(jsonwebtoken|jws|jwa|passport-jwt|ecdsa-sig-formatter|safe-buffer|semver)\/|verified-tokens\.[jt]s/,
  ],
  [
    'passport',
    /\/(passport|passport-strategy|@nestjs\/passport)\/|jwt-auth\.guard\.[jt]s|jwt\.strategy\.[jt]s/,
  ],
  ['token-version check', /token-revocation\.service\.[jt]s/],
  ['roles', /roles\.guard\.[jt]s/],
  [
    'validation, transformation',
    /\/(class-validator|class-transformer|validator)\/|validation\.pipe\.[jt]s|empty-body\.pipe\.[jt]s|uuid-param\.[jt]s/,
  ],
  [
    'cache',
    /\/(cache-manager|@nestjs\/cache-manager|keyv|@keyv\/[^/]+|ioredis|cacheable|@cacheable\/[^/]+)\/|menu-cache\.[jt]s|redis-keyv-store\.[jt]s/,
  ],
  [
    'database client',
    /\/(pg|pg-protocol|pg-pool|pg-types|postgres-[^/]+|typeorm|@electric-sql)\/|src\/database\//,
  ],
  ['error filter', /src\/common\/errors\//],
  ['serialization, response write', /\/express\/lib\/response\.js|\/(send|etag|fresh|on-finished|vary)\//],
  ['Nest pipeline (guards, pipes, interceptors, router)', /\/@nestjs\/(core|common|platform-express)\//],
  ['Express routing, middleware chain', /\/(express|router|finalhandler|path-to-regexp|parseurl|qs)\//],
  ['handler (src/modules)', /src\/modules\//],
  ['other application code', /\/src\//],
  ['other libraries', /node_modules\//],
];
const EVENT_LOOP = 'node: HTTP parsing, sockets, event loop';
const PROGRAM = '(program): V8 and native, unattributed';

function stageOf(frame: ProfileNode['callFrame']): string | undefined {
  const key = frame.url || frame.functionName;
  for (const [stage, pattern] of STAGES) if (pattern.test(key)) return stage;
  return undefined;
}

interface Split {
  file: string;
  total: number;
  busy: number;
  requests: number;
  micros: Map<string, number>;
  selfByStage: Map<string, Map<string, number>>;
}

function split(file: string, requests: number, top: number): Split {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // The stage of a node: its own, else its nearest known caller's (memoised, since stacks share prefixes).
  const memo = new Map<number, string>();
  const resolve = (id: number): string => {
    const cached = memo.get(id);
    if (cached) return cached;
    const node = byId.get(id) as ProfileNode;
    const name = node.callFrame.functionName;
    let stage = stageOf(node.callFrame);
    if (!stage) {
      const up = parent.get(id);
      if (name === '(program)') stage = PROGRAM;
      else if (up === undefined || byId.get(up)?.callFrame.functionName === '(root)') stage = EVENT_LOOP;
      else stage = resolve(up);
    }
    memo.set(id, stage);
    return stage;
  };

  const micros = new Map<string, number>();
  const selfByStage = new Map<string, Map<string, number>>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const stage = resolve(id);
    micros.set(stage, (micros.get(stage) ?? 0) + dt);
    total += dt;
    if (top > 0) {
      const f = (byId.get(id) as ProfileNode).callFrame;
      const fn = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${f.lineNumber + 1}`;
      const self = selfByStage.get(stage) ?? new Map<string, number>();
      self.set(fn, (self.get(fn) ?? 0) + dt);
      selfByStage.set(stage, self);
    }
  });
  return { file, total, busy: total - (micros.get('idle') ?? 0), requests, micros, selfByStage };
}

const perRequest = (s: Split, stage: string): string =>
  s.requests ? ((s.micros.get(stage) ?? 0) / s.requests).toFixed(1) : '-';

/** One profile: its stages by cost, each with its hottest functions when BENCH_PROFILE_TOP is set. */
function printOne(s: Split, top: number): void {
  console.log(
    `${s.file}: ${(s.total / 1e6).toFixed(1)} s profiled, ${(s.busy / 1e6).toFixed(1)} s busy` +
      (s.requests ? `, ${s.requests} requests: ${(s.busy / s.requests).toFixed(0)} µs per request` : ''),
  );
  console.log(
    `${'stage'.padEnd(52)} ${'share of busy'.padStart(13)} ${s.requests ? 'µs/request'.padStart(11) : ''}`,
  );
  const rows = [...s.micros.entries()].filter(([stage]) => stage !== 'idle').sort((a, b) => b[1] - a[1]);
  for (const [stage, us] of rows) {
    const share = `${((us / s.busy) * 100).toFixed(1)} %`;
    console.log(
      `${stage.padEnd(52)} ${share.padStart(13)} ${s.requests ? perRequest(s, stage).padStart(11) : ''}`,
    );
    for (const [fn, self] of [...(s.selfByStage.get(stage) ?? new Map<string, number>()).entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)) {
      console.log(`    ${((self / s.busy) * 100).toFixed(1).padStart(5)} %  ${fn}`);
    }
  }
}

/** Two profiles of the same request (before and after a change): µs per request of each stage, as a Markdown table. */
function printBoth(before: Split, after: Split): void {
  const stages = [...new Set([...before.micros.keys(), ...after.micros.keys()])].filter((s) => s !== 'idle');
  stages.sort((a, b) => (before.micros.get(b) ?? 0) - (before.micros.get(a) ?? 0));
  console.log('| stage | before, µs/request | after, µs/request |');
  console.log('| --- | ---: | ---: |');
  for (const stage of stages)
    console.log(`| ${stage} | ${perRequest(before, stage)} | ${perRequest(after, stage)} |`);
  const all = (s: Split) => (s.busy / s.requests).toFixed(0);
  console.log(`| **all (busy time / requests)** | **${all(before)}** | **${all(after)}** |`);
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.length !== 2 && args.length !== 4 && args.length !== 1) {
    throw new Error('usage: profile-stages.ts <file.cpuprofile> [requests] [<after.cpuprofile> <requests>]');
  }
  const top = Number(process.env.BENCH_PROFILE_TOP ?? 0);
  const first = split(args[0], Number(args[1]) || 0, top);
  if (args.length === 4) printBoth(first, split(args[2], Number(args[3]) || 0, 0));
  else printOne(first, top);
}

main();
