import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { levels } from 'pino';
import type { AppConfig } from '../../config';
import type { Principal } from '../auth';
import { assignRequestId } from './request-id';

type LoggedRequest = Omit<IncomingMessage, 'id'> & {
  id?: string;
  user?: Principal;
  route?: { path?: string };
  baseUrl?: string;
};

/**
 * pino-http settings: one JSON line per request with method, route template, status, duration, request id and
 * principal; never a body, a token or a password (`Authorization`, cookies and `?ticket=` are redacted).
 */
export function loggerParams(config: AppConfig): Params {
  const threshold = levels.values[config.log.level] ?? Infinity;
  const enabled = (level: string): boolean => (levels.values[level] ?? -Infinity) >= threshold;
  return {
    pinoHttp: {
      level: config.log.level,
      transport:
        config.log.format === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
      // With LOG_LEVEL=silent there is no request line to write: no completion listeners at all.
      autoLogging: enabled('fatal'),
      // 'silent' when the level is below LOG_LEVEL: pino-http then returns before building the line (custom
      // props, a child logger, serializers) that pino would drop anyway.
      customLogLevel: (_req, res, err) => {
        const level = err || res.statusCode >= 500 ? 'error' : 'info';
        return enabled(level) ? level : 'silent';
      },
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
      customProps: (incoming: IncomingMessage) => {
        const req = incoming as LoggedRequest;
        const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : undefined;
        const principal = req.user ? principalLabel(req.user) : undefined;
        // pino-http also asks when the request arrives, before routing and authentication, when both are
        // unknown: no bindings then, rather than a child logger that binds nothing.
        if (route === undefined && principal === undefined) return undefined as unknown as object;
        return { route, principal };
      },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    },
    forRoutes: ['{*path}'],
  };
}

function principalLabel(p: Principal): string {
  if (p.role === 'table') return `table:${p.tableId}`;
  return `${p.role}:${p.adminId}`;
}

function redactUrl(url: string): string {
  return url.replace(/([?&](ticket|token)=)[^&]*/g, '$1[redacted]');
}
