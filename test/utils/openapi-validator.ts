import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Checks every response an instance sends against its own OpenAPI document, as a validating proxy would: the
 * operation is found by method and path template, and its status, media type and body (JSON, or each frame of an
 * event stream) must be what the document declares. A request to no documented path (an unknown route) or with a
 * method the path does not have is not an operation and is left alone. `startApp` (test/utils/app.ts) installs it
 * on every instance of the e2e suites and fails the instance's `close()` with what it found.
 */
export class OpenApiResponseValidator {
  readonly violations: string[] = [];
  private readonly ajv: Ajv2020;
  private readonly operations: Array<{ method: string; template: string; pattern: RegExp; op: Operation }> =
    [];
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(document: OpenAPIObject) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'doc', components: document.components ?? {} });
    for (const [template, item] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
        const op = (item as Record<string, Operation | undefined>)[method];
        if (op) this.operations.push({ method, template, pattern, op });
      }
    }
  }

  /** Hooks the server before any other request listener, so that it sees every byte of every response. */
  install(server: Server): void {
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.watch(req, res));
  }

  private watch(req: IncomingMessage, res: ServerResponse): void {
    const method = (req.method ?? '').toLowerCase() === 'head' ? 'get' : (req.method ?? '').toLowerCase();
    const pathname = (req.url ?? '').split('?')[0];
    const found = this.operations.find((o) => o.method === method && o.pattern.test(pathname));
    if (!found) return;
    const label = `${req.method} ${pathname} (${found.op.operationId ?? found.template})`;
    const chunks: Buffer[] = [];
    let size = 0;
    let sse = '';
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const take = (chunk: unknown, encoding?: unknown): void => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      if (isEventStream(res)) {
        sse += buffer.toString('utf8');
        sse = this.frames(label, found.op, sse);
      } else if (size < MAX_BODY) {
        chunks.push(buffer);
        size += buffer.length;
      }
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      take(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      take(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as typeof res.end;
    res.once('finish', () => {
      if (req.method === 'HEAD') this.check(label, found.op, res, undefined);
      else this.check(label, found.op, res, size < MAX_BODY ? Buffer.concat(chunks) : undefined);
    });
  }

  private check(label: string, op: Operation, res: ServerResponse, body: Buffer | undefined): void {
    const status = String(res.statusCode);
    const response = op.responses[status] ?? op.responses.default;
    if (!response) {
      this.violations.push(`${label}: status ${status} is not documented (${preview(body)})`);
      return;
    }
    const type = String(res.getHeader('content-type') ?? '')
      .split(';')[0]
      .trim();
    if (!type || !body || body.length === 0) return;
    if (!response.content?.[type]) {
      this.violations.push(
        `${label}: ${status} answered ${type}, the document declares ${Object.keys(response.content ?? {}).join(', ') || 'no body'}`,
      );
      return;
    }
    if (type !== 'application/json' || !response.content[type].schema) return;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      this.violations.push(`${label}: ${status} body is not JSON`);
      return;
    }
    this.validate(`${label}: ${status}`, response.content[type].schema, value);
  }

  /** Validates the complete frames of an event stream, and returns what is left of an unfinished one. */
  private frames(label: string, op: Operation, text: string): string {
    const schema = op.responses['200']?.content?.['text/event-stream']?.schema;
    const parts = text.split('\n\n');
    const rest = parts.pop() ?? '';
    for (const frame of parts) {
      const fields: Record<string, string> = {};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
      }
      if (fields.event === undefined) continue; // `retry:` and heartbeats
      if (!schema) {
        this.violations.push(`${label}: sent an event, the document declares no event stream`);
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(fields.data ?? '');
      } catch {
        this.violations.push(`${label}: event ${fields.event} has data that is not JSON`);
        continue;
      }
      this.validate(`${label}: event ${fields.event}`, schema, { id: fields.id, event: fields.event, data });
    }
    return rest;
  }

  private validate(label: string, schema: object, value: unknown): void {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as object);
      this.compiled.set(schema, validate);
    }
    if (!validate(value)) {
      const errors = (validate.errors ?? [])
        .slice(0, 3)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
        .join('; ');
      this.violations.push(`${label} does not match the document: ${errors} (${preview(value)})`);
    }
  }
}

interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: object }> } | undefined>;
}

const MAX_BODY = 1 << 20;

function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

/** The document's local references (`#/components/…`) as references into the schema registered as `doc`. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `doc${value}` : rebase(value),
    ]),
  );
}

function preview(value: unknown): string {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value);
  return (text ?? '').slice(0, 300);
}
