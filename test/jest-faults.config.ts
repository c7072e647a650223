import type { Config } from 'jest';

// Fault tests stop a server that every instance on this machine shares (Redis, RabbitMQ), so they run after the
// services suite, one file at a time, where an outage cannot break another file's test. Same setup as
// test/jest-services.config.ts otherwise (jest loads each config on its own, so it is repeated here).
const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '..',
  testRegex: 'test/(integration|reliability)/.*\\.fault-spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  testTimeout: 180_000,
  maxWorkers: 1,
  setupFiles: ['<rootDir>/test/utils/services-env.ts'],
};

export default config;
