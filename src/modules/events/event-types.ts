/** SSE event types (API.md) and the RabbitMQ routing key each is published with. */
export const EVENT_ROUTING_KEYS = {
  new_order: 'order.created',
  order_updated: 'order.status_changed',
  order_deleted: 'order.deleted',
  table_reset: 'table.reset',
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
  /** The type's own fields: `{order}`, `{orderId}` or `{sessionId, completedAt}`. */
  data: Record<string, unknown>;
}
