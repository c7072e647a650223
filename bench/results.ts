/**
 * The figures a benchmark hands to the runner (bench/run.ts): each bench still prints its own report, and when
 * BENCH_RESULT_FILE is set it also writes one BenchResult there as JSON, which the runner turns into
 * bench/results/latest.{json,md}.
 */
import * as fs from 'node:fs';

/** One side of a comparison: the application, or the raw baseline beside it in the same run. */
export interface Side {
  /** Requests (or operations) a second. */
  rps?: number;
  /** Latency percentiles, ms. */
  p50?: number;
  p99?: number;
  /** Failed requests: socket errors, timeouts and unexpected statuses. */
  errors?: number;
  /** In the row's memoryUnit. */
  memory?: number;
}

export interface BenchRow {
  /** What was measured, e.g. `POST /orders, 10 connections`. */
  case: string;
  app: Side;
  raw: Side;
  /** Unit of both sides' `memory`, e.g. `MiB peak RSS` or `KiB/stream`. */
  memoryUnit?: string;
  /** The target for this row, when it sets one, and whether this run met it. */
  target?: { text: string; met: boolean };
}

export interface BenchResult {
  /** Short name, as given to `npm run bench -- <name>`. */
  bench: string;
  title: string;
  /** What the `raw` side is. */
  baseline: string;
  rows: BenchRow[];
  notes?: string[];
}

export const mib = (bytes: number): number => bytes / 1024 / 1024;

/** Writes the result where the runner asked for it (BENCH_RESULT_FILE); does nothing when run alone. */
export function emitResult(result: BenchResult): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
}
