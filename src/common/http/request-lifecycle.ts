import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { assignRequestId } from './request-id';

/**
 * A part of the service that follows every request from its arrival to its end: the graceful shutdown (which
 * requests are in flight), the HTTP metrics, the access log. Called by `requestLifecycle`, once each per request.
 */
export interface RequestObserver {
  /** The request has arrived; nothing else has run on it yet. */
  requestStarted?(req: IncomingMessage, res: ServerResponse): void;
  /**
   * The response is done: finished (`status` is what was sent) or cut off when the client went away first (499, as
   * nginx records it). `seconds` from arrival.
   */
  requestEnded(req: IncomingMessage, res: ServerResponse, status: number, seconds: number): void;
}

/** The request being served, for log lines written while serving it (the logger's mixin adds its id). */
export const requestContext = new AsyncLocalStorage<IncomingMessage>();

const STARTED_AT = Symbol('startedAt');
type Tracked = ServerResponse & { [STARTED_AT]?: number };

/**
 * The first middleware: gives the request its X-Request-Id, opens its log context and tells every observer when
 * it starts and ends. One 'close' listener per request, shared by every observer and allocated once (Node emits
 * 'close' on a response after 'finish', and also when the connection drops first), rather than a listener pair
 * and a closure per observer.
 */
export function requestLifecycle(
  observers: RequestObserver[],
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const starting = observers.filter((o) => o.requestStarted !== undefined);
  function ended(this: Tracked): void {
    const seconds = (performance.now() - (this[STARTED_AT] ?? 0)) / 1000;
    const status = this.writableFinished || this.headersSent ? this.statusCode : 499;
    for (const observer of observers) observer.requestEnded(this.req, this, status, seconds);
  }
  return (req, res, next) => {
    assignRequestId(req, res);
    (res as Tracked)[STARTED_AT] = performance.now();
    for (const observer of starting) observer.requestStarted?.(req, res);
    res.on('close', ended);
    requestContext.run(req, next);
  };
}
