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

/** What pino-http makes up for a response >= 500 that carries no error of its own. */
const STATUS_ONLY_ERROR = /^failed with status code \d+$/;

/**
 * The access-log level of a response: a 503 is a dependency down, a failed readiness probe or a draining
 * instance, all expected and logged once where they start (DependencyStatus): warn. Error is for the other 5xx,
 * which the exception filter logs with their stack.
 */
export function accessLogLevel(status: number, err?: Error): 'info' | 'warn' | 'error' {
  if (status === 503) return 'warn';
  return err || status >= 500 ? 'error' : 'info';
}

/**
 * pino-http settings: one JSON line per request with method, route template, status, duration, request id and
 * principal; never a body, a token or a password (`Authorization`, cookies and `?ticket=` are redacted), and never
 * a stack: the one of a 500 is in the exception filter's line.
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
        const level = accessLogLevel(res.statusCode, err);
        return enabled(level) ? level : 'silent';
      },
      // pino-http attaches an Error with a stack pointing into itself to every 5xx line: it says nothing the
      // status does not.
      customErrorObject: (_req, _res, error, value: Record<string, unknown>) => {
        if (!STATUS_ONLY_ERROR.test(error.message)) return value;
        const { err: _err, ...rest } = value;
        return rest;
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
