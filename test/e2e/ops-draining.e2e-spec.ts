import { ShutdownState } from '../../src/modules/health/shutdown-state';
import { startTestApp } from '../utils/app';

/** A file of its own: an instance that starts draining never stops, and other tests need theirs ready. */
describe('operations: draining', () => {
  it('fails readiness once draining starts, while liveness still answers', async () => {
    const draining = await startTestApp();
    try {
      draining.app.get(ShutdownState).beginDraining();
      const res = await draining.http().get('/health/ready').expect(503);
      expect(res.body.error_code).toBe('SERVICE_UNAVAILABLE');
      expect(res.body.detail).toBe('failed checks: shutdown');
      expect(res.body.checks.shutdown).toEqual({ status: 'down', message: 'instance is shutting down' });
      expect(res.body.checks.database.status).toBe('up');
      const live = await draining.http().get('/health/live').expect(200);
      expect(live.headers.connection).toBe('close');
    } finally {
      await draining.stop();
    }
  });
});
