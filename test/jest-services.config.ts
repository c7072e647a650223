import type { Config } from 'jest';

// `npm run test:services`: the same end-to-end and security suites plus integration and reliability tests, against the real PostgreSQL,
// Redis and RabbitMQ of this machine (override with TEST_DATABASE_URL, TEST_REDIS_URL, TEST_RABBITMQ_URL).
// Every test file gets a fresh database, created and dropped by test/utils/app.ts. Files that stop a shared
// server (*.fault-spec.ts) run afterwards, alone: test/jest-faults.config.ts.
const config: Config = {
  rootDir: '..',
  // What every suite shares (transform, environment, workers).
  preset: './test/jest-base.preset.json',
  testRegex: 'test/((e2e|security)/.*\\.e2e-spec|(integration|reliability)/.*\\.int-spec)\\.ts$',
  setupFiles: ['<rootDir>/test/utils/services-env.ts'],
  testTimeout: 120_000,
};

export default config;
