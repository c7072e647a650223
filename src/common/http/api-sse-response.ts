import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import type { ContentObject } from '@nestjs/swagger';

/**
 * The `text/event-stream` body of a Server-Sent Events endpoint: each frame (`id`, `event`, `data` parsed) is one of
 * `events`, told apart by its `event` name (OpenAPI 3.1 `oneOf` with a discriminator). `ApiEventModels` puts the
 * classes into the document's components.
 */
export function eventStreamContent(events: Record<string, Type>): ContentObject {
  return {
    'text/event-stream': {
      schema: {
        oneOf: Object.values(events).map((event) => ({ $ref: getSchemaPath(event) })),
        discriminator: {
          propertyName: 'event',
          mapping: Object.fromEntries(
            Object.entries(events).map(([name, event]) => [name, getSchemaPath(event)]),
          ),
        },
      },
      example: 'retry: 3000\n\nid: 42\nevent: new_order\ndata: {"eventId":42,…}\n\n: ping\n\n',
    },
  };
}

export const ApiEventModels = (events: Record<string, Type>): MethodDecorator =>
  applyDecorators(ApiExtraModels(...Object.values(events)));
