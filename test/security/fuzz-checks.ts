import * as http from 'node:http';
import type { FuzzRequest } from './fuzz-generators';

const ENVELOPE_KEYS = new Set([
  'status',
  'error_code',
  'detail',
  'timestamp',
  'path',
  'request_id',
  'errors',
  // /health/ready's 503 names each check.
  'checks',
]);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const INTERNALS =
  /QueryFailedError|TypeError|RangeError|SyntaxError:|\bat \S+ \(|node_modules|\.ts:\d+|SELECT |INSERT |UPDATE |violates|syntax error at/;

export interface FuzzAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  error?: string;
}

export function fire(baseUrl: string, agent: http.Agent, req: FuzzRequest): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  return new Promise<FuzzAnswer>((resolve) => {
    let answered = false;
    const done = (a: FuzzAnswer): void => {
      if (answered) return;
      answered = true;
      resolve(a);
    };
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body) headers['content-length'] = req.body.length;
    const r = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers, agent },
      (res) => {
        const status = res.statusCode ?? 0;
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          // A stream that opened: it is the answer; close it.
          res.destroy();
          done({ status, headers: res.headers, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (e) =>
          done({ status, headers: res.headers, text: Buffer.concat(chunks).toString(), error: e.message }),
        );
      },
    );
    r.setTimeout(15_000, () => r.destroy(new Error('no answer within 15 s')));
    r.on('error', (e) => done({ status: 0, headers: {}, text: '', error: e.message }));
    r.end(req.body);
  });
}

/** What is wrong with an answer, if anything. */
export function verdict(req: FuzzRequest, a: FuzzAnswer): string | null {
  if (a.status === 0) return `no answer (${a.error})`;
  if (a.status >= 500 && !(req.route.key === 'GET /health/ready' && a.status === 503))
    return `status ${a.status}`;
  const header = a.headers['x-request-id'];
  if (typeof header !== 'string' || !VALID_REQUEST_ID.test(header))
    return `X-Request-Id header ${String(header)}`;
  if (req.sentRequestId && header !== req.sentRequestId)
    return `X-Request-Id ${header} instead of ${req.sentRequestId}`;
  if (req.expectStatus && a.status !== req.expectStatus)
    return `status ${a.status}, expected ${req.expectStatus}`;
  if (a.status < 400) return null;
  if (!String(a.headers['content-type'] ?? '').startsWith('application/json'))
    return `content-type ${a.headers['content-type']}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(a.text) as Record<string, unknown>;
  } catch {
    return `error body is not JSON: ${a.text.slice(0, 100)}`;
  }
  const extra = Object.keys(body).filter((k) => !ENVELOPE_KEYS.has(k));
  if (extra.length > 0) return `envelope has extra fields ${extra.join(',')}`;
  if (body.status !== a.status) return `envelope status ${String(body.status)} on a ${a.status}`;
  if (typeof body.error_code !== 'string' || !/^[A-Z][A-Z_]+$/.test(body.error_code))
    return `error_code ${String(body.error_code)}`;
  if (typeof body.detail !== 'string') return 'detail missing';
  if (typeof body.timestamp !== 'string' || !ISO.test(body.timestamp))
    return `timestamp ${String(body.timestamp)}`;
  if (body.path !== req.url.split('?')[0]) return `path ${String(body.path)} for ${req.url.split('?')[0]}`;
  if (body.request_id !== header)
    return `request_id ${String(body.request_id)} differs from X-Request-Id ${header}`;
  if ('errors' in body) {
    const errors = body.errors as Array<Record<string, unknown>>;
    if (body.error_code !== 'VALIDATION_ERROR') return `errors on a ${String(body.error_code)}`;
    if (
      !Array.isArray(errors) ||
      errors.some((e) => typeof e.field !== 'string' || typeof e.message !== 'string')
    )
      return 'errors is not [{field, message}]';
  }
  if (a.status === 413 && body.error_code !== 'PAYLOAD_TOO_LARGE') return `413 ${String(body.error_code)}`;
  if (INTERNALS.test(String(body.detail)) || INTERNALS.test(JSON.stringify(body.errors ?? '')))
    return `internals in the detail: ${String(body.detail).slice(0, 120)}`;
  return null;
}
