import { Child } from '../utils/main-process';
import { get } from './support-load';

/** The log lines and dependency metrics of an instance, and the report a test prints. */

/** pino's levels. */
const LEVEL = { info: 30, warn: 40, error: 50 } as const;

export interface LogLine {
  level: number;
  msg?: string;
  context?: string;
  // oxlint-disable-next-line typescript/no-explicit-any -- log lines carry arbitrary fields
  [field: string]: any;
}

/**
 * The JSON log lines a child instance (the real entry point, LOG_FORMAT=json) writes from a mark on: `mark()`
 * returns where its output stands, `since(mark)` the lines written after it.
 */
export class LogWatch {
  constructor(private readonly child: Child) {}

  mark(): number {
    return this.child.output().length;
  }

  since(mark: number): LogLine[] {
    return this.child
      .output()
      .slice(mark)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  }
}

export interface LogSummary {
  lines: number;
  error: number;
  warn: number;
  info: number;
  /** Lines carrying a stack trace, at any level. */
  withStack: number;
  /** Access-log lines of a 503, by level. */
  access503ByLevel: Record<string, number>;
  /** The warn lines other than those access-log lines, by message. */
  otherWarnings: Record<string, number>;
  /** DependencyStatus's lines about `dependency`: its outage starting (warn) and ending (info). */
  outageStarted: LogLine[];
  outageEnded: LogLine[];
  /** Every error-level line, for the failure message. */
  errors: LogLine[];
}

export function summarizeLogs(lines: LogLine[], dependency: string): LogSummary {
  const levelName = (n: number): string => Object.entries(LEVEL).find(([, v]) => v === n)?.[0] ?? String(n);
  const access503ByLevel: Record<string, number> = {};
  for (const l of lines) {
    if (l.res?.statusCode !== 503) continue;
    access503ByLevel[levelName(l.level)] = (access503ByLevel[levelName(l.level)] ?? 0) + 1;
  }
  const otherWarnings: Record<string, number> = {};
  for (const l of lines) {
    if (l.level !== LEVEL.warn || l.res?.statusCode === 503) continue;
    const key = `${l.context ?? ''}: ${l.msg ?? ''}`;
    otherWarnings[key] = (otherWarnings[key] ?? 0) + 1;
  }
  const about = (msg: string): LogLine[] =>
    lines.filter((l) => l.context === 'Dependencies' && l.msg === msg && l.dependency === dependency);
  return {
    lines: lines.length,
    error: lines.filter((l) => l.level >= LEVEL.error).length,
    warn: lines.filter((l) => l.level === LEVEL.warn).length,
    info: lines.filter((l) => l.level === LEVEL.info).length,
    withStack: lines.filter((l) => JSON.stringify(l).includes('"stack"')).length,
    access503ByLevel,
    otherWarnings,
    outageStarted: about('dependency unavailable'),
    outageEnded: about('dependency available again'),
    errors: lines.filter((l) => l.level >= LEVEL.error),
  };
}

/** What a fault test's report shows of the child instance's log: counts, the outage's two lines, any error line. */
export function logSummary(log: LogSummary): Record<string, unknown> {
  return {
    lines: log.lines,
    error: log.error,
    warn: log.warn,
    withStack: log.withStack,
    access503ByLevel: log.access503ByLevel,
    otherWarnings: log.otherWarnings,
    outageStarted: log.outageStarted.map((l) => l.reason),
    outageEndedAfterMs: log.outageEnded.map((l) => l.durationMs),
    ...(log.errors.length > 0 ? { errors: log.errors } : {}),
  };
}

/** `table_order_dependency_up` and `table_order_dependency_outages_total` of `dependency` on one instance. */
export async function dependencyMetrics(
  url: string,
  dependency: string,
): Promise<{ up?: number; outages?: number }> {
  const text = (await get(url, '/metrics')).body as string;
  const value = (name: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{dependency="${dependency}"}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  return {
    up: value('table_order_dependency_up'),
    outages: value('table_order_dependency_outages_total'),
  };
}

/** One line per scenario with its figures, greppable in the CI log: `[reliability] <scenario> {...}`. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${scenario} ${JSON.stringify(figures)}`);
}
