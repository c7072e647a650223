import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Served by the partial index ix_events_unpublished, so it stays cheap however many events are kept. */
  async outboxBacklog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS count,
              COALESCE(EXTRACT(EPOCH FROM (now() - min(created_at))), 0)::float8 AS age
         FROM events WHERE published_at IS NULL`,
    )) as Array<{ count: number | string; age: number | string }>;
    return { count: Number(rows[0]?.count ?? 0), oldestAgeSeconds: Number(rows[0]?.age ?? 0) };
  }

  /** The pg pool behind TypeORM's postgres driver; undefined on the embedded database, which has no pool. */
  poolStats(): PoolStats | undefined {
    const master = (this.dataSource.driver as unknown as { master?: Partial<Record<string, unknown>> })
      .master;
    if (!master || typeof master.totalCount !== 'number') return undefined;
    return {
      total: master.totalCount,
      idle: Number(master.idleCount ?? 0),
      waiting: Number(master.waitingCount ?? 0),
    };
  }
}
