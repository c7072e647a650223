import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { prepared } from '../../database/prepared-statements';
import { returnedRows } from '../../database/query-result';
import { statement } from '../../database/sql-params';
import type { EventEnvelope, EventType, NewOutboxEvent, StoredEvent } from './event-types';
import { appendEventCtes } from './outbox.sql';

interface EventRow {
  id: string;
  store_id: string;
  seq: string;
  type: EventType;
  table_id: string | null;
  payload: EventEnvelope | string;
  created_ms: string | number;
}

const EVENT_COLUMNS = `id::text AS id, store_id::text AS store_id, store_seq::text AS seq, type,
  table_id::text AS table_id, payload, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms`;

export interface ClaimedEvent {
  event: StoredEvent;
  /** Seconds from the row's creation to its claim, database clock. */
  lag: number;
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: Number(row.id),
    storeId: row.store_id,
    seq: Number(row.seq),
    type: row.type,
    tableId: row.table_id,
    // pg parses jsonb; keep working if a driver hands back text.
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as EventEnvelope) : row.payload,
    createdAt: Number(row.created_ms),
  };
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes one event row inside the caller's transaction (see appendEventCtes: call it last). */
  async append(manager: EntityManager, event: NewOutboxEvent): Promise<{ id: number; eventId: number }> {
    const rows = (await manager.query(
      ...statement(
        (p) =>
          `WITH ${appendEventCtes(p, event, { sql: p.add(JSON.stringify(event.data), 'jsonb') })}
           SELECT id::text AS id, store_seq::text AS seq FROM outbox_event`,
      ),
    )) as Array<{ id: string; seq: string }>;
    return { id: Number(rows[0].id), eventId: Number(rows[0].seq) };
  }

  /**
   * Claims the oldest unpublished rows for the caller's (relay) transaction and marks them published, in one
   * statement: the caller publishes them and commits only once the bus has confirmed them, and rolls back
   * otherwise, so a row reads as published only after it was. SKIP LOCKED lets the relays of several instances
   * work side by side: each row is claimed by one of them at a time. Events come back in id order, each with
   * its lag (seconds from its commit-time row to now, database clock).
   */
  async claimForPublishing(manager: EntityManager, limit: number): Promise<ClaimedEvent[]> {
    const rows = returnedRows<EventRow & { lag: string | number }>(
      await manager.query(
        prepared(`UPDATE events SET published_at = clock_timestamp()
         WHERE id IN (
           SELECT id FROM events WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ${EVENT_COLUMNS}, extract(epoch FROM (clock_timestamp() - created_at))::float8 AS lag`),
        [limit],
      ),
    );
    // RETURNING follows no ORDER BY: restore the id order the bus publishes in.
    return rows
      .map((row) => ({ event: toStoredEvent(row), lag: Number(row.lag) }))
      .sort((a, b) => a.event.id - b.event.id);
  }

  /**
   * Committed events of a store after `afterSeq` (and up to `uptoSeq`), in store order; with `tableId`, the events
   * a table's stream gets (see eventTableIds: its own, and a move onto it).
   */
  async eventsAfter(
    storeId: string,
    afterSeq: number,
    options: { uptoSeq?: number; tableId?: string; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE store_id = $1 AND store_seq > $2
         AND ($3::bigint IS NULL OR store_seq <= $3::bigint)
         AND ($4::uuid IS NULL OR table_id = $4::uuid
              OR (type = 'table_moved' AND payload->>'toTableId' = $4::uuid::text))
       ORDER BY store_seq LIMIT $5`,
      [storeId, afterSeq, options.uptoSeq ?? null, options.tableId ?? null, options.limit ?? 1000],
    )) as EventRow[];
    return rows.map(toStoredEvent);
  }

  /** The last committed event id of each given store (0 for a store without events). */
  async lastSeqs(storeIds: string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>(storeIds.map((id) => [id, 0]));
    if (storeIds.length === 0) return result;
    const rows = (await this.dataSource.query(
      `SELECT store_id::text AS store_id, last_seq::text AS last_seq FROM event_sequences
       WHERE store_id = ANY($1::uuid[])`,
      [storeIds],
    )) as Array<{ store_id: string; last_seq: string }>;
    for (const row of rows) result.set(row.store_id, Number(row.last_seq));
    return result;
  }

  /** The store's last committed event id and its oldest retained one (null when none is retained). */
  async window(storeId: string): Promise<{ lastSeq: number; oldestSeq: number | null }> {
    const [row] = (await this.dataSource.query(
      `SELECT coalesce((SELECT last_seq FROM event_sequences WHERE store_id = $1), 0)::text AS last_seq,
              (SELECT min(store_seq) FROM events WHERE store_id = $1)::text AS oldest_seq`,
      [storeId],
    )) as Array<{ last_seq: string; oldest_seq: string | null }>;
    return {
      lastSeq: Number(row.last_seq),
      oldestSeq: row.oldest_seq === null ? null : Number(row.oldest_seq),
    };
  }

  /** Deletes up to `limit` published rows older than the retention; returns how many went. */
  async prune(retentionHours: number, limit: number): Promise<number> {
    const rows = returnedRows<unknown>(
      await this.dataSource.query(
        `DELETE FROM events WHERE id IN (
           SELECT id FROM events
           WHERE created_at < now() - make_interval(hours => $1::int) AND published_at IS NOT NULL
           ORDER BY id LIMIT $2)
         RETURNING id`,
        [retentionHours, limit],
      ),
    );
    return rows.length;
  }
}
