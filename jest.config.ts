import type { Config } from 'jest';

// `npm test`: unit tests beside the code, HTTP end-to-end and security tests (test/security) on the embedded defaults
// (PGlite, in-process cache and bus). No server is needed.
const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '(src/.*\\.spec|test/(e2e|security)/.*\\.e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  testTimeout: 60_000,
  maxWorkers: 2,
};

export default config;
