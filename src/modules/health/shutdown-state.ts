import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * What the instance knows about its own shutdown: whether it is draining, and which requests are still being
 * served. Readiness fails while draining; the graceful shutdown waits for the tracked requests (SSE streams
 * excepted: they never finish on their own, the events module closes them).
 */
@Injectable()
export class ShutdownState {
  private drainingSince?: number;
  private readonly inFlight = new Set<Response>();
  private readonly idleWaiters = new Set<() => void>();

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  beginDraining(): void {
    this.drainingSince ??= Date.now();
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Express middleware, installed first by app.factory.ts so that every request is counted. */
  readonly track = (_req: Request, res: Response, next: NextFunction): void => {
    this.inFlight.add(res);
    const done = (): void => {
      this.inFlight.delete(res);
      // Counting walks every open request (event streams included): only worth it while a shutdown waits.
      if (this.idleWaiters.size > 0 && this.pendingRequests() === 0)
        for (const wake of this.idleWaiters) wake();
    };
    res.once('finish', done);
    res.once('close', done);
    // While draining, tell keep-alive clients to open their next request elsewhere.
    if (this.draining) res.setHeader('Connection', 'close');
    next();
  };

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
