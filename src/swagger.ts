import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ErrorEnvelopeDto, ValidationErrorItemDto } from './common/errors';
import {
  BEARER_SCHEME,
  errorNotes,
  errorResponses,
  REQUEST_ID_HEADER,
  SSE_TICKET_SCHEME,
} from './common/http/endpoint.decorator';

/** API.md's error table, rendered into the document so integrators find every code in one place. */
const ERROR_CODES: Array<[number, string, string]> = [
  [
    400,
    'VALIDATION_ERROR',
    'body, query or path fails validation, unknown fields, malformed JSON (`errors` lists each field)',
  ],
  [400, 'IDEMPOTENCY_KEY_INVALID', '`Idempotency-Key` empty, longer than 255, or outside visible ASCII'],
  [401, 'AUTH_FAILED', 'wrong login credentials (never says which field)'],
  [
    401,
    'TOKEN_MISSING / TOKEN_EXPIRED / INVALID_TOKEN',
    'no token / expired / bad signature, algorithm, issuer, audience, or revoked',
  ],
  [403, 'INSUFFICIENT_PERMISSIONS', 'the role may not use this endpoint'],
  [
    404,
    'NOT_FOUND, STORE_NOT_FOUND, ADMIN_NOT_FOUND, TABLE_NOT_FOUND, CATEGORY_NOT_FOUND, MENU_NOT_FOUND, ORDER_NOT_FOUND, STAFF_CALL_NOT_FOUND',
    "no such resource in the caller's store (a foreign id is 404, never 403)",
  ],
  [
    409,
    'CONFLICT, DUPLICATE_TABLE_NUMBER, DUPLICATE_CATEGORY_NAME, CATEGORY_NOT_EMPTY, MENU_UNAVAILABLE, INVALID_STATUS_TRANSITION, NO_ACTIVE_SESSION, TABLE_HAS_ACTIVE_SESSION, IDEMPOTENCY_KEY_IN_USE, ORDER_NOT_CANCELLABLE',
    'state conflicts',
  ],
  [413, 'PAYLOAD_TOO_LARGE', 'JSON body over 100 KB (102,400 bytes), image over 5 MB'],
  [415, 'UNSUPPORTED_MEDIA_TYPE', 'image not JPEG, PNG or WebP by its bytes'],
  [422, 'IDEMPOTENCY_KEY_REUSED', 'same `Idempotency-Key`, different body'],
  [429, 'RATE_LIMIT_EXCEEDED / LOGIN_LOCKED', 'with `Retry-After` in seconds'],
  [500, 'INTERNAL_ERROR', 'never carries a stack trace or SQL'],
  [503, 'SERVICE_UNAVAILABLE', 'a required dependency is down'],
];

const DESCRIPTION = [
  'Tablets order, staff follow orders live (Server-Sent Events), the platform manages stores.',
  '',
  '**Conventions.** Base path `/api/v1`; JSON with camelCase fields; ids are UUIDs; money is integer KRW; ' +
    'timestamps are ISO 8601 UTC. Authenticate with `Authorization: Bearer <JWT>` (RS256) from one of the login ' +
    'endpoints; the store a request acts on always comes from the token. Every response carries `X-Request-Id`.',
  '',
  '**Errors.** Every status >= 400 has the body `ErrorEnvelopeDto` ' +
    '(`status`, `error_code`, `detail`, `timestamp`, `path`, `request_id`, and `errors` for validation). ' +
    'Clients switch on `error_code`:',
  '',
  '| status | error_code | when |',
  '|---|---|---|',
  ...ERROR_CODES.map(([status, code, when]) => `| ${status} | ${code} | ${when} |`),
  '',
  '**Live events.** `GET /api/v1/admin/events` and `GET /api/v1/orders/events` are `text/event-stream`: ' +
    'first frame `retry: 3000`, `: ping` comments as heartbeat, then frames `id`, `event` ' +
    '(`new_order`, `order_updated`, `order_deleted`, `table_reset`, `table_moved`, `staff_call`, ' +
    '`staff_call_resolved`, `reset`) and `data` (JSON). ' +
    'Send `Last-Event-ID` to resume. Browsers use `?ticket=` from `POST /api/v1/admin/events/ticket`.',
  '',
  '**Operations.** `/health/live`, `/health/ready`, `/metrics` (Prometheus), `/docs` (Swagger UI) and ' +
    '`/docs-json` (this document) are public.',
].join('\n');

/** What the routes Swagger UI serves itself can answer: the body parser's refusals (public, not rate-limited). */
const SWAGGER_UI_ERRORS = errorResponses(errorNotes({ auth: 'public', guarded: false }));

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Table Order API')
      .setDescription(DESCRIPTION)
      .setVersion('1.0')
      .setOpenAPIVersion('3.1.0')
      .addServer('/', 'this instance')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'RS256 access token from POST /api/v1/auth/*-login (valid 16 h)',
        },
        BEARER_SCHEME,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'query',
          name: 'ticket',
          description:
            'single-use ticket from POST /api/v1/admin/events/ticket (valid 60 s), for EventSource',
        },
        SSE_TICKET_SCHEME,
      )
      .addTag('auth', 'Logins for tablets, admins and the platform superadmin')
      .addTag('menu', 'The menu as tablets read it')
      .addTag('orders', 'A table’s own orders')
      .addTag('staff calls', 'A table calls staff (직원 호출)')
      .addTag('events', 'Live events (Server-Sent Events)')
      .addTag('admin tables', 'Tables, the floor dashboard, 이용 완료, moves and merges')
      .addTag('admin orders', 'The store’s orders')
      .addTag('admin staff calls', 'Open staff calls and their resolution')
      .addTag('tables', 'Order history of a table')
      .addTag('menu (admin)', 'Categories, menus and images')
      .addTag('menu options (admin)', 'Option groups (맵기, 사이즈, 토핑) and their options')
      .addTag('platform', 'Stores and their admin accounts (superadmin)')
      .addTag('operations', 'Probes and metrics for Kubernetes and Prometheus')
      .build(),
    { extraModels: [ErrorEnvelopeDto, ValidationErrorItemDto] },
  );
  // SwaggerModule.setup serves these two itself, outside any controller: add them so the document covers them too.
  document.paths['/docs'] = {
    get: {
      tags: ['operations'],
      summary: 'Swagger UI',
      description: 'Interactive documentation of this API (public).',
      operationId: 'getDocsUi',
      security: [{}],
      responses: {
        '200': {
          description: 'Swagger UI',
          headers: { 'X-Request-Id': REQUEST_ID_HEADER },
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        ...SWAGGER_UI_ERRORS,
      },
    },
  };
  document.paths['/docs-json'] = {
    get: {
      tags: ['operations'],
      summary: 'this OpenAPI document',
      description: 'The OpenAPI 3 document of this API, as JSON (public).',
      operationId: 'getOpenApiDocument',
      security: [{}],
      responses: {
        ...SWAGGER_UI_ERRORS,
        '200': {
          description: 'this OpenAPI document',
          headers: { 'X-Request-Id': REQUEST_ID_HEADER },
          content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
        },
      },
    },
  };
  return document;
}

/** Swagger UI at /docs and the OpenAPI 3 document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Table Order API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true, tagsSorter: 'alpha' },
  });
}
