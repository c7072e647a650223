import SwaggerParser from '@apidevtools/swagger-parser';
import { SERVICES, startTestApp, TestApp, TestEnv } from '../utils/app';
import { samples } from '../utils/prometheus';

describe('operations: probes, metrics, OpenAPI document', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };

  beforeAll(async () => {
    t = await startTestApp({ SLOW_QUERY_MS: '40' });
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('probes', () => {
    it('answers /health/live without a token and without checking dependencies', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('checks every configured dependency on /health/ready', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      // Under test:services the images are in the S3-protocol server: its bucket is checked as `storage`.
      const expected = SERVICES
        ? ['database', 'rabbitmq', 'redis', 'shutdown', 'storage']
        : ['database', 'shutdown'];
      expect(Object.keys(res.body.details).sort()).toEqual(expected);
      for (const name of expected) expect(res.body.details[name].status).toBe('up');
    });
  });

  describe('metrics', () => {
    it('serves Prometheus text at /metrics without a token', async () => {
      const res = await t.http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(res.text).toContain('process_cpu_seconds_total');
      expect(res.text).toContain('nodejs_eventloop_lag_seconds');
      for (const name of [
        'table_order_orders_created_total',
        'table_order_order_status_changes_total',
        'table_order_table_completions_total',
        'table_order_sse_open_streams',
        'table_order_sse_delivery_lag_seconds',
        'table_order_cache_requests_total',
        'table_order_outbox_publish_lag_seconds',
        'table_order_outbox_backlog_events',
        'table_order_outbox_oldest_unpublished_age_seconds',
        'table_order_db_slow_queries_total',
        'table_order_ready',
      ]) {
        expect(res.text).toContain(`# TYPE ${name} `);
      }
      // Every family is declared with HELP and TYPE before its samples (what promtool checks in .ci/checks.sh).
      const declared = new Set([...res.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
      const helped = new Set([...res.text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]));
      expect([...declared].filter((n) => !helped.has(n))).toEqual([]);
      for (const s of samples(res.text)) {
        const family = s.name.replace(/_(bucket|sum|count|total|created)$/, '');
        expect(declared.has(s.name) || declared.has(family)).toBe(true);
      }
    });

    it('labels request durations with the route template, never the raw path', async () => {
      const ordersDoc = (await t.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, unknown>;
      };
      const templated = Object.keys(ordersDoc.paths).find((p) => p.startsWith('/api/v1/') && p.includes('{'));
      expect(templated).toBeDefined();
      const template = templated!.replace(/\{(\w+)\}/g, ':$1');
      const id = '6f1c2f4e-9a1b-4c3d-8e5f-0123456789ab';
      const raw = templated!.replace(/\{\w+\}/g, id);
      // Without a token: refused by the guard, but the route matched.
      await t.http().get(raw);
      await t.http().get(`/api/v1/definitely-not-a-route/${id}`).expect(404);
      await t.http().get('/health/live?probe=1').expect(200);

      const text = (await t.http().get('/metrics').expect(200)).text;
      const counts = samples(text).filter((s) => s.name === 'http_request_duration_seconds_count');
      expect(counts.find((s) => s.labels.route === template && s.labels.method === 'GET')).toBeDefined();
      expect(
        counts.find((s) => s.labels.route === 'unmatched' && s.labels.status === '404')?.value,
      ).toBeGreaterThanOrEqual(1);
      expect(
        counts.find((s) => s.labels.route === '/health/live' && s.labels.status === '200')?.value,
      ).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain(id);
      expect(text).not.toContain('definitely-not-a-route');
    });

    it('counts queries slower than SLOW_QUERY_MS', async () => {
      const before = samples((await t.http().get('/metrics')).text).find(
        (s) => s.name === 'table_order_db_slow_queries_total',
      )!.value;
      await t.dataSource.query('SELECT pg_sleep(0.1)');
      const after = samples((await t.http().get('/metrics')).text).find(
        (s) => s.name === 'table_order_db_slow_queries_total',
      )!.value;
      expect(after).toBeGreaterThanOrEqual(before + 1);
    });

    it('reports the database pool when running on PostgreSQL', async () => {
      const text = (await t.http().get('/metrics')).text;
      const pool = samples(text).filter((s) => s.name === 'table_order_db_pool_connections');
      if (SERVICES) {
        expect(pool.map((s) => s.labels.state).sort()).toEqual(['idle', 'in_use', 'waiting']);
        expect(pool.every((s) => Number.isInteger(s.value) && s.value >= 0)).toBe(true);
      } else {
        // The embedded database is one connection without a pool: no misleading zeros.
        expect(pool).toEqual([]);
      }
    });
  });

  describe('OpenAPI document and Swagger UI', () => {
    it('is a valid OpenAPI 3 document', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
      expect(doc.openapi).toMatch(/^3\./);
    });

    it('documents bearer auth, the error envelope and every error code', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      const envelope = doc.components.schemas.ErrorEnvelopeDto;
      expect(envelope.required).toEqual(
        expect.arrayContaining(['status', 'error_code', 'detail', 'timestamp', 'path', 'request_id']),
      );
      for (const code of ['VALIDATION_ERROR', 'TOKEN_MISSING', 'LOGIN_LOCKED', 'IDEMPOTENCY_KEY_REUSED']) {
        expect(doc.info.description).toContain(code);
        expect(envelope.properties.error_code.enum).toContain(code);
      }
    });

    it('documents the operations endpoints', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      expect(doc.paths['/health/live'].get).toBeDefined();
      expect(
        doc.paths['/health/ready'].get.responses['503'].content['application/json'].schema,
      ).toMatchObject({
        allOf: [{ $ref: '#/components/schemas/ErrorEnvelopeDto' }],
        properties: { error_code: { enum: ['SERVICE_UNAVAILABLE'] } },
      });
      expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain']);
      // Public: the empty security requirement on probes and metrics.
      for (const p of ['/health/live', '/health/ready', '/metrics'])
        expect(doc.paths[p].get.security).toEqual([{}]);
    });

    it('serves Swagger UI at /docs', async () => {
      const res = await t.http().get('/docs').redirects(1).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('swagger-ui');
    });
  });
});
