import { loadConfig } from '../config';
import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions (PostgreSQL)', () => {
  const options = dataSourceOptions(
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' }),
  ) as { connectTimeoutMS?: number; extra?: Record<string, unknown> };

  it('bounds the wait for a connection, so requests fail fast while the database is down', () => {
    expect(options.connectTimeoutMS).toBeGreaterThan(0);
    expect(options.connectTimeoutMS).toBeLessThanOrEqual(5000);
  });

  it('bounds statements and keeps connections alive at the TCP level', () => {
    expect(options.extra).toMatchObject({ statement_timeout: 15000, keepAlive: true });
  });
});
