import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../config';
import { AccessLog, accessLogLevel, loggerParams } from './logging';
import { requestContext } from './request-lifecycle';

function captured(level: string, mixin?: () => object) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level, mixin }, stream), lines };
}

const request = (fields: Record<string, unknown>) =>
  ({ method: 'GET', headers: {}, ...fields }) as unknown as IncomingMessage;
const response = {} as ServerResponse;

describe('access log', () => {
  it('writes a 503 at warn and only the other 5xx at error', () => {
    expect(accessLogLevel(200)).toBe('info');
    expect(accessLogLevel(429)).toBe('info');
    expect(accessLogLevel(503)).toBe('warn');
    expect(accessLogLevel(500)).toBe('error');
    expect(accessLogLevel(502)).toBe('error');
  });

  it('writes one line per request: route template, principal, status, duration, redacted URL', () => {
    const { logger, lines } = captured('info');
    const log = new AccessLog(logger);
    const req = request({
      id: 'r-1',
      originalUrl: '/api/v1/admin/events?ticket=secret&x=1',
      baseUrl: '',
      route: { path: '/api/v1/admin/events' },
      user: { role: 'admin', adminId: 'a-1', storeId: 's-1' },
    });
    log.requestEnded(req, response, 200, 0.0123);
    log.requestEnded(request({ id: 'r-2', url: '/nowhere' }), response, 503, 0.001);
    log.requestEnded(request({ id: 'r-3', url: '/boom' }), response, 500, 0.001);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        requestId: 'r-1',
        route: '/api/v1/admin/events',
        principal: 'admin:a-1',
        req: { method: 'GET', url: '/api/v1/admin/events?ticket=[redacted]&x=1' },
        res: { statusCode: 200 },
        durationMs: 12,
      }),
      expect.objectContaining({
        level: 40,
        msg: 'request failed',
        requestId: 'r-2',
        res: { statusCode: 503 },
      }),
      expect.objectContaining({ level: 50, msg: 'request failed', requestId: 'r-3' }),
    ]);
    expect(lines[1]).not.toHaveProperty('route');
    expect(lines[1]).not.toHaveProperty('err');
  });

  it('builds nothing for a level LOG_LEVEL drops', () => {
    const { logger, lines } = captured('warn');
    const log = new AccessLog(logger);
    log.requestEnded(request({ id: 'r-1', url: '/' }), response, 200, 0.001);
    log.requestEnded(request({ id: 'r-2', url: '/' }), response, 503, 0.001);
    expect(lines.map((l) => l.requestId)).toEqual(['r-2']);
  });

  it('puts the request id on every line written while the request is served', () => {
    const { mixin } = loggerParams(loadConfig({ LOG_LEVEL: 'info' })).pinoHttp as { mixin: () => object };
    const { logger, lines } = captured('info', mixin);
    requestContext.run(request({ id: 'r-9' }), () => logger.info('inside'));
    logger.info('outside');
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['inside', 'r-9'],
      ['outside', undefined],
    ]);
  });
});
