import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { RequestObserver } from '../../common/http/request-lifecycle';

/**
 * What the instance knows about its own shutdown: whether it is draining, and which requests are still being
 * served. Readiness fails while draining; the graceful shutdown waits for the tracked requests (SSE streams
 * excepted: they never finish on their own, the events module closes them).
 */
@Injectable()
export class ShutdownState implements RequestObserver {
  private drainingSince?: number;
  private readonly inFlight = new Set<ServerResponse>();
  private readonly idleWaiters = new Set<() => void>();

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  beginDraining(): void {
    this.drainingSince ??= Date.now();
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Counted from arrival (request-lifecycle.ts, the first middleware), so that every request is. */
  requestStarted(_req: IncomingMessage, res: ServerResponse): void {
    this.inFlight.add(res);
    // While draining, tell keep-alive clients to open their next request elsewhere.
    if (this.draining) res.setHeader('Connection', 'close');
  }

  requestEnded(_req: IncomingMessage, res: ServerResponse): void {
    this.inFlight.delete(res);
    // Counting walks every open request (event streams included): only worth it while a shutdown waits.
    if (this.idleWaiters.size > 0 && this.pendingRequests() === 0)
      for (const wake of this.idleWaiters) wake();
  }

  /** Requests not yet answered, not counting open event streams. */
  pendingRequests(): number {
    let n = 0;
    for (const res of this.inFlight) {
      const type = res.getHeader('content-type');
      if (!(typeof type === 'string' && type.startsWith('text/event-stream'))) n++;
    }
    return n;
  }

  /** Resolves true when no request is pending, false if `timeoutMs` passed first. */
  async waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.pendingRequests() === 0) return true;
    return new Promise<boolean>((resolve) => {
      const finish = (idle: boolean): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.idleWaiters.delete(wake);
        resolve(idle);
      };
      const wake = (): void => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      // An SSE response only becomes an event stream once its headers are set; re-check now and then.
      const poll = setInterval(() => this.pendingRequests() === 0 && finish(true), 100);
      this.idleWaiters.add(wake);
    });
  }
}
