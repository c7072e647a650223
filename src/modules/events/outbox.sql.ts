import type { SqlParams } from '../../database/sql-params';
import type { NewOutboxEvent } from './event-types';

/**
 * CTEs `outbox_seq` and `outbox_event` (`RETURNING id, store_seq`): one outbox append, to place after the
 * caller's own CTEs in its statement. `data` is the jsonb expression of the event's own fields and may read
 * the caller's CTEs listed in `from` (each must yield exactly one row). The store's event_sequences row is
 * taken here and stays locked until COMMIT, so within a store event ids increase in commit order: the
 * statement holding it should be the transaction's last (see the locking protocol in sessions.sql.ts, 4).
 */
export function appendEventCtes(
  p: SqlParams,
  event: Omit<NewOutboxEvent, 'data'>,
  data: { sql: string; from?: string },
): string {
  const store = p.add(event.storeId, 'uuid');
  const type = p.add(event.type, 'varchar');
  const table = p.add(event.tableId, 'uuid');
  return `outbox_seq AS (
     INSERT INTO event_sequences AS s (store_id, last_seq) VALUES (${store}, 1)
     ON CONFLICT (store_id) DO UPDATE SET last_seq = s.last_seq + 1
     RETURNING last_seq
   ), outbox_event AS (
     INSERT INTO events (store_id, store_seq, type, table_id, payload)
     SELECT ${store}, outbox_seq.last_seq, ${type}, ${table},
            jsonb_build_object(
              'eventId', outbox_seq.last_seq,
              'storeId', ${store},
              'tableId', ${table},
              'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            ) || (${data.sql})
     FROM outbox_seq${data.from ? `, ${data.from}` : ''}
     RETURNING id, store_seq
   )`;
}
