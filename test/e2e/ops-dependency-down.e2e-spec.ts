import { startApp, startTestApp, TestApp, TestEnv } from '../utils/app';
import { samples } from '../utils/prometheus';

/**
 * A file of its own: under `npm test`, closing an instance of the application takes the embedded database down
 * for the other instances of the same test file (they answer 503 from then on), so no other test may follow.
 */
describe('operations: readiness with a dependency down', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 503 naming the failed dependency, as the error envelope, within the check timeout', async () => {
    // Nothing listens on port 1: the Redis check must fail fast instead of hanging the probe.
    const broken = await startApp(t.env, { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      const res = await broken.http().get('/health/ready').set('X-Request-Id', 'ready-1');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 503,
        error_code: 'SERVICE_UNAVAILABLE',
        detail: 'failed checks: redis',
        path: '/health/ready',
        request_id: 'ready-1',
      });
      expect(res.body.checks.redis.status).toBe('down');
      expect(res.body.checks.database.status).toBe('up');
      // Liveness stays up: a dependency outage must not restart the pod.
      await broken.http().get('/health/live').expect(200);
      const metrics = await broken.http().get('/metrics').expect(200);
      const ready = samples(metrics.text).find((s) => s.name === 'table_order_ready');
      expect(ready?.value).toBe(0);
      const redisUp = samples(metrics.text).find(
        (s) => s.name === 'table_order_dependency_up' && s.labels.dependency === 'redis',
      );
      expect(redisUp?.value).toBe(0);
    } finally {
      await broken.close();
    }
  });
});
