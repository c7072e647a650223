import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { loadConfig } from '../../config';
import { accessLogLevel, loggerParams } from './logging';

describe('access log', () => {
  const options = loggerParams(loadConfig({ LOG_LEVEL: 'info' })).pinoHttp as Options;
  const req = {} as IncomingMessage;
  const res = (statusCode: number) => ({ statusCode }) as ServerResponse;

  it('writes a 503 at warn and only the other 5xx at error', () => {
    expect(accessLogLevel(200)).toBe('info');
    expect(accessLogLevel(429)).toBe('info');
    expect(accessLogLevel(503)).toBe('warn');
    expect(accessLogLevel(500)).toBe('error');
    expect(accessLogLevel(502)).toBe('error');
    expect(options.customLogLevel!(req, res(503), undefined)).toBe('warn');
  });

  it('drops the stack pino-http makes up for a status, keeps a real error', () => {
    const made = new Error('failed with status code 503');
    const line = { res: { statusCode: 503 }, err: made, durationMs: 3 };
    expect(options.customErrorObject!(req, res(503), made, line)).toEqual({
      res: { statusCode: 503 },
      durationMs: 3,
    });
    const real = new Error('socket hang up');
    expect(options.customErrorObject!(req, res(500), real, { err: real })).toEqual({ err: real });
  });
});
