import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface, QueryRunner } from 'typeorm';

type SlowQueryListener = (durationMs: number, queryName: string) => void;

/** Query text up to the first 120 characters, whitespace collapsed: enough to name a query in a log line. */
export function queryName(query: string): string {
  return query.replace(/\s+/g, ' ').trim().slice(0, 120);
}

/**
 * Logs what operators need from TypeORM and nothing more: errors, schema and migration messages, and
 * queries slower than SLOW_QUERY_MS (never their parameters, which may hold password hashes).
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly logger = new NestLogger('Database');
  private readonly listeners = new Set<SlowQueryListener>();

  /**
   * Slow queries of this logger's DataSource only (`dataSource.logger`): the metrics module subscribes here, so
   * that two application instances in one process (tests) each count their own.
   */
  onSlow(listener: SlowQueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn(
      { query: queryName(query), err: error instanceof Error ? error.message : error },
      'query failed',
    );
  }

  logQuerySlow(time: number, query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    const name = queryName(query);
    this.logger.warn({ durationMs: time, query: name }, 'slow query');
    for (const listener of this.listeners) listener(time, name);
  }

  logSchemaBuild(message: string): void {
    this.logger.log(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.debug?.(message);
  }
}
