import { ERROR_STATUS } from '../../src/common/errors/error-status';
import { startTestApp, TestApp, TestEnv } from '../utils/app';

type Responses = Record<
  string,
  {
    headers?: Record<string, { required?: boolean }>;
    content?: Record<string, { schema?: { properties?: { error_code?: { enum?: string[] } } } }>;
  }
>;
type Operation = { operationId?: string; security?: unknown[]; responses: Responses; tags?: string[] };
type Document = {
  openapi: string;
  tags: Array<{ name: string }>;
  servers: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
};

/** The OpenAPI document's rules, over every operation: what a generated client relies on. */
describe('the OpenAPI document', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let doc: Document;
  let operations: Array<{ label: string; op: Operation }>;

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/docs-json').expect(200)).body as Document;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op })),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is OpenAPI 3.1 with servers, declared tags and unique readable operationIds', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers.length).toBeGreaterThan(0);
    const declared = new Set(doc.tags.map((tag) => tag.name));
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const { label, op } of operations) {
      expect({ label, id: op.operationId }).toEqual({ label, id: expect.stringMatching(/^[a-z][A-Za-z]+$/) });
      for (const tag of op.tags ?? [])
        expect({ label, tag, declared: declared.has(tag) }).toMatchObject({ declared: true });
    }
    expect(ids).toEqual(
      expect.arrayContaining(['placeOrder', 'getMenu', 'completeTable', 'streamStoreEvents']),
    );
  });

  it('gives each error status exactly the codes of that status, and every response X-Request-Id', () => {
    for (const { label, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect({ label, status, requestId: response.headers?.['X-Request-Id']?.required }).toEqual({
          label,
          status,
          requestId: true,
        });
        if (Number(status) < 400) continue;
        const codes = response.content?.['application/json']?.schema?.properties?.error_code?.enum ?? [];
        expect({ label, status, codes: codes.length > 0 }).toEqual({ label, status, codes: true });
        for (const code of codes) {
          expect({ label, code, status: ERROR_STATUS[code as keyof typeof ERROR_STATUS] }).toEqual({
            label,
            code,
            status: Number(status),
          });
        }
        if (status === '429' || status === '503') expect(response.headers?.['Retry-After']).toBeDefined();
      }
    }
  });

  it('marks public operations, documents 401/403 on the others, and the SSE ticket as a way in', () => {
    for (const { label, op } of operations) {
      const isPublic = JSON.stringify(op.security) === '[{}]';
      expect({ label, security: op.security !== undefined }).toEqual({ label, security: true });
      if (!isPublic) {
        expect({ label, statuses: Object.keys(op.responses) }).toEqual({
          label,
          statuses: expect.arrayContaining(['401', '403', '429', '503']),
        });
      }
    }
    expect(doc.components.securitySchemes.sseTicket).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'query', name: 'ticket' }),
    );
    expect(doc.paths['/api/v1/admin/events'].get.security).toEqual([{ bearer: [] }, { sseTicket: [] }]);
  });

  it('documents 413 on every operation that reads a JSON body', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item) as Array<
        [string, Operation & { requestBody?: { content: object } }]
      >) {
        if (!op.requestBody || !('application/json' in op.requestBody.content)) continue;
        expect({ path, method, statuses: Object.keys(op.responses) }).toEqual({
          path,
          method,
          statuses: expect.arrayContaining(['400', '413']),
        });
      }
    }
  });
});
