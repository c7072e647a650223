import type { Config } from 'jest';

// `npm run test:services`: the same end-to-end and security suites plus integration, reliability and repository
// (test/repositories) tests, against the real PostgreSQL, Redis and RabbitMQ of this machine (override with
// TEST_DATABASE_URL, TEST_REDIS_URL, TEST_RABBITMQ_URL). Every test file gets a fresh database cloned from the
// migrated template (test/utils/test-database.ts), dropped when the file is done. Files that stop a shared
// server (*.fault-spec.ts) run afterwards, alone: test/jest-faults.config.ts.
const config: Config = {
  rootDir: '..',
  // What every suite shares (transform, environment, workers).
  preset: './test/jest-base.preset.json',
  testRegex:
    'test/((e2e|security)/.*\\.e2e-spec|(integration|reliability)/.*\\.int-spec|repositories/.*\\.repo-spec)\\.ts$',
  setupFiles: ['<rootDir>/test/utils/services-env.ts'],
  // The migrated template each test database is cloned from (test/utils/test-database.ts), built once a run.
  globalSetup: '<rootDir>/test/utils/services-setup.ts',
  testTimeout: 120_000,
};

export default config;
