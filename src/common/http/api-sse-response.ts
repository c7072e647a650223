import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOkResponse, ApiProduces } from '@nestjs/swagger';

export interface SseEventDoc {
  /** The `event:` field, e.g. `new_order`. */
  type: string;
  description: string;
  /** Example of the `data:` JSON. */
  example?: Record<string, unknown>;
}

/**
 * Documents a Server-Sent Events endpoint: `text/event-stream`, the frame format, and each event type with an
 * example of its data. OpenAPI 3.0 has no vocabulary for event streams, so the types are listed in the response
 * description (what Swagger UI shows) and, machine-readable, in the `x-sse-events` extension.
 */
export function ApiSseResponse(events: SseEventDoc[], summary = 'event stream'): MethodDecorator {
  const list = events
    .map((e) => {
      const example = e.example ? `\n\n  \`data: ${JSON.stringify(e.example)}\`` : '';
      return `- \`${e.type}\`: ${e.description}${example}`;
    })
    .join('\n');
  return applyDecorators(
    ApiProduces('text/event-stream'),
    ApiOkResponse({
      description:
        `${summary}. \`Content-Type: text/event-stream\`; first frame \`retry: 3000\`; a comment \`: ping\` ` +
        'every SSE_HEARTBEAT_MS; each event is `id: <eventId>`, `event: <type>`, `data: <JSON>`. ' +
        'Reconnect with `Last-Event-ID` (header) or `lastEventId` (query) to replay later events. Event types:\n\n' +
        list,
      content: {
        'text/event-stream': {
          schema: {
            type: 'string',
            example: 'retry: 3000\n\nid: 42\nevent: new_order\ndata: {"eventId":42,…}\n\n',
          },
        },
      },
    }),
    ApiExtension(
      'x-sse-events',
      events.map((e) => ({ type: e.type, description: e.description })),
    ),
  );
}
