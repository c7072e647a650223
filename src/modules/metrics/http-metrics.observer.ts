import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

type RoutedRequest = Pick<Request, 'method' | 'baseUrl' | 'originalUrl'> & { route?: { path?: unknown } };

/** Static paths served outside Nest's router, labelled by their mount point rather than their file names. */
const STATIC_MOUNTS = ['/docs', '/uploads'];

/**
 * The route template a request matched (`/api/v1/admin/orders/:id`), so label cardinality stays bounded by the
 * number of routes: a raw path with ids in it would create one series per order. Anything the router did not
 * match (unknown paths, scanners) shares the single label `unmatched`.
 */
export function routeTemplate(req: RoutedRequest): string {
  const path = req.route?.path;
  if (typeof path === 'string') return `${req.baseUrl ?? ''}${path}` || '/';
  const url = (req.originalUrl ?? '').split('?')[0];
  const mount = STATIC_MOUNTS.find((m) => url === m || url.startsWith(`${m}/`));
  return mount ?? 'unmatched';
}

/**
 * Observes every HTTP request (event streams excepted) when its response finishes. A middleware rather than an interceptor because an
 * interceptor never sees unknown routes (404) nor requests refused by guards before it runs.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    let observed = false;
    const observe = (): void => {
      if (observed) return;
      observed = true;
      // An event stream lasts as long as the client stays: its "duration" would swamp the latency percentiles.
      // Open streams are counted by table_order_sse_open_streams instead.
      const type = res.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('text/event-stream')) return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // A client that went away before the response finished is recorded as 499, as nginx does.
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      this.metrics.httpRequestObserved(req.method, routeTemplate(req), status, seconds);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  }
}
