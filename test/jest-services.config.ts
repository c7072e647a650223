import type { Config } from 'jest';

// `npm run test:services`: the same end-to-end and security suites plus integration and reliability tests, against the real PostgreSQL,
// Redis and RabbitMQ of this machine (override with TEST_DATABASE_URL, TEST_REDIS_URL, TEST_RABBITMQ_URL).
// Every test file gets a fresh database, created and dropped by test/utils/app.ts. Files that stop a shared
// server (*.fault-spec.ts) run afterwards, alone: test/jest-faults.config.ts.
const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '..',
  testRegex: 'test/((e2e|security)/.*\\.e2e-spec|(integration|reliability)/.*\\.int-spec)\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  testTimeout: 120_000,
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/utils/services-env.ts'],
};

export default config;
