/** SSE event types (API.md) and the RabbitMQ routing key each is published with. */
export const EVENT_ROUTING_KEYS = {
  new_order: 'order.created',
  order_updated: 'order.status_changed',
  order_deleted: 'order.deleted',
  table_reset: 'table.reset',
  table_moved: 'table.moved',
  staff_call: 'staff_call.created',
  staff_call_resolved: 'staff_call.resolved',
} as const;

export type EventType = keyof typeof EVENT_ROUTING_KEYS;

/** What every event's `data` carries besides its own fields. */
export interface EventEnvelope {
  eventId: number;
  storeId: string;
  tableId: string | null;
  occurredAt: string;
  [field: string]: unknown;
}

export interface NewOutboxEvent {
  storeId: string;
  type: EventType;
  tableId: string | null;
  /**
   * The type's own fields: `{order}`, `{orderId}`, `{sessionId, completedAt}`,
   * `{fromTableId, toTableId, sessionId, merged}` or `{call}`.
   */
  data: Record<string, unknown>;
}

/** The durable topic exchange every instance publishes to and binds its own queue to. */
export const EVENTS_EXCHANGE = 'table-order-events';

/** One committed event as the relay publishes it and every consumer receives it. */
export interface StoredEvent {
  /** events.id: relay order across stores. */
  id: number;
  storeId: string;
  /** store_seq: the SSE event id, increasing within a store in commit order. */
  seq: number;
  type: EventType;
  tableId: string | null;
  payload: EventEnvelope;
  /** When the business transaction wrote the row (ms since epoch). */
  createdAt: number;
}

/** What travels on the bus: enough to route, dedupe per store and write the frame without a database read. */
export interface BusEvent {
  storeId: string;
  seq: number;
  type: EventType;
  tableId: string | null;
  payload: EventEnvelope;
}

/**
 * The tables whose own streams get an event: its table, and for `table_moved` the target table as well (the
 * party's tablet there must learn of its orders as the one it left does).
 */
export function eventTableIds(event: {
  type: EventType;
  tableId: string | null;
  payload: EventEnvelope;
}): string[] {
  const ids = event.tableId === null ? [] : [event.tableId];
  if (event.type === 'table_moved' && typeof event.payload.toTableId === 'string')
    ids.push(event.payload.toTableId);
  return ids;
}
