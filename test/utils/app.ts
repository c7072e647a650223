import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config';
import { buildOpenApiDocument } from '../../src/swagger';
import { OpenApiResponseValidator } from './openapi-validator';
import { createBucket, deleteBucket, S3_ENDPOINT } from './s3';
import { createTestDatabase, PG_ADMIN_URL, pgliteTemplate } from './test-database';

/** True under `npm run test:services`: real PostgreSQL, Redis and RabbitMQ instead of the embedded defaults. */
export const SERVICES = process.env.TEST_SERVICES === '1';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const SUPERADMIN = { username: 'platform-root', password: 'superadmin-pass' };

/**
 * The environment of one test file: its own DATA_DIR, and under test:services its own fresh PostgreSQL database
 * (cloned from the migrated template, see test/utils/test-database.ts),
 * Redis key prefix and S3 bucket (IMAGE_STORAGE=s3 on the test S3 server). Several app instances started from one TestEnv share them, as pods of one deployment do.
 */
export interface TestEnv {
  vars: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * `postgresAdminUrl`: the server the test database is created on, when not the one of TEST_DATABASE_URL (a
 * test's own PostgreSQL, test/utils/servers.ts). `migrated: false`: an empty database, for a test of the
 * migrations themselves.
 */
export async function createTestEnv(
  extra: Record<string, string> = {},
  {
    postgresAdminUrl = PG_ADMIN_URL,
    migrated = true,
  }: { postgresAdminUrl?: string; migrated?: boolean } = {},
): Promise<TestEnv> {
  const id = randomBytes(5).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `table-order-test-${id}-`));
  const vars: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO_SEED: 'false',
    SUPERADMIN_USERNAME: SUPERADMIN.username,
    SUPERADMIN_PASSWORD: SUPERADMIN.password,
    BCRYPT_COST: '10',
    // Generous limits so that ordinary tests never meet them; the rate-limit tests set their own.
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    SSE_HEARTBEAT_MS: '30000',
    OUTBOX_POLL_MS: '200',
    DATABASE_URL: '',
    REDIS_URL: '',
    RABBITMQ_URL: '',
    IMAGE_STORAGE: '',
  };
  let database: { url: string; drop(): Promise<void> } | undefined;
  let bucket: string | undefined;
  if (!SERVICES && migrated) {
    fs.cpSync(await pgliteTemplate(), path.join(dataDir, 'pgdata'), { recursive: true });
  }
  if (SERVICES) {
    database = await createTestDatabase({ adminUrl: postgresAdminUrl, migrated });
    vars.DATABASE_URL = database.url;
    vars.REDIS_URL = REDIS_URL;
    vars.REDIS_KEY_PREFIX = `test:${id}:`;
    vars.RABBITMQ_URL = RABBITMQ_URL;
    bucket = `table-order-test-${id}`;
    await createBucket(bucket);
    Object.assign(vars, {
      IMAGE_STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PUBLIC_URL: `${S3_ENDPOINT}/${bucket}`,
    });
  }
  Object.assign(vars, extra);
  return {
    vars,
    dispose: async () => {
      await database?.drop();
      if (bucket) await deleteBucket(bucket).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  /** supertest bound to this instance */
  http: () => ReturnType<typeof request>;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The document every instance is checked against: the same for all of them, so built once per test process. */
let document: OpenAPIObject | undefined;

/** Starts one instance of the real application on a free port; its responses are checked against the document. */
export async function startApp(env: TestEnv, overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ...env.vars, PORT: '0', ...overrides });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const validator = new OpenApiResponseValidator((document ??= buildOpenApiDocument(app)));
  validator.install(app.getHttpServer());
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    url,
    http: () => request(url),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    close: async () => {
      await app.close();
      if (validator.violations.length > 0) {
        throw new Error(
          `${validator.violations.length} responses do not match the OpenAPI document:\n` +
            [...new Set(validator.violations)].slice(0, 20).join('\n'),
        );
      }
    },
  };
}

/** One environment and one instance: the common case. Call `stop()` in afterAll. */
export async function startTestApp(
  extra: Record<string, string> = {},
): Promise<TestApp & { env: TestEnv; stop(): Promise<void> }> {
  const env = await createTestEnv(extra);
  const instance = await startApp(env);
  return {
    ...instance,
    env,
    stop: async () => {
      try {
        await instance.close();
      } finally {
        await env.dispose();
      }
    },
  };
}
