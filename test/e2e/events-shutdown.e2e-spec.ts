import { startTestApp } from '../utils/app';
import { storeFixture } from '../utils/auth';
import { openSse } from '../utils/sse';

/**
 * A file of its own: under `npm test`, closing an instance of the application takes the embedded database down
 * for the other instances of the same test file (they answer 503 from then on), so no other test may follow.
 */
describe('live events (SSE): heartbeats and shutdown', () => {
  const auth = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

  it('sends heartbeats every SSE_HEARTBEAT_MS and closes streams cleanly on shutdown', async () => {
    const other = await startTestApp({ SSE_HEARTBEAT_MS: '150' });
    let closed = false;
    try {
      const { admin } = await storeFixture(other, 0);
      const stream = await openSse(other.url, '/api/v1/admin/events', { headers: auth(admin.token) });
      await stream.waitFor((c) => c.comments.filter((x) => x === 'ping').length >= 2, 3000, 'two pings');
      const started = Date.now();
      await other.close();
      closed = true;
      await stream.waitForEnd();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(stream.comments).toContain('server shutting down');
    } finally {
      if (!closed) await other.close();
      await other.env.dispose();
    }
  });
});
