import type { Config } from 'jest';

// `npm run test:services`: the same end-to-end suite plus integration tests, against the real PostgreSQL,
// Redis and RabbitMQ of this machine (override with TEST_DATABASE_URL, TEST_REDIS_URL, TEST_RABBITMQ_URL).
// Every test file gets a fresh database, created and dropped by test/utils/app.ts. Files that stop a shared
// server (*.fault-spec.ts) run afterwards, alone: test/jest-faults.config.ts.
const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '..',
  testRegex: 'test/(e2e/.*\\.e2e-spec|integration/.*\\.int-spec)\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  testTimeout: 120_000,
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/utils/services-env.ts'],
};

export default config;
