import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithId = IncomingMessage & { id?: unknown };

/**
 * API.md: every response carries X-Request-Id, the incoming one when it is 1-128 characters of [A-Za-z0-9._:-],
 * else a generated one. Assigned once per request by `requestLifecycle` (request-lifecycle.ts), the first
 * middleware (so that even a body the JSON parser refuses, or a Swagger page, carries it): the same id is on the
 * request, the logs, the error envelope and the response.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (req as WithId).id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}
