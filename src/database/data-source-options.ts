import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config';
import { MIGRATIONS } from '../../migrations';
import { createPgliteDriver } from './pglite-pool';
import { preparingPg } from './prepared-statements';
import { TypeOrmLogger } from './typeorm-logger';

/**
 * The one place that chooses the database: PostgreSQL through `pg` when DATABASE_URL is set, otherwise the
 * embedded PostgreSQL (PGlite) persisted under DATA_DIR. Both run the same migrations; `synchronize` is never on.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each' as const,
    logger: new TypeOrmLogger(),
    maxQueryExecutionTime: config.database.slowQueryMs,
    // PGlite ships neither uuid-ossp nor pgcrypto; the schema uses the core gen_random_uuid().
    installExtensions: false,
    uuidExtension: 'pgcrypto' as const,
  };
  if (config.database.url) {
    return {
      ...common,
      url: config.database.url,
      driver: preparingPg,
      poolSize: config.database.poolMax,
      applicationName: 'table-order-api',
      // Bounds both a new connection and the wait for a free one in the pool: with the database down or saturated,
      // a request fails within this (503 SERVICE_UNAVAILABLE) instead of hanging.
      connectTimeoutMS: 5000,
      // TCP keep-alive notices a server that vanished without closing its sockets (a host or network gone), where
      // nothing else would end a query already sent.
      extra: {
        idleTimeoutMillis: 30000,
        statement_timeout: 15000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10000,
      },
    };
  }
  const dataDir = path.join(config.dataDir, 'pgdata');
  fs.mkdirSync(dataDir, { recursive: true });
  return { ...common, driver: createPgliteDriver(dataDir) };
}
