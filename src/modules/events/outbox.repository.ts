import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NewOutboxEvent } from './event-types';

@Injectable()
export class OutboxRepository {
  /**
   * Writes one event row inside the caller's transaction. The store's sequence row is taken in the same
   * statement and stays locked until COMMIT, so within a store event ids increase in commit order: call this
   * as the last statement of the transaction to hold that lock as briefly as possible.
   */
  async append(manager: EntityManager, event: NewOutboxEvent): Promise<{ id: number; eventId: number }> {
    const rows = (await manager.query(
      `WITH seq AS (
         INSERT INTO event_sequences AS s (store_id, last_seq) VALUES ($1, 1)
         ON CONFLICT (store_id) DO UPDATE SET last_seq = s.last_seq + 1
         RETURNING last_seq
       )
       INSERT INTO events (store_id, store_seq, type, table_id, payload)
       SELECT $1, seq.last_seq, $2, $3,
              jsonb_build_object(
                'eventId', seq.last_seq,
                'storeId', $1::text,
                'tableId', $3::text,
                'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
              ) || $4::jsonb
       FROM seq
       RETURNING id::text AS id, store_seq::text AS seq`,
      [event.storeId, event.type, event.tableId, JSON.stringify(event.data)],
    )) as Array<{ id: string; seq: string }>;
    return { id: Number(rows[0].id), eventId: Number(rows[0].seq) };
  }
}
