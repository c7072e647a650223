import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  DECORATORS,
  getSchemaPath,
} from '@nestjs/swagger';
import type { ContentObject, HeaderObject } from '@nestjs/swagger';
import { Auth, Public } from '../auth/auth.decorators';
import type { Role } from '../auth/principal';
import { ErrorCode } from '../errors/error-codes';
import { ErrorEnvelopeDto } from '../errors/error-envelope.dto';
import { ERROR_STATUS } from '../errors/error-status';

/** An error code the operation can answer, alone or with the case it stands for here. */
export type EndpointError = ErrorCode | readonly [ErrorCode, string];

export interface EndpointSuccess {
  status: 200 | 201 | 204 | 304;
  description: string;
  /** A DTO class, or `[Dto]` for an array of them. */
  type?: Type | [Type];
  /** Another body than JSON (an event stream, an image). */
  content?: ContentObject;
  headers?: Record<string, HeaderObject>;
}

export interface EndpointOptions {
  /** Stable and unique in the document: the name generated clients give the call (`placeOrder`). */
  operationId: string;
  summary: string;
  description?: string;
  /** Who may call: the roles, or `public` (no token). */
  auth: Role | readonly Role[] | 'public';
  /** The operation reads a JSON body (400 VALIDATION_ERROR names its fields). */
  jsonBody?: boolean;
  /** Path or query input is validated (400 VALIDATION_ERROR names it). */
  validates?: boolean;
  /** The codes the operation itself answers, beside those derived from `auth`, the input and the limits. */
  errors?: readonly EndpointError[];
  /** The success response, or several when the operation answers more than one success status. */
  success: EndpointSuccess | readonly EndpointSuccess[];
  /** Also authenticates with a single-use `?ticket=` (EventSource, which cannot send headers). */
  sseTicket?: boolean;
  /** false for the probes and metrics, which are not rate-limited and reach no dependency. */
  guarded?: boolean;
}

export const BEARER_SCHEME = 'bearer';
export const SSE_TICKET_SCHEME = 'sseTicket';

export const REQUEST_ID_HEADER: HeaderObject = {
  required: true,
  description:
    'the incoming X-Request-Id when it is 1-128 characters of [A-Za-z0-9._:-], else a generated one',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};
const RETRY_AFTER_HEADER: HeaderObject = {
  required: true,
  description: 'seconds to wait before retrying',
  schema: { type: 'integer', minimum: 1 },
};

