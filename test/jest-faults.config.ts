import type { Config } from 'jest';

// Fault tests stop a server that every instance on this machine shares (Redis, RabbitMQ), so they run after the
// services suite, one file at a time, where an outage cannot break another file's test.
const config: Config = {
  rootDir: '..',
  // What every suite shares (transform, environment, workers).
  preset: './test/jest-base.preset.json',
  testRegex: 'test/(integration|reliability)/.*\\.fault-spec\\.ts$',
  setupFiles: ['<rootDir>/test/utils/services-env.ts'],
  // The migrated template each test database is cloned from (test/utils/test-database.ts), built once a run.
  globalSetup: '<rootDir>/test/utils/services-setup.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};

export default config;
