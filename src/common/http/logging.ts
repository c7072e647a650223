import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
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
  return {
    pinoHttp: {
      level: config.log.level,
      transport:
        config.log.format === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
      customProps: (incoming: IncomingMessage) => {
        const req = incoming as LoggedRequest;
        return {
          route: req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : undefined,
          principal: req.user ? principalLabel(req.user) : undefined,
        };
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
