import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config';
import type { Principal } from '../auth';
import { requestContext, type RequestObserver } from './request-lifecycle';

type LoggedRequest = IncomingMessage & {
  id?: string;
  user?: Principal;
  route?: { path?: string };
  baseUrl?: string;
  originalUrl?: string;
};

/**
 * The access-log level of a response: a 503 is a dependency down, a failed readiness probe or a draining
 * instance, all expected and logged once where they start (DependencyStatus): warn. Error is for the other 5xx,
 * which the exception filter logs with their stack.
 */
export function accessLogLevel(status: number): 'info' | 'warn' | 'error' {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/**
 * The root pino logger behind Nest's logger (nestjs-pino): LOG_LEVEL, LOG_FORMAT, and on every line written while
 * a request is served, that request's id (`requestContext`). nestjs-pino's own per-request middleware (pino-http,
 * which builds two child loggers per request even when nothing is logged) is not mounted: `AccessLog` below writes
 * the request lines.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      transport:
        config.log.format === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      mixin: () => {
        const req = requestContext.getStore();
        return req?.id === undefined ? {} : { requestId: req.id };
      },
      wrapSerializers: false,
    },
    forRoutes: [],
  };
}

/**
 * One JSON line per request when it ends: method, route template, status, duration, request id and principal;
 * never a body, a header, a token or a password (`?ticket=` and `?token=` are redacted from the URL), and never a
 * stack: the one of a 500 is in the exception filter's line. Nothing is built for a level LOG_LEVEL drops.
 */
export class AccessLog implements RequestObserver {
  constructor(private readonly logger: Logger | undefined) {}

  requestEnded(incoming: IncomingMessage, _res: ServerResponse, status: number, seconds: number): void {
    const level = accessLogLevel(status);
    if (!this.logger?.isLevelEnabled(level)) return;
    const req = incoming as LoggedRequest;
    const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : undefined;
    this.logger[level](
      {
        requestId: req.id,
        route,
        principal: req.user ? principalLabel(req.user) : undefined,
        req: { method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? '') },
        res: { statusCode: status },
        durationMs: Math.round(seconds * 1000),
      },
      status >= 500 ? 'request failed' : status === 499 ? 'request aborted' : 'request completed',
    );
  }
}

function principalLabel(p: Principal): string {
  if (p.role === 'table') return `table:${p.tableId}`;
  return `${p.role}:${p.adminId}`;
}

function redactUrl(url: string): string {
  return url.replace(/([?&](ticket|token)=)[^&]*/g, '$1[redacted]');
}
