/**
 * CPU time per request of two servers, split by the package (or file of src/) its code belongs to, from a
 * `perf record -e cpu-clock -g` of a benchmark run. Unlike a V8 profile (bench/profile-stages.ts), whose sampler
 * runs on the wall clock, cpu-clock samples a thread only while it runs on a core: a socket write that waits for
 * a core while PostgreSQL runs costs nothing here, and the kernel's own work for the process (its system time)
 * is counted, as `[kernel]`.
 *
 *   NODE_OPTIONS=--perf-basic-prof BENCH_SLICES=1 BENCH_CASES=plain BENCH_CONNECTIONS=10 \
 *     node_modules/.bin/node -r ts-node/register/transpile-only bench/orders.bench.ts &
 *   perf record -e cpu-clock -F 1999 -a -g -o /tmp/perf.data -- sleep 45; wait
 *   perf script -i /tmp/perf.data -F pid,time,ip,sym,dso > /tmp/perf.txt
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/perf-packages.ts /tmp/perf.txt \
 *     <app pid> <app req/s> <raw pid> <raw req/s>
 *
 * The pids are the servers' (the perf maps in /tmp name them); req/s is what the benchmark printed for each. Each
 * server's window is its longest streak of busy seconds (each at least half its busiest: the warm-up and measured
 * run, not the start-up), and its CPU per request is its CPU per second there over its req/s. A sample goes to the innermost
 * frame on its stack that belongs to a package or to the service's code; one in the kernel is `[kernel]`, one
 * in V8 or Node's C++ with no such frame above it (the garbage collector, promise jobs) is `[native]`.
 */
import * as fs from 'node:fs';

const HZ = 1999;

interface Sample {
  pid: string;
  second: number;
  frames: Array<{ sym: string; dso: string }>;
}

/** The lines of a file read a chunk at a time: a minute of `perf script` output can outgrow a string. */
function* lines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let rest = '';
  try {
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;) {
      const parts = (rest + chunk.toString('utf8', 0, n)).split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rest) yield rest;
}

function* samples(file: string): Generator<Sample> {
  let current: Sample | undefined;
  for (const line of lines(file)) {
    if (line.trim() === '') {
      if (current) yield current;
      current = undefined;
    } else if (!line.startsWith('\t')) {
      const [pid, time] = line.trim().split(/\s+/);
      current = { pid, second: Math.floor(parseFloat(time)), frames: [] };
    } else {
      const frame = /^\s+[0-9a-f]+\s+(.*) \((.*)\)$/.exec(line);
      if (frame && current) current.frames.push({ sym: frame[1], dso: frame[2] });
    }
  }
  if (current) yield current;
}

/** The package of a JIT frame (`pg`, `@nestjs/core`) or the file of the service's own code. */
function placeOf(frame: { sym: string; dso: string }): string | undefined {
  if (!frame.dso.includes('perf-')) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.sym);
  if (pkg) return pkg[1];
  const own = /\/((?:src|bench)\/[^ :]+?)\.[jt]s/.exec(frame.sym);
  return own ? own[1] : undefined;
}

function attribute(sample: Sample): string {
  if (sample.frames.length === 0) return '[native]';
  if (sample.frames[0].dso.includes('kernel')) return '[kernel]';
  for (const frame of sample.frames) {
    const place = placeOf(frame);
    if (place) return place;
  }
  return '[native]';
}

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  const servers: Array<{ pid: string; rps: number }> = [];
  for (let i = 0; i + 1 < rest.length; i += 2) servers.push({ pid: rest[i], rps: Number(rest[i + 1]) });
  if (!file || servers.length === 0) {
    console.error('usage: perf-packages.ts <perf script output> <pid> <req/s> [<pid> <req/s>]');
    process.exit(2);
  }
  const pids = new Set(servers.map((s) => s.pid));
  const all: Sample[] = [];
  for (const s of samples(file)) if (pids.has(s.pid)) all.push(s);
  const tables = servers.map(({ pid, rps }) => {
    const own = all.filter((s) => s.pid === pid);
    const perSecond = new Map<number, number>();
    for (const s of own) perSecond.set(s.second, (perSecond.get(s.second) ?? 0) + 1);
    const busiest = Math.max(...perSecond.values());
    // The longest streak of busy seconds: the warm-up and the measured run, not the start-up before them.
    const isBusy = (second: number) => (perSecond.get(second) ?? 0) >= busiest / 2;
    let busy = new Set<number>();
    for (const second of [...perSecond.keys()].sort((a, b) => a - b)) {
      if (!isBusy(second) || isBusy(second - 1)) continue;
      const streak = new Set<number>();
      for (let t = second; isBusy(t); t++) streak.add(t);
      if (streak.size > busy.size) busy = streak;
    }
    const places = new Map<string, number>();
    let total = 0;
    for (const s of own) {
      if (!busy.has(s.second)) continue;
      const place = attribute(s);
      places.set(place, (places.get(place) ?? 0) + 1);
      total++;
    }
    const us = (n: number) => (n * 1e6) / HZ / busy.size / rps;
    return {
      pid,
      seconds: busy.size,
      total: us(total),
      places: new Map([...places].map(([k, n]) => [k, us(n)])),
    };
  });
  const names = [...new Set(tables.flatMap((t) => [...t.places.keys()]))].sort(
    (a, b) => (tables[0].places.get(b) ?? 0) - (tables[0].places.get(a) ?? 0),
  );
  console.log(`| place | ${tables.map((t) => `pid ${t.pid}, µs/request`).join(' | ')} |`);
  console.log(`| --- | ${tables.map(() => '---:').join(' | ')} |`);
  for (const name of names) {
    console.log(`| ${name} | ${tables.map((t) => (t.places.get(name) ?? 0).toFixed(1)).join(' | ')} |`);
  }
  console.log(
    `| **all (${tables.map((t) => `${t.seconds} s`).join(', ')})** | ${tables.map((t) => `**${t.total.toFixed(0)}**`).join(' | ')} |`,
  );
}

main();