/**
 * One operation's whole documentation and its access rule, from one list: the roles (bearer auth, 401, 403, or no
 * security requirement when public), the input (400 VALIDATION_ERROR), what the body parser answers on every route
 * (400, 413, 415), the limits every API route has (429, 503), and the codes the operation answers itself. Each
 * documented error status is derived from those codes (ERROR_STATUS) and its body's `error_code` is the enum of
 * exactly them, so the document cannot promise a code the operation does not answer, nor miss a status it does.
 * Every response declares `X-Request-Id`.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const authenticated = options.auth !== 'public';
  const decorators: Array<MethodDecorator> = [
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description: options.description,
    }),
    ApiExtraModels(ErrorEnvelopeDto),
    ...[options.success].flat().map(successResponse),
  ];
  if (authenticated) {
    decorators.push(Auth(...roles(options.auth)), ApiBearerAuth(BEARER_SCHEME));
    if (options.sseTicket) decorators.push(ApiSecurity(SSE_TICKET_SCHEME));
  } else {
    decorators.push(Public(), NoSecurityRequirement());
  }
  for (const [status, response] of Object.entries(errorResponses(errorNotes(options)))) {
    decorators.push(ApiResponse({ status: Number(status), ...response }));
  }
  return applyDecorators(...decorators);
}

/** The codes an operation answers, each with the case it stands for here (or none). */
export function errorNotes(
  options: Pick<EndpointOptions, 'auth' | 'jsonBody' | 'validates' | 'errors' | 'guarded'>,
): Map<ErrorCode, string | undefined> {
  const authenticated = options.auth !== 'public';
  const notes = new Map<ErrorCode, string | undefined>();
  const add = (code: ErrorCode, note?: string): void => {
    if (!notes.has(code) || note) notes.set(code, note);
  };
  /** The general case of a code, unless the operation named its own. */
  const addGeneral = (code: ErrorCode, note: string): void => {
    if (!notes.get(code)) notes.set(code, note);
  };
  if (authenticated) {
    add(ErrorCode.TOKEN_MISSING);
    add(ErrorCode.TOKEN_EXPIRED);
    add(ErrorCode.INVALID_TOKEN, 'bad signature, algorithm, issuer or audience, or revoked');
    add(ErrorCode.INSUFFICIENT_PERMISSIONS, `only ${roles(options.auth).join(', ')}`);
  }
  for (const error of options.errors ?? []) {
    if (typeof error === 'string') add(error as ErrorCode);
    else add(error[0], error[1]);
  }
  // The body parser reads a JSON body on every route, before routing: what it refuses, it refuses everywhere.
  addGeneral(
    ErrorCode.VALIDATION_ERROR,
    options.jsonBody || options.validates
      ? 'the input fails validation (`errors` names each field), or the body is not valid JSON'
      : 'a body that is not valid JSON',
  );
  addGeneral(ErrorCode.PAYLOAD_TOO_LARGE, 'a JSON body over 100 KB');
  addGeneral(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'a body in another charset than UTF-8');
  if (options.guarded ?? true) {
    addGeneral(
      ErrorCode.RATE_LIMIT_EXCEEDED,
      `RATE_LIMIT_PER_MINUTE per ${authenticated ? 'principal' : 'client IP'}`,
    );
    addGeneral(ErrorCode.SERVICE_UNAVAILABLE, 'a required dependency is down');
  }
  return notes;
}

/** The documented error responses of these codes: per status, the envelope with exactly its codes. */
export function errorResponses(
  notes: Map<ErrorCode, string | undefined>,
): Record<number, ErrorResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of notes.keys()) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        status,
        {
          description: codes
            .map((code) => (notes.get(code) ? `${code}: ${notes.get(code)}` : code))
            .join('; '),
          headers: {
            'X-Request-Id': REQUEST_ID_HEADER,
            ...(status === 429 || status === 503 ? { 'Retry-After': RETRY_AFTER_HEADER } : {}),
          },
          content: { 'application/json': { schema: errorSchema(status, codes) } },
        },
      ]),
  );
}

interface ErrorResponseObject {
  description: string;
  headers: Record<string, HeaderObject>;
  content: ContentObject;
}

/**
 * `security: [{}]`, OpenAPI's "no security requirement": a public operation says so, where one without `security`
 * would say nothing. (@nestjs/swagger drops an empty `security: []`.)
 */
const NoSecurityRequirement =
  (): MethodDecorator =>
  (_target, _key, descriptor: PropertyDescriptor): void => {
    Reflect.defineMetadata(DECORATORS.API_SECURITY, [{}], descriptor.value as object);
  };

function roles(auth: EndpointOptions['auth']): Role[] {
  if (auth === 'public') return [];
  return typeof auth === 'string' ? [auth] : [...auth];
}

function successResponse(success: EndpointSuccess): MethodDecorator {
  const { status, description, type, content } = success;
  const headers = { 'X-Request-Id': REQUEST_ID_HEADER, ...success.headers };
  return ApiResponse({ status, description, headers, ...(content ? { content } : type ? { type } : {}) });
}

/** The envelope with this status and exactly these codes. */
function errorSchema(status: number, codes: ErrorCode[]) {
  return {
    allOf: [{ $ref: getSchemaPath(ErrorEnvelopeDto) }],
    type: 'object' as const,
    properties: {
      status: { type: 'integer' as const, enum: [status] },
      error_code: { type: 'string' as const, enum: codes },
    },
    required: ['status', 'error_code'],
  };
}
