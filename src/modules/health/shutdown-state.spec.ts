import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestLifecycle } from '../../common/http/request-lifecycle';
import { ShutdownState } from './shutdown-state';

class FakeResponse extends EventEmitter {
  headers: Record<string, string> = {};
  headersSent = false;
  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
}

describe('ShutdownState', () => {
  const track = (state: ShutdownState): FakeResponse => {
    const res = new FakeResponse();
    const req = { headers: {} } as IncomingMessage;
    requestLifecycle([state])(req, res as unknown as ServerResponse, () => undefined);
    return res;
  };

  it('waits for pending requests, not for event streams', async () => {
    const state = new ShutdownState();
    const plain = track(state);
    const stream = track(state);
    stream.setHeader('Content-Type', 'text/event-stream');
    expect(state.pendingRequests()).toBe(1);
    const idle = state.waitForIdle(5000);
    plain.emit('close');
    await expect(idle).resolves.toBe(true);
  });

  it('gives up after the grace period', async () => {
    const state = new ShutdownState();
    track(state);
    await expect(state.waitForIdle(50)).resolves.toBe(false);
  });

  it('asks keep-alive clients to go elsewhere once draining', () => {
    const state = new ShutdownState();
    const before = track(state);
    expect(state.draining).toBe(false);
    state.beginDraining();
    expect(state.draining).toBe(true);
    expect(before.getHeader('connection')).toBe('close');
    expect(track(state).getHeader('connection')).toBe('close');
  });
});
