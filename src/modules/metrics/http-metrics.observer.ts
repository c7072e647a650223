import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { RequestObserver } from '../../common/http/request-lifecycle';
import { MetricsService } from './metrics.service';

type RoutedRequest = { method?: string; baseUrl?: string; originalUrl?: string; route?: { path?: unknown } };

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
 * Observes every HTTP request (event streams excepted) when it ends (request-lifecycle.ts), rather than in an
 * interceptor, which never sees unknown routes (404) nor requests refused by guards before it runs.
 */
@Injectable()
export class HttpMetricsObserver implements RequestObserver {
  constructor(private readonly metrics: MetricsService) {}

  requestEnded(req: IncomingMessage, res: ServerResponse, status: number, seconds: number): void {
    // An event stream lasts as long as the client stays: its "duration" would swamp the latency percentiles.
    // Open streams are counted by table_order_sse_open_streams instead.
    const type = res.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/event-stream')) return;
    this.metrics.httpRequestObserved(req.method ?? '', routeTemplate(req), status, seconds);
  }
}
